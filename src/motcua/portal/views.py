"""Citizen pages: catalog, procedure detail, submission, my dossiers, public tracking."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import divisions
from motcua.catalog.models import LEVEL_LABELS, Procedure
from motcua.catalog.services import fold_text, procedure_groups, search_procedures, spec_of
from motcua.core.errors import Forbidden, MotcuaError, NotFound, in_language
from motcua.core.ratelimit import rate_limited
from motcua.core.security_log import security_event
from motcua.core.web import CLEAR_SITE_DATA, client_address, pdf_response
from motcua.documents.models import IssuedDocument
from motcua.documents.services import wallet_of
from motcua.documents.views import document_file
from motcua.dossiers import filing, groups, intake, pdf, services
from motcua.dossiers.filing import Mandate, filed_as_label
from motcua.dossiers.lifecycle import LifecycleError, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.presenters import CITIZEN_ACTIONS, dossier_detail, progress_stages
from motcua.eid.inprocess import BundledProvider
from motcua.identity import oidc, sessions
from motcua.identity.actors import EID_LEVEL_2_HOW, eid_level_missing
from motcua.identity.callers import CITIZEN_SESSION_KEY, citizen_from_session, citizen_login
from motcua.metrics import ratings
from motcua.metrics.models import Rating
from motcua.organisations import services as organisations
from motcua.payments import fee_schedules
from motcua.payments import services as payments
from motcua.proactive import services as proactive
from motcua.registries.access import DOSSIER_LABEL, DOSSIER_READS, Purpose, access_log_for
from motcua.registries.corrections import open_correction, reports_of_person
from motcua.registries.prefill import Prefill, held_by_state, prefill
from motcua.registries.sources import SOURCES, source
from motcua.representation import services as representation


def current_citizen(request: HttpRequest) -> dict | None:
    return request.session.get(CITIZEN_SESSION_KEY)


def session_actor(request: HttpRequest):
    return citizen_from_session(request)


def require_citizen(request: HttpRequest):
    if current_citizen(request) is None:
        messages.info(request, _("Please log in to continue."))
        return redirect(f"{reverse('portal:login')}?next={quote(request.get_full_path())}")
    return None


def home(request: HttpRequest) -> HttpResponse:
    return catalog(request)


def catalog(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    level = request.GET.get("level", "")
    online = request.GET.get("online_level", "")
    sector = request.GET.get("sector", "")
    sectors = Procedure.objects.values("sector_code", "sector_vi", "sector_en").distinct().order_by("sector_vi")
    return render(request, "portal/catalog.html", {
        "groups": [g for g in procedure_groups().values()
                   if all(word in fold_text(f"{g.code} {g.name_vi} {g.name_en}") for word in fold_text(q).split())],
        "procedures": search_procedures(q, level, sector, online)[:200], "q": q, "level": level, "online": online, "sector": sector,
        "levels": LEVEL_LABELS, "sectors": sectors, "citizen": current_citizen(request),
    })


def _procedure_or_404(code: str) -> Procedure:
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None:
        raise Http404(code)
    return procedure


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(code)
    spec = spec_of(procedure.current_version)
    province = _chosen_province(request)
    return render(request, "portal/procedure.html", {
        "procedure": procedure, "spec": spec, "level": LEVEL_LABELS[procedure.level],
        "citizen": current_citizen(request), "provinces": divisions.provinces_in_order(), "province": province,
        **before_start(request, spec, province, held_by_state(spec)),
    })


def _chosen_province(request: HttpRequest) -> str:
    """The province the citizen chose to see the fee of (``?tinh=``), if it is one."""
    code = request.GET.get("tinh", "")
    return code if code in divisions.provinces() else ""


def before_start(request: HttpRequest, spec, province_code: str, held: list) -> dict:
    """What the procedure page and the top of its form tell before anything is filled: the e-ID level it needs
    (and, to a citizen logged in below it, how to reach it), the time it takes, the fee online and at the
    counter with the rule it comes from (where the dossier is decided, when that is known), and what the state
    already holds."""
    return {"eid_missing": eid_level_missing(session_actor(request), spec.eid_level), "eid_how": EID_LEVEL_2_HOW,
            "fees": fee_schedules.fee_outlook(spec, province_code), "held": held}


# What the registries pre-filled into a form, kept in the session until it is submitted so the dossier can
# say where each value came from: one slot per procedure (the latest form opened), at most PREFILL_SLOTS.
PREFILL_SESSION_KEY = "prefill"
PREFILL_SLOTS = 5


def keep_prefill(request: HttpRequest, procedure_code: str, form_key: str, filled: Prefill) -> None:
    slots = {code: slot for code, slot in request.session.get(PREFILL_SESSION_KEY, {}).items()
             if code != procedure_code}
    kept = list(slots.items())[-(PREFILL_SLOTS - 1):]  # insertion order: the oldest go first
    request.session[PREFILL_SESSION_KEY] = {**dict(kept), procedure_code: {"form": form_key,
                                                                               "prefill": filled.as_dict()}}


def kept_prefill(request: HttpRequest, procedure_code: str, form_key: str) -> Prefill:
    slot = request.session.get(PREFILL_SESSION_KEY, {}).get(procedure_code) or {}
    return Prefill.from_dict(slot["prefill"] if slot.get("form") == form_key else None)


def drop_prefill(request: HttpRequest, procedure_code: str) -> None:
    slots = dict(request.session.get(PREFILL_SESSION_KEY, {}))
    if slots.pop(procedure_code, None) is not None:
        request.session[PREFILL_SESSION_KEY] = slots


def submit(request: HttpRequest, code: str) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    procedure = _procedure_or_404(code)
    spec = spec_of(procedure.current_version)
    citizen = current_citizen(request)
    actor = session_actor(request)
    if eid_level_missing(actor, spec.eid_level):  # told before filling anything; the form is not offered
        return render(request, "portal/submit.html", {
            "procedure": procedure, "spec": spec, "citizen": citizen, **before_start(request, spec, "", [])},
            status=403)
    context = {**intake.blank_context(procedure, spec), "citizen": citizen,
               "registries": {key: source(key) for key in SOURCES}, "claims": fee_schedules.claim_choices(spec)}
    # ``?to-chuc=<enterprise code>``: filed for an organisation, by its legal representative or delegated staff.
    posted = request.method == "POST"
    for_organisation = (request.POST if posted else request.GET).get("to-chuc", "")[:20]
    chosen = None
    if for_organisation:
        try:
            organisation_filled, record = organisations.filing_prefill(actor, for_organisation, spec)
        except (organisations.OrganisationRefused, NotFound) as exc:
            return render(request, "portal/organisation_refused.html", {"error": exc, "citizen": citizen},
                          status=exc.status)
        context["organisation"] = record
        applicant_id, applicant_name = for_organisation, ""
    else:
        people = representation.people_for(actor, spec, timezone.now())
        chosen = _filing_for(request.POST if posted else request.GET, people, keep_unknown=posted)
        applicant_id, applicant_name = (chosen.id_number, chosen.name) if chosen else (citizen["id_number"],
                                                                                       citizen.get("name", ""))
        context.update(file_for=[(kind, FILE_FOR[kind], found) for kind, found in people.items()], chosen=chosen,
                       filer_label=filed_as_label(chosen.mandate.filed_as) if chosen else None)
    if posted:
        # the pre-fill kept is of the person the form was opened for, and only of them
        key = f"{request.POST.get('idempotency_key', '')}:{applicant_id}"
        filled = kept_prefill(request, code, key)
        sub = intake.submission_from_post(request, spec, code, "online", applicant_id, applicant_name)
        if for_organisation:
            sub.applicant_kind = filing.ORGANISATION
            organisations.prefill_submission(sub, actor, filled)
        else:
            sub.filed_as = chosen.mandate.filed_as if chosen else request.POST.get("filed_as", "")
            sub.provenance = filled.provenance(sub.form)
        try:
            dossier, _created = services.submit(sub, actor)
        except services.SubmissionError as exc:
            context = intake.with_errors(context, sub, exc)
            context.update(prefill=filled, prefill_rows=_prefill_rows(spec, filled))
            return render(request, "portal/submit.html", _told_before(request, spec, context, filled), status=422)
        drop_prefill(request, code)
        messages.success(request, _("Your dossier has been submitted. Code: %(code)s") % {"code": dossier.code})
        return redirect("portal:dossier", code=dossier.code)
    # Once-only: what the state already holds of the person concerned (or the organisation) is filled in, shown,
    # and never asked again; read for someone else, it is logged in their name as read by the citizen filing. A
    # paper authorisation, which no one has checked yet, lets its holder file but not read.
    if for_organisation:
        filled = organisation_filled
    else:
        filled = (prefill(spec, applicant_id, actor, Purpose("Điền sẵn biểu mẫu", spec.code))
                  if chosen is None or chosen.mandate.confirmed else Prefill())
    keep_prefill(request, code, f"{context['idempotency_key']}:{applicant_id}", filled)
    offer = _offer_to_take_up(request, actor, code)
    offered = {name: value for name, value in (offer.prefill if offer else {}).items()
               if name in {f.name for f in spec.fields}}
    context.update(values={**offered, **{k: v.value for k, v in filled.values.items()}}, prefill=filled,
                   prefill_rows=_prefill_rows(spec, filled), offer=offer)
    if province := _chosen_province(request):  # chosen on the procedure page, to see the fee there
        context.update(place=(place := intake.place_of("", province)), communes=place["communes"])
    return render(request, "portal/submit.html", _told_before(request, spec, context, filled))


def _told_before(request: HttpRequest, spec, context: dict, filled: Prefill) -> dict:
    """The form's context with what is told before it (fees where the place chosen decides). What the state
    holds is listed there only when the pre-fill preview, which shows the values themselves, is not shown."""
    previewed = bool(context["prefill_rows"] or filled.evidence)
    return {**context, **before_start(request, spec, context["place"]["province_code"],
                                      [] if previewed else held_by_state(spec))}


# The form's "file for" choice: how each way of acting for someone is offered.
FILE_FOR = {"parent": ("Con", "My child"), "guardian": ("Người được giám hộ", "My ward"),
            "relative": ("Người thân đã mất", "A deceased relative"),
            "authorised": ("Người ủy quyền cho tôi", "Someone who authorised me")}


def _filing_for(data, people: dict, keep_unknown: bool) -> representation.Represented | None:
    """The person the form is filled for (``for``, as ``filed_as``), if the citizen may file for them; None
    for the citizen themselves. Anyone else named in a submission is kept, for it to be refused by field."""
    wanted, way = data.get("for", ""), data.get("filed_as", "")
    if not wanted:
        return None
    for found in people.get(way, ()):
        if found.id_number == wanted:
            return found
    return representation.Represented(wanted[:12], "", Mandate(way if way in FILE_FOR else "")) if keep_unknown else None


def _offer_to_take_up(request: HttpRequest, actor, code: str):
    """The citizen's own open offer of this procedure named by ``?offer=``; anything else opens the plain form."""
    raw = request.GET.get("offer", "")
    if not raw.isdigit() or len(raw) > 18:
        return None
    try:
        offer = proactive.offer_of(actor, int(raw))
    except NotFound:
        return None
    return offer if offer.procedure_code == code and offer.status == "offered" else None


