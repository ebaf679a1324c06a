"""Official pages: agency queue, dossier detail with journal and tracking sheet, actions."""

from __future__ import annotations

import base64
from datetime import date
from functools import wraps
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from motcua.backoffice import accounts, labels
from motcua.calendar import default_calendar
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import search_procedures, spec_of
from motcua.core.errors import FieldError, Forbidden, Invalid, MotcuaError, NotFound, in_language
from motcua.core.security_log import security_event
from motcua.core.web import CLEAR_SITE_DATA, pdf_response, uploaded_file_response
from motcua.documents.results import preview_result
from motcua.documents.services import RevocationRefused, opened_attachment, revoke
from motcua.documents.views import document_file
from motcua.dossiers import groups, pdf, services
from motcua.dossiers import intake as dossier_intake
from motcua.dossiers.lifecycle import RULES, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.presenters import CITIZEN_ACTIONS, dossier_detail, progress_stages, queue_item
from motcua.identity import second_factor, sessions
from motcua.identity.actors import Role, actor_for_official
from motcua.identity.callers import OFFICIAL_LOGIN_KEY, logged_in_official
from motcua.identity.models import Official
from motcua.payments import fee_schedules
from motcua.payments import services as payments
from motcua.payments.models import ReconciliationRun
from motcua.registries import corrections
from motcua.registries.models import CorrectionReport
from motcua.registries.recheck import recheck as recheck_registries
from motcua.registries.sources import source
from motcua.representation import services as representation

QUEUE_PAGE = 50
# Offered in this order: the action that moves the dossier on comes first.
OFFICIAL_ACTIONS = ("receive", "forward", "complete", "return_result", "stop", "request_supplement",
                    "request_payment", "pay", "transfer", "apologize", "refuse")
assert set(OFFICIAL_ACTIONS) == set(RULES) - {"submit", *CITIZEN_ACTIONS}


class LoginForm(auth_views.AuthenticationForm):
    """Password, and the one-time code of the official's authenticator app once one is enrolled."""

    otp_token = forms.CharField(required=False, max_length=8)

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        official = Official.objects.filter(user=user).first()
        if official is None:
            raise ValidationError(_("This account is not an official's account."), code="not_official")
        if official.one_time_password_expired:
            security_event("login", "failure", actor=f"user:{user.get_username()}", reason="one_time_password_expired")
            raise ValidationError(_("This one-time password has lapsed: ask your administrator for a new one."),
                                  code="one_time_password_expired")
        self.otp_device = None
        if second_factor.has_authenticator(user):
            self.otp_device = second_factor.verified_device(user, self.cleaned_data.get("otp_token") or "")
            if self.otp_device is None:
                security_event("second_factor", "failure", actor=f"user:{user.get_username()}")
                raise ValidationError(_("Enter the 6-digit code from your authenticator app."), code="otp_invalid")


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[OFFICIAL_LOGIN_KEY] = True
        sessions.opened(self.request, "official", form.get_user().get_username())
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)  # marks the session as verified with a second factor
        return response


