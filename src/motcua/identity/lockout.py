"""Login lockouts, for the back office and the e-ID provider alike. Failures count for one username from one
address together (django-axes), so nobody elsewhere can lock a person out; each lockout of that username from
that address within a day lasts longer than the one before. Apart from that, one address may fail only so
often in a window whatever usernames it tries (``AddressLimit``): guessing across many accounts is slowed, and
the limit is high enough for an office behind one address."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from motcua.core.security_log import security_event

REMEMBERED = timedelta(days=1)


def cooloff(request: HttpRequest | None) -> timedelta:
    """LOGIN_COOLOFF_MINUTES, one step further for each earlier lockout of this username from this address
    within a day (by default 1, 5, 15, then 60 minutes)."""
    steps = settings.LOGIN_COOLOFF_MINUTES
    if (window_left := getattr(request, "address_limit_left", None)) is not None:
        return window_left
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


def address_limit_left(request: HttpRequest) -> timedelta | None:
    """How long until the client's address may try again, when it failed LOGIN_ADDRESS_FAILURE_LIMIT times within
    LOGIN_ADDRESS_WINDOW (any usernames); None while it may try. Counted from django-axes' failure log, which
    every process shares through the database."""
    address = get_client_ip_address(request)
    if not address:
        return None
    now = timezone.now()
    window = settings.LOGIN_ADDRESS_WINDOW
    recent = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=now - window)
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if recent.count() < limit:
        return None
    # The window frees up when the oldest failure that keeps the count at the limit leaves it.
    oldest_counted = recent.order_by("-attempt_time").values_list("attempt_time", flat=True)[limit - 1]
    return max(oldest_counted + window - now, timedelta(minutes=1))


class AddressLimit:
    """First of the authentication backends: an address over its limit is refused before any password is
    checked, with the lockout page (429) and how long to wait. It only refuses (no ``get_user``): sessions
    name the backend that did authenticate."""

    def authenticate(self, request, **credentials):
        if request is None or (left := address_limit_left(request)) is None:
            return None
        request.address_limit_left = left
        request.axes_locked_out = True  # django-axes' middleware answers with the lockout page
        security_event("login", "rate_limited", actor=f"user:{credentials.get('username', '')}")
        raise PermissionDenied
