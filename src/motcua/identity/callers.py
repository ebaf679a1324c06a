"""Who is calling: an official (bearer token or back-office session) or a citizen (portal session, set by
the e-ID login). One answer for the API, the portal and the back office."""

from __future__ import annotations

import hashlib
import secrets

from django.http import HttpRequest

from motcua.identity.actors import Actor, actor_for_official, citizen_actor
from motcua.identity.models import ApiToken, Official

CITIZEN_SESSION_KEY = "citizen"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(official: Official, label: str = "") -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(official=official, digest=token_digest(token), label=label)
    return token


def citizen_from_session(request: HttpRequest) -> Actor | None:
    citizen = request.session.get(CITIZEN_SESSION_KEY) if hasattr(request, "session") else None
    if not citizen:
        return None
    return citizen_actor(citizen["id_number"], citizen.get("name", ""), citizen.get("eid_level"))


def actor_from_request(request: HttpRequest) -> Actor | None:
    """A request that sends an ``Authorization`` header is judged by it alone: a scheme other than Bearer
    authenticates no one (it must not fall back to the session, which would skip the CSRF check)."""
    header = request.headers.get("Authorization", "")
    if header:
        if not header.startswith("Bearer "):
            return None
        token = ApiToken.objects.select_related("official__user", "official__agency").filter(
            digest=token_digest(header[7:].strip())).first()
        return actor_for_official(token.official) if token and token.official.user.is_active else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        official = Official.objects.select_related("agency", "user").filter(user=user).first()
        if official:
            return actor_for_official(official)
    return citizen_from_session(request)