def official_required(view):
    """Officials logged in at the back office, with their second factor where they have or need one; the view
    receives the official's Actor. One who must enrol an authenticator is sent to do so first."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        official = logged_in_official(request)
        if official is None:
            return render(request, "backoffice/forbidden.html", status=403)
        if not second_factor.satisfied(request, official):
            return redirect(f"{reverse('backoffice:second_factor')}?next={request.get_full_path()}")
        if official.password_change_required:
            return redirect(f"{reverse('backoffice:password_change')}?next={request.get_full_path()}")
        request.official = official
        return view(request, actor_for_official(official), *args, **kwargs)

    return wrapper


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Self-service enrolment of an authenticator app: the code to scan, then the first one-time code proves
    it. Reached after the password; an official with an authenticator already enrolled comes here verified."""
    official = logged_in_official(request)
    if official is None or (second_factor.has_authenticator(request.user) and not request.user.is_verified()):
        return render(request, "backoffice/forbidden.html", status=403)
    error = ""
    if request.method == "POST":
        if second_factor.confirm_enrolment(request, request.POST.get("otp_token", "")):
            messages.success(request, _("Your authenticator app is enrolled: log-ins ask for its code from now on."))
            return redirect(_safe_next(request, request.POST.get("next", "")))
        security_event("second_factor_enrolment", "failure")
        error = _("That code does not match: check the time on your phone and enter the code now shown.")
    device = second_factor.pending_enrolment(request.user)
    return render(request, "backoffice/second_factor.html", {
        "official": official if second_factor.satisfied(request, official) else None,
        "required": second_factor.required(official), "enrolled": second_factor.has_authenticator(request.user),
        "qr": segno.make(device.config_url).svg_inline(scale=4, title=_("Authenticator app code")),
        "secret": base64.b32encode(device.bin_key).decode(), "error": error,
        "next": request.GET.get("next", "") or request.POST.get("next", ""),
    }, status=400 if error else 200)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The official chooses a new password (required after a one-time one): the old one, the new one twice,
    checked against the password rules; the session stays, the official's other sessions end."""
    official = logged_in_official(request)
    if official is None or not second_factor.satisfied(request, official):
        return render(request, "backoffice/forbidden.html", status=403)
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        accounts.password_changed(request.user)
        messages.success(request, _("Your password is changed."))
        return redirect(_safe_next(request, request.POST.get("next", "")))
    return render(request, "backoffice/password_change.html", {
        "official": None if official.password_change_required else official, "form": form,
        "required": official.password_change_required,
        "next": request.GET.get("next", "") or request.POST.get("next", ""),
    }, status=400 if form.errors else 200)


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("backoffice:queue")


@official_required
def queue(request: HttpRequest, actor) -> HttpResponse:
    """The agency's queue, searched by code, name or ID number and narrowed by status, due date and procedure
    (GET parameters: the page works without scripts and its address can be kept)."""
    statuses, search, errors = _queue_search(request.GET)
    found = services.agency_queue(actor.agency_code, statuses)
    counts = {"total": found.dossiers.count(), "overdue": found.overdue.count(), "nearing": found.nearing.count()}
    listed = found.matching(search) if not errors else found.dossiers.none()
    page = Paginator(listed.prefetch_related("actions"), QUEUE_PAGE).get_page(request.GET.get("page"))
    rows = []
    for dossier in page.object_list:
        view = queue_item(dossier, actor)
        view["mine"] = _is_my_task(view, actor)
        rows.append(view)
    counts["mine"] = sum(r["mine"] for r in rows)
    return render(request, "backoffice/queue.html", {
        "rows": rows, "page": page, "counts": counts, "search": search, "status": request.GET.get("status", ""),
        "statuses": list(Status), "procedures": found.procedures(), "errors": errors,
        "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v]),
        "official": request.official,
    }, status=400 if errors else 200)


QUEUE_SEARCH_DAYS = 60  # "due within N working days": about three months at most


