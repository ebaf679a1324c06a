"""Who is calling: an official (bearer token, or a session opened by the back office's login with its second
factor) or a citizen (portal session, set by the e-ID login, or an app's access token from the e-ID provider).
One answer for the API, the portal and the back office."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from motcua.core.errors import Forbidden
from motcua.identity import oidc, second_factor
from motcua.identity.access_tokens import AppGrant, is_access_token
from motcua.identity.actors import Actor, actor_for_official, citizen_actor
from motcua.identity.models import TOKEN_DAYS, ApiToken, Official

CITIZEN_SESSION_KEY = "citizen"
# Set by the back office's login and nowhere else: a session opened at any other door (the bundled e-ID
# provider's login page, Django's admin) is not an official's.
OFFICIAL_LOGIN_KEY = "official_login"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
LAST_USE_PRECISION = timedelta(minutes=1)  # a token's last use is written at most once a minute


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(official: Official, label: str = "", scope: str = "read act", days: int = TOKEN_DAYS) -> str:
    """A new token (shown once: only its digest is kept)."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(official=official, digest=token_digest(token), label=label, scope=scope,
                            expires_at=timezone.now() + timedelta(days=days))
    return token


def logged_in_official(request: HttpRequest) -> Official | None:
    """The official whose back-office login opened this session (second factor not yet considered)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.session.get(OFFICIAL_LOGIN_KEY):
        return None
    return Official.objects.select_related("agency", "user").filter(user=user).first()


def _token_official(request: HttpRequest, token: str) -> Official | None:
    now = timezone.now()
    row = ApiToken.objects.select_related("official__user", "official__agency").filter(
        digest=token_digest(token), revoked_at__isnull=True, expires_at__gt=now).first()
    if row is None or not row.official.user.is_active:
        return None
    if request.method not in SAFE_METHODS and "act" not in row.scopes:
        raise Forbidden("token_scope", "Mã truy cập này chỉ được dùng để đọc.", "This access token may only read.")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.official


def citizen_login(claims: Mapping[str, Any], eid_level: int, organisation: Mapping[str, str] | None = None) -> dict:
    """What an e-ID login asserts about the person, from the provider's verified claims (an ID token's for the
    portal's session, an access token's for an app): the one reading of e-ID claims. An organisation's login
    (``organisation``: its claim, checked by ``oidc.organisation_of``) acts for that organisation; the
    organisations capability confirms it against the enterprise registry whenever it files or reads."""
    return {"id_number": claims["personal_id"], "name": claims.get("name", ""), "eid_level": eid_level,
            "birth_date": claims.get("birthdate", ""),
            "sex": {"male": "M", "female": "F"}.get(str(claims.get("gender", "")), ""),
            **({"organisation": dict(organisation)} if organisation else {})}


def citizen_from_login(login: Mapping[str, Any]) -> Actor:
    """The caller a citizen's e-ID login makes, whether it came by the portal's session or an app's token."""
    organisation = login.get("organisation") or {}
    return citizen_actor(login["id_number"], login.get("name", ""), login.get("eid_level"), organisation.get("code"))


def citizen_from_claims(claims: Mapping[str, Any], eid_level: int) -> Actor:
    organisation = oidc.organisation_of(claims) if claims.get("organisation") else None
    return citizen_from_login(citizen_login(claims, eid_level, organisation))


def citizen_from_session(request: HttpRequest) -> Actor | None:
    login = request.session.get(CITIZEN_SESSION_KEY) if hasattr(request, "session") else None
    return citizen_from_login(login) if login else None


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def app_caller(request: HttpRequest, grant: AppGrant) -> Actor:
    """The citizen an app acts for with a verified access token (its claims read as the portal reads a login's)."""
    actor = citizen_from_claims(grant.claims, grant.eid_level)
    request.motcua_actor = actor  # type: ignore[attr-defined]  # who the log lines name
    return actor


def actor_from_request(request: HttpRequest) -> Actor | None:
    """A request that sends an ``Authorization`` header is judged by it alone: a scheme other than Bearer
    authenticates no one (it must not fall back to the session, which would skip the CSRF check)."""
    actor = _resolve_actor(request)
    request.motcua_actor = actor  # type: ignore[attr-defined]  # who the log lines name
    return actor


def _resolve_actor(request: HttpRequest) -> Actor | None:
    if request.headers.get("Authorization"):
        token = bearer_token(request)
        # An app's access token (a JWT) is checked against its provider by the API (app_caller), never here.
        if token is None or is_access_token(token):
            return None
        official = _token_official(request, token)
        return actor_for_official(official) if official else None
    official = logged_in_official(request)
    # A session opened with a one-time password serves only to choose one's own, on the back office's page.
    if official is not None and not official.password_change_required and second_factor.satisfied(request, official):
        return actor_for_official(official)
    return citizen_from_session(request)