def _prefill_rows(spec, filled: Prefill) -> list[dict]:
    """What the preview shows: each value used, and from which registry."""
    labels = {key: source(key) for key in SOURCES}
    rows = []
    for f in spec.fields:
        known = filled.values.get(f.name)
        if known:
            registry = labels[known.registry]
            rows.append({"field": f.name, "label_vi": f.label_vi, "label_en": f.label_en, "value": known.value,
                         "registry": known.registry, "registry_vi": registry.label_vi,
                         "registry_en": registry.label_en})
    return rows


def _claimed(found, state) -> dict | None:
    """The exemption or reduction the applicant claimed and, until the fee is asked, what it would leave owed."""
    claim = fee_schedules.fee_claim(found, state.fee_request)
    if claim is None:
        return None
    return {"relief": claim.relief, "quote": claim.quote if claim.pending else None}


@require_POST
def report_wrong_data(request: HttpRequest) -> HttpResponse:
    """'This data is wrong': recorded and routed to the registry's owner."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    registry = request.POST.get("registry", "")
    if registry not in SOURCES:
        raise Http404(registry)
    owner = source(registry)
    open_correction(current_citizen(request)["id_number"], registry, request.POST.get("field", ""),
                    request.POST.get("value", ""), note=request.POST.get("note", ""))
    messages.success(request, _("Thank you. Your report was sent to the keeper of %(registry)s.") % {
        "registry": in_language(request.LANGUAGE_CODE, owner.label_vi, owner.label_en)})
    return redirect(_safe_next(request.POST.get("next", "/")))


def _safe_next(url: str) -> str:
    return url if url.startswith("/") and not url.startswith("//") else "/"


def eid_provider(request: HttpRequest) -> oidc.Provider:
    return oidc.choose_provider(request, BundledProvider)


def login(request: HttpRequest) -> HttpResponse:
    """Citizens log in with their e-ID (OpenID Connect): off to the provider. ``?to-chuc=1``: an organisation's
    login, through its legal representative's e-ID."""
    organisation = request.GET.get("to-chuc") == "1"
    try:
        return redirect(oidc.begin(request, _safe_next(request.GET.get("next", "/")), eid_provider(request),
                                   organisation=organisation))
    except oidc.LoginFailed as exc:
        return render(request, "portal/login_failed.html", {"error": exc}, status=exc.status)