def _queue_search(params) -> tuple[list[int], services.QueueSearch, dict[str, list[FieldError]]]:
    """The queue's filters from the page's parameters, and each problem by its field."""
    errors: dict[str, list[FieldError]] = {}

    def refuse(name: str, vi: str, en: str) -> None:
        errors.setdefault(name, []).append(FieldError(name, "invalid", vi, en))

    status = params.get("status", "")
    if status and not (status.isdigit() and int(status) in set(Status)):
        refuse("status", "Chọn một trạng thái trong danh sách.", "Choose a status from the list.")
    flag = params.get("flag", "")
    if flag not in ("", "overdue", "nearing"):
        refuse("flag", "Chọn một hạn trong danh sách.", "Choose a deadline from the list.")
    days = params.get("days", "") or "1"
    if not (days.isdigit() and 1 <= int(days) <= QUEUE_SEARCH_DAYS):
        refuse("days", f"Số ngày làm việc từ 1 đến {QUEUE_SEARCH_DAYS}.",
               f"A number of working days from 1 to {QUEUE_SEARCH_DAYS}.")
    dates = {}
    for name in ("due_from", "due_to"):
        try:
            dates[name] = date.fromisoformat(params[name]) if params.get(name) else None
        except ValueError:
            refuse(name, "Ngày không hợp lệ (năm-tháng-ngày).", "Not a valid date (year-month-day).")
    if dates.get("due_from") and dates.get("due_to") and dates["due_from"] > dates["due_to"]:
        refuse("due_to", "Ngày cuối phải từ ngày đầu trở đi.", "The last day must not be before the first.")
    search = services.QueueSearch(
        text=params.get("q", "")[:100], flag=flag, days=int(days) if "days" not in errors else 1,
        due_from=dates.get("due_from"), due_to=dates.get("due_to"), procedure=params.get("procedure", "")[:40])
    return ([int(status)] if status and "status" not in errors else []), search, errors


def _is_my_task(view: dict, actor) -> bool:
    """The dossier waits for the official's role: the current step's, or a withdrawal to confirm."""
    status = view["status"]["code"]
    if status == Status.WITHDRAWAL_REQUESTED:
        return actor.role in (Role.RECEIVER, Role.LEADER)
    return status not in (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION) and \
        view["step"]["role"] == actor.role


def readable_dossier_view(reading: str):
    """Pages of one dossier for an official of an agency that holds or held it: 404 or 403 otherwise.
    ``reading`` is what the page shows of it, recorded for the applicant (empty for an act)."""

    def decorate(view):
        @official_required
        @wraps(view)
        def wrapper(request: HttpRequest, actor, code: str, *args, **kwargs):
            try:
                dossier, state = services.readable_dossier(actor, code, reading)
            except NotFound:
                raise Http404(code) from None
            except Forbidden:
                return render(request, "backoffice/forbidden.html", status=403)
            return view(request, actor, dossier, state, *args, **kwargs)

        return wrapper

    return decorate


@readable_dossier_view(services.READING_DOSSIER)
def detail(request: HttpRequest, actor, dossier, state) -> HttpResponse:
    return _detail_page(request, actor, dossier, state)


def _detail_page(request: HttpRequest, actor, dossier, state, errors: dict | None = None,
                 status: int = 200) -> HttpResponse:
    """The dossier with the actions open to the official; ``errors``: why an action was just refused, by kind."""
    view = dossier_detail(dossier, state, actor)
    agencies = ({h["from_agency"] for h in view["handoffs"]} | {h["to_agency"] for h in view["handoffs"]}
                | {e["actor"]["agency"] for e in view["journal"]} | {e["data"].get("to_agency") for e in view["journal"]})
    names = {code: {"vi": vi, "en": en} for code, vi, en
             in Agency.objects.filter(code__in=agencies - {None}).values_list("code", "name_vi", "name_en")}
    transfer_targets = Agency.objects.filter(province_code=dossier.agency.province_code).exclude(
        code=dossier.agency.code).order_by("level", "name_vi")[:60] if "transfer" in view["allowed_actions"] else []
    today = timezone.localdate()
    claim = fee_schedules.claimed_relief(dossier)  # pre-selected: the fee asked applies it unless refused
    quote = payments.fee_quote(dossier, claim) if "request_payment" in view["allowed_actions"] else None
    attachments = list(dossier.attachments.select_related("from_document"))
    if view["supplement"] and view["supplement"]["answer"]:  # what the citizen sent, each file to open
        answer = view["supplement"]["answer"]
        brought = {a.sha256: a for a in attachments if a.added_with == answer["seq"]}
        for f in answer["files"]:
            if f["sha256"] in brought:
                f["url"] = reverse("backoffice:attachment", args=[dossier.code, brought[f["sha256"]].id])
    spec = spec_of(dossier.procedure_version)
    return render(request, "backoffice/detail.html", {
        "evidence_choices": spec.evidence, "field_choices": spec.fields, "evidence_names": labels.evidence_labels(spec),
        "fee_quote": quote, "reliefs": fee_schedules.dossier_reliefs(dossier) if quote else [],
        "fee_claim": claim, "fee_claim_proofs": [a for a in attachments if a.evidence_code == services.FEE_CLAIM_PROOF],
        "fee_due": state.fee_due, "attachments": attachments,
        "paper_authorisation": representation.paper_authorisation(dossier.mandate),
        "issued": dossier.issued_documents.order_by("issued_at"), "payments": dossier.payments.order_by("created_at"),
        "can_revoke": actor.role == Role.LEADER and actor.agency_code == dossier.agency.code,
        "has_authenticator": second_factor.has_authenticator(request.user),
        "d": view, "stages": progress_stages(state), "official": request.official, "agency_names": names,
        "actions": [a for a in OFFICIAL_ACTIONS if a in view["allowed_actions"]], "rules": RULES,
        "transfer_targets": transfer_targets, "group": groups.group_of(dossier),
        "earliest_new_date": default_calendar().next_working_day(max(today, state.appointment_date or today)),
        "errors": errors or {},
    }, status=status)


