"""The citizen's inbox of notifications and their choice of channels."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.core.errors import Conflict, NotFound
from motcua.notifications import services
from motcua.notifications.channels import CHANNELS
from motcua.portal.views import current_citizen, require_citizen, session_actor
from motcua.proactive import services as proactive

INBOX_PAGE = 100
OFFERS_SHOWN = 20


def inbox(request: HttpRequest) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    found = services.inbox(session_actor(request))
    return render(request, "portal/inbox.html", {"citizen": citizen, "offers": _suggested(citizen["id_number"]),
                                                 "items": found[:INBOX_PAGE], "total": found.count()})


def _suggested(id_number: str) -> list[dict]:
    """The open offers, each with its procedure's name and the link to its pre-filled form."""
    offers = list(proactive.offers_of(id_number)[:OFFERS_SHOWN])
    names = {p.code: p for p in Procedure.objects.filter(code__in={o.procedure_code for o in offers})}
    return [{"offer": o, "procedure": names[o.procedure_code], "path": proactive.take_up_path(o)}
            for o in offers if o.procedure_code in names]


@require_POST
def decline_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    try:
        proactive.decline(session_actor(request), offer_id)
    except NotFound:
        raise Http404(str(offer_id)) from None
    except Conflict as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
    else:
        messages.success(request, _("Done."))
    return redirect("portal:inbox")


@require_POST
def mark_read(request: HttpRequest, message_id: int | None = None) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    try:
        services.mark_read(session_actor(request), message_id)
    except NotFound:
        raise Http404(str(message_id)) from None
    return redirect("portal:inbox")


def preferences(request: HttpRequest) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    citizen = current_citizen(request)
    chosen = services.preferences_of(citizen["id_number"])
    errors: dict[str, list] = {}
    status = 200
    if request.method == "POST":
        try:
            services.save_preferences(session_actor(request), request.POST.getlist("channels"),
                                      request.POST.get("language", "vi"), request.POST.get("email", ""),
                                      request.POST.get("phone", ""))
        except services.Invalid as exc:
            for e in exc.errors:
                errors.setdefault(e.field or "", []).append({"vi": e.vi, "en": e.en})
            chosen.channels = request.POST.getlist("channels")
            chosen.language = request.POST.get("language", "vi")
            chosen.email, chosen.phone = request.POST.get("email", ""), request.POST.get("phone", "")
            status = 422
        else:
            messages.success(request, _("Done."))
            return redirect("portal:notification_preferences")
    offered = [CHANNELS[key] for key in services.offered_channels()]
    return render(request, "portal/notification_preferences.html", {
        "citizen": citizen, "chosen": chosen, "offered": offered, "errors": errors,
        "inbox_channel": CHANNELS["inbox"]}, status=status)