def login_complete(request: HttpRequest) -> HttpResponse:
    try:
        verified = oidc.complete(request, eid_provider(request))
    except oidc.LoginFailed as exc:
        security_event("citizen_login", "failure", reason=exc.code)
        return render(request, "portal/login_failed.html", {"error": exc}, status=exc.status)
    claims = verified.claims
    try:  # an organisation's login: the enterprise registry must name this person its legal representative
        organisation = organisations.confirm_login(verified.organisation, claims["personal_id"]) \
            if verified.organisation else None
    except organisations.OrganisationRefused as exc:
        security_event("citizen_login", "failure", reason=exc.code, actor=f"citizen:{claims['personal_id']}",
                       organisation=verified.organisation["code"] if verified.organisation else "")
        return render(request, "portal/login_failed.html", {"error": exc}, status=exc.status)
    request.session.cycle_key()
    request.session[CITIZEN_SESSION_KEY] = citizen_login(claims, verified.eid_level, organisation)
    sessions.opened(request, "citizen", claims["personal_id"])
    security_event("citizen_login", "success", actor=f"citizen:{claims['personal_id']}", eid_level=verified.eid_level,
                   organisation=organisation["code"] if organisation else "")
    return redirect(_safe_next(verified.next_url))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the citizen's session here and the e-ID provider's login too, so the next person at this browser
    (a kiosk, a shared computer) is asked for their own password."""
    home = request.build_absolute_uri(reverse("portal:home"))
    security_event("citizen_logout", "success")
    sessions.forget(request)
    try:
        response = redirect(oidc.end_session(request, eid_provider(request), home))
    except oidc.LoginFailed as exc:
        request.session.flush()  # whatever the provider's state, the session here ends
        messages.warning(request, exc.message(request.LANGUAGE_CODE))
        return redirect(home)  # keeps the cookies: the message is in one
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def my_sessions(request: HttpRequest) -> HttpResponse:
    """The citizen's sessions on this portal (where, since when, last seen), and ending all the others."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    if request.method == "POST":
        ended = sessions.end_others(request)
        messages.success(request, _("%(n)d other sessions ended.") % {"n": ended})
        return redirect("portal:sessions")
    return render(request, "portal/sessions.html", {
        "citizen": current_citizen(request), "sessions": sessions.mine(request),
        "current": request.session.session_key})