@require_POST
@official_required
def act(request: HttpRequest, actor, code: str, kind: str) -> HttpResponse:
    if kind not in OFFICIAL_ACTIONS:
        raise Http404(kind)
    fields = ("to_agency", "new_date", "outcome", "note", "exemption")
    data: dict = {k: request.POST[k] for k in fields if request.POST.get(k)}
    if kind == "request_payment":  # "none" chosen refuses the applicant's claimed exemption
        data["exemption"] = request.POST.get("exemption", "")
    for listed in ("missing_evidence", "fields_to_correct"):  # request_supplement: what is missing, ticked
        if request.POST.getlist(listed):
            data[listed] = request.POST.getlist(listed)
    try:
        services.confirm_step_up(actor, code, kind, request.POST.get(second_factor.CONFIRMATION_FIELD, ""),
                                 reviewed=request.POST.get(services.REVIEWED_FIELD) == "1")
        services.act(code, kind, actor, request.POST.get("reason", ""), data)
    except NotFound:
        raise Http404(code) from None
    except (MotcuaError, ValueError) as exc:
        if not isinstance(exc, MotcuaError):  # e.g. a malformed date typed by hand
            exc = Invalid("invalid", "Giá trị không hợp lệ.", "Invalid value.", "new_date")
        return _refused(request, actor, code, kind, exc)
    messages.success(request, _("Done: %(action)s") % {
        "action": in_language(request.LANGUAGE_CODE, RULES[kind].vi, RULES[kind].en)})
    return redirect("backoffice:detail", code=code)


def _refused(request: HttpRequest, actor, code: str, kind: str, exc: MotcuaError) -> HttpResponse:
    """The dossier again with the refused action's form open, saying why by its field, under the refusal's status."""
    try:
        dossier, state = services.readable_dossier(actor, code, services.READING_DOSSIER)
    except Forbidden:
        return render(request, "backoffice/forbidden.html", status=403)
    messages.error(request, exc.message(request.LANGUAGE_CODE))
    return _detail_page(request, actor, dossier, state, {kind: {"field": exc.field, "vi": exc.vi, "en": exc.en}},
                        status=exc.status)


@readable_dossier_view("")
def result_preview(request: HttpRequest, actor, dossier, state) -> HttpResponse:
    """The result as the deciding official would sign it now, to review before signing: unsigned, marked as a
    preview, stored nowhere; a read of the applicant's data once shown."""
    try:
        data = preview_result(dossier, state, actor)
    except MotcuaError as exc:  # not theirs to decide now, or the registries refuse what it would record
        return render(request, "backoffice/preview_refused.html", {
            "official": request.official, "code": dossier.code, "error": exc}, status=exc.status)
    services.record_read(actor, dossier, services.READING_PREVIEW)
    return pdf_response(data, f"xem-truoc-{dossier.code}.pdf")


