"""Written authorisations (văn bản ủy quyền) on the portal: the citizen signs one with their e-ID login, sees
those they gave and those given to them, and revokes their own."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.core.errors import FieldError, MotcuaError, NotFound, in_language
from motcua.dossiers.intake import uploads
from motcua.dossiers.services import IncomingFile
from motcua.portal.views import current_citizen, require_citizen, session_actor
from motcua.representation import services as representation

STATUS_LABELS = {"active": ("Đang hiệu lực", "In force"), "revoked": ("Đã thu hồi", "Revoked"),
                 "expired": ("Hết hạn", "Expired"), "pending": ("Chưa đến ngày hiệu lực", "Not yet in force")}


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _rows(found, now) -> list[dict]:
    return [{"a": a, "status": STATUS_LABELS[status], "active": status == "active"}
            for a in found if (status := representation.status_of(a, now))]


def authorisations(request: HttpRequest) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    actor = session_actor(request)
    errors: dict[str, list] = {}
    values: dict = {"form": "", "procedure_codes": []}
    status = 200
    if request.method == "POST":
        paper = request.POST.get("form") == "paper"  # a paper authorisation given to this citizen, by its scan
        other = "grantor" if paper else "grantee"
        values = {"form": "paper" if paper else "signed",
                  "other_id_number": request.POST.get(f"{other}.id_number", "").strip(),
                  "other_name": request.POST.get(f"{other}.name", ""),
                  "procedure_codes": request.POST.getlist("procedure_codes"),
                  "valid_until": request.POST.get("valid_until", "")}
        until = _day(values["valid_until"])
        try:
            if values["valid_until"] and until is None:
                raise representation.AuthorisationInvalid([FieldError(
                    "valid_until", "invalid_date", "Ngày không hợp lệ.", "Not a valid date.")])
            if paper:
                scan = (uploads(request, "file") or [IncomingFile("file", "", b"")])[0]
                representation.upload_paper(actor, values["other_id_number"], values["other_name"],
                                            values["procedure_codes"], until, scan)
            else:
                representation.authorise(actor, values["other_id_number"], values["other_name"],
                                         values["procedure_codes"], until)
        except MotcuaError as exc:
            for e in exc.errors:
                errors.setdefault(e.field or "", []).append({"vi": e.vi, "en": e.en})
            status = exc.status
        else:
            messages.success(request, in_language(
                request.LANGUAGE_CODE, "Đã ghi văn bản ủy quyền giấy." if paper else "Đã ký văn bản ủy quyền.",
                "The paper authorisation is recorded." if paper else "The authorisation is signed."))
            return redirect("portal:authorisations")
    now = timezone.now()
    procedures = (Procedure.objects.filter(current_version__isnull=False).order_by("code")
                  .values("code", "name_vi", "name_en"))
    return render(request, "portal/authorisations.html", {
        "citizen": current_citizen(request), "given": _rows(representation.given_by(actor), now),
        "received": _rows(representation.given_to(actor), now), "procedures": procedures, "errors": errors,
        "values": values}, status=status)


@require_POST
def revoke(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    try:
        representation.revoke(session_actor(request), authorisation_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, in_language(request.LANGUAGE_CODE, "Đã thu hồi văn bản ủy quyền.", "The authorisation is revoked."))
    return redirect("portal:authorisations")