MY_DOSSIERS_PAGE = 30
# The narrowings of "my dossiers", in the order offered ("" lists them all).
FOLLOWING_LABELS = {"": ("Tất cả", "All"), "needs_action": ("Cần tôi thực hiện", "Needs my action"),
                    "in_progress": ("Đang giải quyết", "In progress"), "finished": ("Đã xong", "Finished")}


def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The citizen's dossiers, narrowed to those in progress, needing their action or finished; each row says
    what it needs of them."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    actor = session_actor(request)
    following = request.GET.get("following", "")
    following = following if following in services.FOLLOWING else ""
    page = Paginator(services.dossiers_of(actor, following), MY_DOSSIERS_PAGE).get_page(request.GET.get("page"))
    counts = services.following_counts(actor)
    applications = [groups.view(g) for g in groups.groups_of(citizen["id_number"])[:20]]
    return render(request, "portal/my_dossiers.html", {
        "page": page, "citizen": citizen, "groups": applications, "following": following,
        "query": urlencode({"following": following}) if following else "",
        "filters": [(key, vi, en, counts[key or "all"]) for key, (vi, en) in FOLLOWING_LABELS.items()],
        "rows": [{"dossier": d, "status": Status(d.status), "needed": services.needed_action_of(d)}
                 for d in page.object_list],
    })