@require_POST
@readable_dossier_view("")
def recheck(request: HttpRequest, actor, dossier, state) -> HttpResponse:
    """Re-read the registries the pre-filled values came from and say what changed since submission."""
    found = recheck_registries(dossier, actor)
    if found.changes:
        messages.warning(request, _("The registries changed since submission: %(changes)s") % {
            "changes": "; ".join(f"{c.label_vi}: {c.submitted} → {c.now}" for c in found.changes)})
    else:
        messages.success(request, _("Checked again against %(n)d registries: no change since submission.") % {
            "n": len(found.registries)})
    return redirect("backoffice:detail", code=dossier.code)


@readable_dossier_view(services.READING_SLIP)
def document(request: HttpRequest, actor, dossier, state, which: str) -> HttpResponse:
    render_pdf = {"phieu-tiep-nhan": pdf.receipt_slip, "phieu-kiem-soat": pdf.tracking_sheet}.get(which)
    if render_pdf is None:
        raise Http404(which)
    try:
        return pdf_response(render_pdf(dossier, state), f"{which}-{dossier.code}.pdf")
    except ValueError:
        raise Http404("not received yet") from None


@readable_dossier_view(services.READING_FILE)
def attachment(request: HttpRequest, actor, dossier, state, attachment_id: int) -> HttpResponse:
    """An evidence file of a dossier the official may read (a wallet document is served from the wallet)."""
    try:
        found, stored = opened_attachment(actor, dossier, attachment_id)
    except NotFound:
        raise Http404(attachment_id) from None
    with stored.open("rb") as f:
        return uploaded_file_response(f.read(), found.content_type, f"{found.evidence_code}{found.EXTENSION}")


@readable_dossier_view(services.READING_FILE)
def authorisation_scan(request: HttpRequest, actor, dossier, state) -> HttpResponse:
    """The scan of the paper authorisation the dossier was filed under, to check against the original."""
    found = representation.paper_authorisation(dossier.mandate)
    if found is None:
        raise Http404(dossier.code)
    with found.file.open("rb") as f:
        return uploaded_file_response(f.read(), found.content_type, f"van-ban-uy-quyen-{found.pk}{found.extension}")


def _issued(dossier, document_id):
    document = dossier.issued_documents.select_related("issuer_agency", "dossier").filter(pk=document_id).first()
    if document is None:
        raise Http404(document_id)
    return document


@readable_dossier_view(services.READING_RESULT)
def issued_document(request: HttpRequest, actor, dossier, state, document_id) -> HttpResponse:
    return document_file(_issued(dossier, document_id))


@require_POST
@readable_dossier_view("")
def revoke_document(request: HttpRequest, actor, dossier, state, document_id) -> HttpResponse:
    """A leader of the issuing agency revokes a document issued in error."""
    document = _issued(dossier, document_id)
    try:
        if revoke(document, actor, request.POST.get("reason", ""),
                  request.POST.get(second_factor.CONFIRMATION_FIELD, "")):
            messages.success(request, _("Document %(number)s revoked.") % {"number": document.number})
    except RevocationRefused:
        return render(request, "backoffice/forbidden.html", status=403)
    except MotcuaError as exc:  # no reason given, not confirmed, too many wrong confirmations
        messages.error(request, exc.message(request.LANGUAGE_CODE))
    return redirect("backoffice:detail", code=dossier.code)


@official_required
def intake_choose(request: HttpRequest, actor) -> HttpResponse:
    """Counter or postal intake, step 1: which procedure."""
    q = request.GET.get("q", "")[:200]
    return render(request, "backoffice/intake_choose.html", {
        "official": request.official, "q": q, "procedures": search_procedures(q)[:100]})


