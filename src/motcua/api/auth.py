"""API authentication: an app's access token from the e-ID provider (a JWT: checked against the provider's keys,
then its scopes against the one the route names), an official's opaque API token, or a session. Bearer tokens
need no CSRF check; session callers do, on unsafe methods."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from motcua.eid.inprocess import BundledProvider
from motcua.identity import access_tokens, oidc
from motcua.identity.callers import actor_from_request, app_caller, bearer_token


class ActorAuth(AuthBase):
    """``scope``: what an app's access token must have been granted to call the route (motcua.eid.scopes);
    None: apps may not call it. Sessions and officials' tokens are not scoped this way."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest):
        token = bearer_token(request)
        if token is not None and access_tokens.is_access_token(token):
            grant = access_tokens.verify(token, oidc.choose_provider(request, BundledProvider), settings.API_AUDIENCE)
            grant.require(self.scope)
            return app_caller(request, grant)
        actor = actor_from_request(request)
        if actor is None:
            return None
        if not request.headers.get("Authorization") and request.method not in ("GET", "HEAD", "OPTIONS"):
            error = check_csrf(request)
            if error:
                return None
        return actor