def my_data_reads(request: HttpRequest) -> HttpResponse:
    """Who read my data: every read of the citizen's registry data, newest first."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    return render(request, "portal/data_reads.html", {
        "citizen": citizen, "reads": access_log_for(citizen["id_number"]),
        "reports": reports_of_person(citizen["id_number"]),
        "registries": {key: source(key) for key in SOURCES} | {DOSSIER_READS: DOSSIER_LABEL}})


def applicant_view(view):
    """Pages of one dossier for its applicant: log in first; anyone else gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args, **kwargs):
        if (redirect_to_login := require_citizen(request)) is not None:
            return redirect_to_login
        actor = session_actor(request)
        try:
            found, state = services.readable_dossier(actor, code, "")  # the applicant's own
        except NotFound:
            raise Http404(code) from None
        except Forbidden:
            return HttpResponseForbidden(render(request, "portal/forbidden.html").content)
        return view(request, actor, found, state, *args, **kwargs)

    return wrapper


@applicant_view
def dossier(request: HttpRequest, actor, found, state) -> HttpResponse:
    return _dossier_page(request, actor, found, state)


def _dossier_page(request: HttpRequest, actor, found, state, errors: dict | None = None,
                  values: dict | None = None, status: int = 200) -> HttpResponse:
    view = dossier_detail(found, state, actor)
    spec = spec_of(found.procedure_version)
    supplement = view["supplement"]
    if supplement and supplement["open"]:  # the fields asked about (all when none is named), and the documents
        asked = {f["name"] for f in supplement["fields_to_correct"]}
        supplement["form_spec"] = {"fields": [f for f in spec.fields if f.name in asked or not asked]}
        supplement["givable"] = [e for e in spec.evidence
                                 if e.code in {m["code"] for m in supplement["missing_evidence"]} or e.source is None]
        supplement["values"] = values if values is not None else dict(found.form_data)
    return render(request, "portal/dossier.html", {
        "d": view, "stages": progress_stages(state), "citizen": current_citizen(request),
        "group": groups.group_of(found),
        "citizen_actions": [a for a in view["allowed_actions"] if a in CITIZEN_ACTIONS],
        "fee_due": state.fee_due if state.status == Status.FINANCIAL_OBLIGATION else 0,
        "fee_quote": fee_schedules.requested_quote(found, state.fee_request) if state.fee_due else None,
        "claimed": _claimed(found, state),
        "issued": found.issued_documents.order_by("issued_at"),
        "payments": found.payments.order_by("-created_at"),
        "attachments": found.attachments.select_related("from_document").order_by("evidence_code"),
        "rating": Rating.objects.filter(dossier=found).first(), "rating_scores": RATING_SCORES,
        "errors": errors or {}, "max_upload_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
    }, status=status)


@require_POST
@applicant_view
def supplement(request: HttpRequest, actor, found, state) -> HttpResponse:
    """The citizen answers the supplement request: the missing documents' files and the corrected fields."""
    spec = spec_of(found.procedure_version)
    asked = {f for f in request.POST.getlist("asked_fields")}
    form = {k: v for k, v in intake.form_values(request, spec).items() if k in asked}
    for name in asked:  # a field emptied on purpose is sent empty, so it is seen as corrected
        if name not in form and any(f.name == name and f.type != "boolean" for f in spec.fields):
            form[name] = ""
    try:
        services.act(found.code, "supplement", actor, request.POST.get("reason", ""),
                     {"form": form} if form else {}, files=intake.incoming_files(request))
    except MotcuaError as exc:
        if not exc.errors:  # not a problem of the answer (the request was withdrawn meanwhile…): said on the page
            messages.error(request, exc.message(request.LANGUAGE_CODE))
            return redirect("portal:dossier", code=found.code)
        errors: dict[str, list] = {}
        for e in exc.errors:
            errors.setdefault(e.field or "", []).append({"vi": e.vi, "en": e.en})
        return _dossier_page(request, actor, found, state, errors, {**found.form_data, **form},
                             status=exc.status if 400 <= exc.status < 500 else 422)
    messages.success(request, _("Done."))
    return redirect("portal:dossier", code=found.code)