@official_required
def intake(request: HttpRequest, actor, code: str) -> HttpResponse:
    """Counter or postal intake: the officer types the dossier in and receives it on the spot."""
    if actor.role != Role.RECEIVER:
        return render(request, "backoffice/forbidden.html", status=403)
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None:
        raise Http404(code)
    spec = spec_of(procedure.current_version)
    # the applicant may claim an exemption or reduction of this agency's schedule, its proof scanned at the desk
    agency = Agency.objects.get(code=actor.agency_code)
    context = {**dossier_intake.blank_context(procedure, spec), "official": request.official,
               "claims": fee_schedules.claim_choices(spec, fee_schedules.authority_of(agency))}
    if request.method == "POST":
        channel = request.POST.get("channel", "counter")
        sub = dossier_intake.submission_from_post(request, spec, code, channel,
                                                 request.POST.get("applicant.id_number", ""),
                                                 request.POST.get("applicant.name", ""))
        try:
            dossier, created = services.submit(sub, actor)
        except services.SubmissionError as exc:
            return render(request, "backoffice/intake.html", dossier_intake.with_errors(context, sub, exc),
                          status=exc.status)
        if created and dossier.agency.code == actor.agency_code:
            services.act(dossier.code, "receive", actor)
        messages.success(request, _("Dossier %(code)s recorded and received.") % {"code": dossier.code})
        return redirect("backoffice:detail", code=dossier.code)
    return render(request, "backoffice/intake.html", context)


@official_required
def correction_reports(request: HttpRequest, actor) -> HttpResponse:
    """Reports of wrong registry data routed to the official's agency, as keeper of that registry: open ones due
    first, each beside what the registry holds now, with the answer forms (accept and correct, or reject)."""
    status = request.GET.get("status", "open")
    status = status if status in CorrectionReport.STATUS_LABELS or status == "" else "open"
    reports = corrections.reports_for_keeper(actor, status)
    today = timezone.localdate()
    rows = [{"report": r, "overdue": corrections.is_overdue(r, today), "registry": source(r.registry),
             "now": corrections.current_value(r), "correctable": r.field in source(r.registry).correctable,
             "history": corrections.field_history(r)}
            for r in reports]
    return render(request, "backoffice/correction_reports.html", {
        "official": request.official, "rows": rows, "status": status, "statuses": CorrectionReport.STATUS_LABELS,
    })


@require_POST
@official_required
def answer_correction(request: HttpRequest, actor, report_id: int) -> HttpResponse:
    accepted = request.POST.get("decision") == "accept"
    try:
        corrections.answer(report_id, actor, accepted, request.POST.get("answer", ""),
                           value=request.POST.get("value", ""), legal_basis=request.POST.get("legal_basis", ""))
        messages.success(request, _("Answer recorded: the person can read it on their data page."))
    except NotFound:
        raise Http404(str(report_id)) from None
    except MotcuaError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
    return redirect(f"{reverse('backoffice:correction_reports')}#report-{report_id}")


@official_required
def reconciliation(request: HttpRequest, actor) -> HttpResponse:
    """Daily reconciliation runs of online payments; the mismatches that concern the official's agency."""
    runs = []
    for run in ReconciliationRun.objects.order_by("-day", "-started_at")[:30]:
        mine = [m for m in run.mismatches if Dossier.objects.filter(code=m["dossier"], agency__code=actor.agency_code)
                .exists()] if run.mismatches else []
        runs.append({"run": run, "mismatches": mine})
    return render(request, "backoffice/reconciliation.html", {"official": request.official, "runs": runs})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sessions.end(request)
    response = redirect("backoffice:login")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@official_required
def my_sessions(request: HttpRequest, actor) -> HttpResponse:
    """The official's sessions (where, since when, last seen), and ending all the others."""
    if request.method == "POST":
        ended = sessions.end_others(request)
        messages.success(request, _("%(n)d other sessions ended.") % {"n": ended})
        return redirect("backoffice:sessions")
    return render(request, "backoffice/sessions.html", {
        "official": request.official, "sessions": sessions.mine(request),
        "current": request.session.session_key})
