"""API authentication: bearer tokens need no CSRF check; session callers do, on unsafe methods."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from motcua.identity.callers import actor_from_request


class ActorAuth(AuthBase):
    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest):
        actor = actor_from_request(request)
        if actor is None:
            return None
        if not request.headers.get("Authorization") and request.method not in ("GET", "HEAD", "OPTIONS"):
            error = check_csrf(request)
            if error:
                return None
        return actor
