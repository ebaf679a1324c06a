"""Petitions (phản ánh, kiến nghị) on the portal: sending one (e-ID login), the sender's list and answers with
their rating, and the public list of answered petitions (no personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import divisions
from motcua.catalog.models import Procedure
from motcua.core.errors import FieldError, Forbidden, MotcuaError, NotFound, in_language
from motcua.dossiers.intake import place_of, uploads
from motcua.dossiers.services import dossiers_of
from motcua.petitions import services
from motcua.portal.views import current_citizen, require_citizen, session_actor

PUBLIC_PAGE = 30


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.published(), PUBLIC_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/petitions_public.html", {"page": page, "citizen": current_citizen(request)})


def _draft(request: HttpRequest) -> services.Draft:
    post = request.POST
    return services.Draft(
        kind=post.get("kind", ""), about=post.get("about", ""), subject=post.get("subject", ""),
        content=post.get("content", ""), may_publish=post.get("may_publish") == "yes",
        procedure_code=post.get("procedure_code", ""), province_code=post.get("province_code", ""),
        commune_code=post.get("commune_code", ""), agency_code=post.get("agency_code", ""),
        dossier_code=post.get("dossier_code", ""), organization=post.get("organization", ""),
        email=post.get("email", ""), phone=post.get("phone", ""),
        files=uploads(request, "attachments"))


def send(request: HttpRequest) -> HttpResponse:
    """The form; what it is about may come chosen (?dossier=…, ?procedure=…)."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    errors: dict[str, list] = {}
    status = 200
    values = {"kind": "feedback", "about": "procedure", "procedure_code": request.GET.get("procedure", ""),
              "dossier_code": request.GET.get("dossier", "")}
    if values["dossier_code"]:
        values["about"] = "dossier"
    if request.method == "POST":
        draft = _draft(request)
        try:
            petition = services.send(draft, session_actor(request))
        except MotcuaError as exc:
            for e in exc.errors or [FieldError(None, exc.code, exc.vi, exc.en)]:  # a refusal of no one field
                errors.setdefault(e.field or "", []).append({"vi": e.vi, "en": e.en})
            values = {k: v for k, v in draft.__dict__.items() if k != "files"}
            status = exc.status
        else:
            messages.success(request, in_language(
                request.LANGUAGE_CODE, f"Đã gửi phản ánh, kiến nghị {petition.code} tới {petition.agency.name_vi}.",
                f"Sent: your petition {petition.code} goes to {petition.agency.name_en}."))
            return redirect("portal:petition", code=petition.code)
    return render(request, "portal/petition_send.html", {
        "citizen": citizen, "errors": errors, "values": values,
        "procedures": Procedure.objects.order_by(name := in_language(request.LANGUAGE_CODE, "name_vi", "name_en"))
                                       .values_list("code", name),
        "provinces": divisions.provinces_in_order(),
        "place": place_of(values.get("commune_code", ""), values.get("province_code", "")),
        "dossiers": dossiers_of(session_actor(request)).values_list("code", flat=True)[:100], "max_files": services.MAX_FILES}, status=status)


def mine(request: HttpRequest) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    return render(request, "portal/my_petitions.html", {
        "citizen": citizen, "petitions": services.petitions_of(citizen["id_number"])[:200]})


def _readable(request: HttpRequest, code: str):
    try:
        return services.readable_petition(session_actor(request), code)
    except (NotFound, Forbidden):
        raise Http404(code) from None


def detail(request: HttpRequest, code: str) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    return render(request, "portal/petition.html", {"citizen": current_citizen(request),
                                                    "petition": _readable(request, code)})


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    _readable(request, code)
    try:
        services.rate_answer(code, session_actor(request), request.POST.get("satisfied", ""))
        messages.success(request, _("Thank you: your rating has been recorded."))
    except MotcuaError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
    return redirect("portal:petition", code=code)
