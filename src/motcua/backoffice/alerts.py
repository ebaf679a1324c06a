"""Officials' queue alerts (dossiers handed over, not received in time, supplements that came back) and, for
administrators, the notifications that could not be delivered."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.backoffice.views import official_required
from motcua.core.errors import NotFound, in_language
from motcua.notifications import services

ALERTS_PAGE = 100


@official_required
def alerts(request: HttpRequest, actor) -> HttpResponse:
    found = services.inbox(actor)
    operator = request.user.is_staff
    return render(request, "backoffice/alerts.html", {
        "official": request.official, "items": found[:ALERTS_PAGE], "total": found.count(), "operator": operator,
        "delivery_status": services.status() if operator else None,
        "failed": services.failed_deliveries(50) if operator else []})


@require_POST
@official_required
def mark_read(request: HttpRequest, actor, message_id: int | None = None) -> HttpResponse:
    try:
        services.mark_read(actor, message_id)
    except NotFound:
        raise Http404(str(message_id)) from None
    return redirect("backoffice:alerts")


@require_POST
@official_required
def retry(request: HttpRequest, actor) -> HttpResponse:
    if not request.user.is_staff:
        return render(request, "backoffice/forbidden.html", status=403)
    ids = [int(i) for i in request.POST.getlist("delivery") if i.isdigit()]
    n = services.retry_failed(ids or None)
    messages.success(request, in_language(request.LANGUAGE_CODE, f"{n} lượt gửi sẽ được gửi lại.",
                                          f"{n} deliveries will be sent again."))
    return redirect("backoffice:alerts")
