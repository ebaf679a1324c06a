"""How long a login lockout lasts (django-axes' AXES_COOLOFF_TIME), for the back office and the e-ID provider
alike. Failures count for one username from one address together, so nobody elsewhere can lock a person out;
each lockout of that username from that address within a day lasts longer than the one before."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

REMEMBERED = timedelta(days=1)


def cooloff(request: HttpRequest | None) -> timedelta:
    """LOGIN_COOLOFF_MINUTES, one step further for each earlier lockout of this username from this address
    within a day (by default 1, 5, 15, then 60 minutes)."""
    steps = settings.LOGIN_COOLOFF_MINUTES
    if request is None:
        return timedelta(minutes=steps[0])
    username, address = get_client_username(request), getattr(request, "axes_ip_address", None)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    # Failures during a lockout are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so
    # the latest recorded failure is the one that locked, if any: the lockouts logged before it are earlier
    # ones, and the answer stays the same for the whole of a lockout.
    latest = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        latest=Max("attempt_time"))["latest"] or now
    earlier = AccessFailureLog.objects.filter(username=username, ip_address=address, locked_out=True,
                                              attempt_time__gte=now - REMEMBERED, attempt_time__lt=latest).count()
    return timedelta(minutes=steps[min(earlier, len(steps) - 1)])
