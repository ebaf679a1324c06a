"""The exchange's member directory and message log, for officials; administrators (staff) grant and withdraw
access rights here (``motcua exchange`` does the rest: members, systems, services, the configuration file)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.backoffice.views import official_required
from motcua.core.errors import MotcuaError, in_language
from motcua.exchange import members
from motcua.exchange.models import AccessRight, DirectoryState, MessageLog, Service, Subscription, System

LOG_PAGE = 100


@official_required
def directory_page(request: HttpRequest, actor) -> HttpResponse:
    return render(request, "backoffice/exchange.html", {
        "official": request.official, "operator": request.user.is_staff,
        "state": DirectoryState.objects.filter(pk=1).first(),
        "systems": System.objects.select_related("member").order_by("ident"),
        "services": Service.objects.select_related("provider").order_by("provider__ident", "code"),
        "rights": AccessRight.objects.select_related("consumer", "service__provider")
        .order_by("consumer__ident", "service__provider__ident", "service__code"),
        "subscriptions": Subscription.objects.order_by("subscriber", "topic").annotate(
            sent=Count("deliveries", filter=Q(deliveries__status="sent")),
            waiting=Count("deliveries", filter=Q(deliveries__status__in=("pending", "sending"))),
            failed=Count("deliveries", filter=Q(deliveries__status="failed"))),
        "log": MessageLog.objects.order_by("-at")[:LOG_PAGE]})


@require_POST
@official_required
def grant(request: HttpRequest, actor) -> HttpResponse:
    if not request.user.is_staff:
        return render(request, "backoffice/forbidden.html", status=403)
    data = request.POST
    try:
        provider, _, service = data.get("service", "").partition("/")
        if data.get("withdraw"):
            members.withdraw(data.get("consumer", ""), provider, service)
        else:
            members.grant(data.get("consumer", ""), provider, service,
                          {data.get("purpose", "").strip(): data.get("legal_basis", "").strip()})
    except MotcuaError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
    else:
        messages.success(request, in_language(request.LANGUAGE_CODE, "Đã cập nhật quyền truy cập.",
                                              "The access right is updated."))
    return redirect("backoffice:exchange")
