"""Citizen login as an OpenID Connect relying party: authorization code flow with PKCE, state and nonce,
ID token signature checked against the provider's published keys. Pointing motcua at another provider
(the national e-ID) is configuration only: MOTCUA_OIDC_DISCOVERY_URL, _CLIENT_ID, _CLIENT_SECRET."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from motcua.core.errors import MotcuaError
from motcua.identity import id_number

SESSION_KEY = "oidc_pending"
ALGORITHMS = ["RS256", "ES256", "PS256"]
_cache: dict[str, tuple[float, object]] = {}
CACHE_SECONDS = 600
TIMEOUT = 10


class LoginFailed(MotcuaError):
    pass


def _cached_json(url: str) -> dict:
    hit = _cache.get(url)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise LoginFailed("provider_unreachable", "Không kết nối được hệ thống định danh điện tử.",
                          "The e-ID provider cannot be reached.") from exc
    _cache[url] = (time.monotonic() + CACHE_SECONDS, data)
    return data


def provider_metadata(request: HttpRequest) -> dict:
    url = settings.OIDC["DISCOVERY_URL"] or request.build_absolute_uri("/eid/.well-known/openid-configuration")
    return _cached_json(url)


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("portal:login_complete"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def begin(request: HttpRequest, next_url: str) -> str:
    """Remember state, nonce and PKCE verifier in the session; return the provider's authorization URL."""
    metadata = provider_metadata(request)
    verifier = secrets.token_urlsafe(64)
    pending = {"state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24), "verifier": verifier,
               "next": next_url, "redirect_uri": _redirect_uri(request)}
    request.session[SESSION_KEY] = pending
    query = urlencode({
        "response_type": "code", "client_id": settings.OIDC["CLIENT_ID"], "redirect_uri": pending["redirect_uri"],
        "scope": "openid profile", "state": pending["state"], "nonce": pending["nonce"],
        "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()), "code_challenge_method": "S256",
    })
    return f"{metadata['authorization_endpoint']}?{query}"


def complete(request: HttpRequest) -> tuple[dict, str]:
    """Finish the flow on the callback: returns (verified claims, where to go next)."""
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        raise LoginFailed("bad_state", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại.",
                          "The login session is invalid or has expired; please log in again.")
    if "error" in request.GET or not request.GET.get("code"):
        raise LoginFailed("refused", "Hệ thống định danh điện tử không xác thực được bạn.",
                          "The e-ID provider did not authenticate you.")
    metadata = provider_metadata(request)
    try:
        response = requests.post(metadata["token_endpoint"], timeout=TIMEOUT, data={
            "grant_type": "authorization_code", "code": request.GET["code"],
            "redirect_uri": pending["redirect_uri"], "code_verifier": pending["verifier"],
            "client_id": settings.OIDC["CLIENT_ID"], "client_secret": settings.OIDC["CLIENT_SECRET"],
        })
        response.raise_for_status()
        raw = response.json()["id_token"]
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise LoginFailed("token_exchange", "Không nhận được mã xác thực từ hệ thống định danh.",
                          "No ID token could be obtained from the e-ID provider.") from exc
    return verify_id_token(raw, metadata, pending["nonce"]), pending["next"]


def verify_id_token(raw: str, metadata: dict, nonce: str) -> dict:
    """Signature (the provider's JWKS), issuer, audience, expiry, nonce and the personal ID number."""
    try:
        keys = KeySet.import_key_set(_cached_json(metadata["jwks_uri"]))
        claims = jwt.decode(raw, keys, algorithms=ALGORITHMS).claims
        jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.OIDC["CLIENT_ID"]},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            personal_id={"essential": True},
        ).validate(claims)
    except (JoseError, ValueError) as exc:
        raise LoginFailed("bad_token", "Mã xác thực không hợp lệ (chữ ký, hạn dùng hoặc người nhận).",
                          "The ID token is not valid (signature, expiry or audience).") from exc
    try:
        id_number.validate(claims["personal_id"], birth_year=int(str(claims.get("birthdate", "0"))[:4]) or None,
                           sex={"male": "M", "female": "F"}.get(claims.get("gender")))
    except id_number.InvalidIdNumber as exc:
        raise LoginFailed("bad_id_number", exc.vi, exc.en) from exc
    return dict(claims)
