"""Per-address limits on what anyone may ask without logging in and costs the server, or could be walked
through: checking an uploaded PDF's signatures, looking dossiers up by code. Counted per minute in Django's
cache, which every process shares when it is Redis (MOTCUA_REDIS_URL); with the default per-process cache each
process counts on its own, so the effective limit is that many times higher. Limits are generous: many people
share one address behind a mobile network's or an office's NAT."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.core.errors import MotcuaError
from motcua.core.security_log import security_event
from motcua.core.web import client_address

WINDOW_SECONDS = 60


class RateLimited(MotcuaError):
    status = 429

    def __init__(self) -> None:
        super().__init__("rate_limited", "Có quá nhiều yêu cầu từ địa chỉ mạng của bạn: hãy thử lại sau một phút.",
                         "Too many requests from your network address: try again in a minute.")


def _count(scope: str, address: str) -> int:
    """Requests in the window the address's first one opened (the key expires with it; adding to it keeps
    its expiry)."""
    key = f"motcua:ratelimit:{scope}:{address}"
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def check(request: HttpRequest, scope: str) -> None:
    """Raise RateLimited once this address asked more than RATE_LIMITS[scope] times in the current minute."""
    if _count(scope, client_address(request)) > settings.RATE_LIMITS[scope]:
        security_event("rate_limit", "rate_limited", scope=scope)
        raise RateLimited()


def rate_limited(scope: str, methods: tuple[str, ...] = ("GET", "POST")) -> Callable:
    """For a page: over the limit, the bilingual "try again in a minute" page (429)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                try:
                    check(request, scope)
                except RateLimited as refused:
                    return render(request, "motcua/rate_limited.html", {"error": refused}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
