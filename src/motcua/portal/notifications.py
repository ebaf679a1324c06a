"""The citizen's inbox of notifications and their choice of channels."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import NotFound
from motcua.notifications import services
from motcua.notifications.channels import CHANNELS
from motcua.portal.views import current_citizen, require_citizen, session_actor

INBOX_PAGE = 100


def inbox(request: HttpRequest) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    found = services.inbox(session_actor(request))
    return render(request, "portal/inbox.html", {"citizen": current_citizen(request),
                                                 "items": found[:INBOX_PAGE], "total": found.count()})


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
