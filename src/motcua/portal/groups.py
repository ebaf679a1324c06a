"""The citizen's interlinked groups: one application for a group of procedures (Nghị định 63/2024/NĐ-CP), and
one page to follow it, each member's dossier at its agency."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, Invalid, NotFound
from motcua.dossiers import groups, intake
from motcua.identity.actors import EID_LEVEL_2_HOW, eid_level_missing
from motcua.portal import views
from motcua.registries.prefill import group_form, prefill_group


def _spec_or_404(code: str):
    try:
        return groups.group_spec(code)
    except NotFound:
        raise Http404(code) from None


def apply(request: HttpRequest, code: str) -> HttpResponse:
    spec = _spec_or_404(code)
    citizen = views.current_citizen(request)
    all_members = [m.procedure for m in spec.members]
    form_spec = group_form(spec, all_members)
    context = {**intake.blank_context(None, form_spec), "group": spec, "citizen": citizen,
               "member_specs": groups.member_specs(spec), "chosen": all_members}
    if citizen is None:
        return render(request, "portal/group.html", context)
    actor = views.session_actor(request)
    if eid_level_missing(actor, max(s.eid_level for s in context["member_specs"].values())):
        context.update(eid_missing=True, eid_how=EID_LEVEL_2_HOW)  # told before anything is filled or read
        return render(request, "portal/group.html", context, status=403)
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        filled = views.kept_prefill(request, code, key)
        chosen = [c for c in request.POST.getlist("members") if c in all_members]
        app = groups.GroupApplication(
            code, chosen, citizen["id_number"], citizen.get("name", ""),
            applicant_phone=request.POST.get("applicant.phone", "").strip(),
            applicant_email=request.POST.get("applicant.email", "").strip(),
            commune_code=request.POST.get("commune_code", ""), province_code=request.POST.get("province_code", ""),
            idempotency_key=key or None)
        try:  # only the chosen members' fields are read
            app.form = intake.form_values(request, group_form(spec, spec.check_choice(chosen)))
            app.provenance = filled.provenance(app.form)
            group, _created = groups.submit_group(app, actor)
        except Invalid as exc:
            errors: dict[str, list] = {}
            for e in exc.errors or [exc]:
                errors.setdefault(getattr(e, "field", None) or "members", []).append({"vi": e.vi, "en": e.en})
            context.update(errors=errors, values=app.form or intake.form_values(request, form_spec),
                           chosen=chosen, idempotency_key=key or context["idempotency_key"], prefill=filled,
                           applicant={"phone": app.applicant_phone, "email": app.applicant_email},
                           place=(place := intake.place_of(app.commune_code, app.province_code)),
                           communes=place["communes"])
            return render(request, "portal/group.html", context, status=422)
        views.drop_prefill(request, code)
        messages.success(request, _("Your application has been submitted. Code: %(code)s") % {"code": group.code})
        return redirect("portal:group_application", code=group.code)
    filled = prefill_group(spec, all_members, citizen["id_number"], actor)
    views.keep_prefill(request, code, context["idempotency_key"], filled)
    context.update(values={k: v.value for k, v in filled.values.items()}, prefill=filled)
    return render(request, "portal/group.html", context)


def application(request: HttpRequest, code: str) -> HttpResponse:
    if (redirect_to_login := views.require_citizen(request)) is not None:
        return redirect_to_login
    try:
        group = groups.readable_group(views.session_actor(request), code)
    except NotFound:
        raise Http404(code) from None
    except Forbidden:
        return HttpResponseForbidden(render(request, "portal/forbidden.html").content)
    return render(request, "portal/group_application.html", {
        "view": groups.view(group), "citizen": views.current_citizen(request)})
