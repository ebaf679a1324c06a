"""The fee schedule in force for the official's province (or ministry): each procedure's rates on a day, the
zero-fee online periods, the exemptions and reductions, and the resolutions they rest on."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.backoffice.views import official_required
from motcua.catalog.models import Agency
from motcua.core.errors import NotFound
from motcua.payments.fee_schedules import authority_of, schedule_in_force


@official_required
def schedule(request: HttpRequest, actor) -> HttpResponse:
    try:
        day = date.fromisoformat(request.GET.get("ngay", ""))
    except ValueError:
        day = timezone.localdate()
    agency = Agency.objects.get(code=actor.agency_code)
    try:
        found, lines = schedule_in_force(authority_of(agency), day)
    except NotFound:
        found, lines = None, []
    return render(request, "backoffice/fee_schedule.html", {
        "official": request.official, "agency": agency, "schedule": found, "lines": lines, "day": day,
        "language": request.LANGUAGE_CODE})