RATING_SCORES = ((5, "Rất hài lòng", "Very satisfied"), (4, "Hài lòng", "Satisfied"),
                 (3, "Bình thường", "Neutral"), (2, "Không hài lòng", "Dissatisfied"),
                 (1, "Rất không hài lòng", "Very dissatisfied"))


@require_POST
@applicant_view
def rate(request: HttpRequest, actor, found, state) -> HttpResponse:
    """Once the result is returned, the applicant rates the service (and may complain): it feeds the index."""
    code = found.code
    try:
        ratings.rate(found, state, actor, request.POST.get("score", ""), request.POST.get("complaint", ""))
        messages.success(request, _("Thank you: your rating has been recorded."))
    except ratings.RatingError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
        return redirect(f"{reverse('portal:dossier', args=[code])}#rating")
    return redirect("portal:dossier", code=code)


@require_POST
@applicant_view
def pay_online(request: HttpRequest, actor, found, state) -> HttpResponse:
    """Start a payment of what the dossier owes: off to the payment gateway's page."""
    code = found.code
    try:
        payment = payments.start_online_payment(found, state, actor)
    except payments.PaymentError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
        return redirect("portal:dossier", code=code)
    return_url = request.build_absolute_uri(reverse("payments:return"))
    return redirect(payments.gateway().payment_url(payment, return_url, client_address(request),
                                                   request.LANGUAGE_CODE))


def wallet(request: HttpRequest) -> HttpResponse:
    """The citizen's document wallet: every result and receipt issued to them, signed, reusable."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    return render(request, "portal/wallet.html", {"citizen": citizen, "documents": wallet_of(citizen["id_number"])})


def wallet_file(request: HttpRequest, document_id) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    document = IssuedDocument.objects.filter(pk=document_id,
                                             owner_id_number=current_citizen(request)["id_number"]).first()
    if document is None:
        raise Http404("no such document in your wallet")
    return document_file(document)


@require_POST
def citizen_action(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    if kind not in CITIZEN_ACTIONS or kind == "supplement":  # a supplement brings files: its own form
        raise Http404(kind)
    try:
        services.act(code, kind, session_actor(request), request.POST.get("reason", ""))
        messages.success(request, _("Done."))
    except NotFound:
        raise Http404(code) from None
    except LifecycleError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
    return redirect("portal:dossier", code=code)


@applicant_view
def receipt_pdf(request: HttpRequest, actor, found, state) -> HttpResponse:
    try:
        data = pdf.receipt_slip(found, state)
    except ValueError:
        raise Http404("not received yet") from None
    return pdf_response(data, f"phieu-tiep-nhan-{found.code}.pdf")


@rate_limited("track")
def track(request: HttpRequest, code: str | None = None) -> HttpResponse:
    code = (code or request.GET.get("code", "")).strip()[:60]
    found = None
    if code:
        found = (Dossier.objects.select_related("procedure_version__procedure", "agency")
                 .filter(code=code).first())
    stages = progress_stages(services.state_of(found)) if found else None
    return render(request, "portal/track.html", {
        "code": code, "dossier": found, "stages": stages, "citizen": current_citizen(request),
    })


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What the portal does with personal data, for whom, how long it is kept and the person's rights."""
    return render(request, "portal/privacy.html", {
        "citizen": current_citizen(request), "controller": settings.PRIVACY["CONTROLLER"],
        "contact": settings.PRIVACY["CONTACT"], "retention": settings.RETENTION_DAYS,
        "session_hours": settings.SESSION_LIMITS["citizen"][0] // 3600,
        "idle_minutes": settings.SESSION_LIMITS["citizen"][1] // 60,
    })
