"""Citizen login as an OpenID Connect relying party: authorization code flow with PKCE (S256), state and
nonce, ID token signature checked against the provider's published keys, and logout that ends the provider's
login too (RP-Initiated Logout). Pointing motcua at another provider (the national e-ID) is configuration
only: MOTCUA_OIDC_DISCOVERY_URL, _CLIENT_ID, _CLIENT_SECRET.

The flow reaches its provider through a :class:`Provider`: an external one over HTTP (:class:`RemoteProvider`),
the one bundled with this site in-process (``motcua.eid.inprocess``)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from motcua.core.errors import MotcuaError
from motcua.identity import id_number

SESSION_KEY = "oidc_pending"
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # sent back as id_token_hint when the citizen logs out
ALGORITHMS = ["RS256", "ES256", "PS256"]
CACHE_SECONDS = 3600
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class LoginFailed(MotcuaError):
    pass


def _unreachable() -> LoginFailed:
    return LoginFailed("provider_unreachable", "Không kết nối được hệ thống định danh điện tử, vui lòng thử lại sau.",
                       "The e-ID provider cannot be reached; please try again later.", status=503)


class Provider(Protocol):
    """How the relying party reaches its provider."""

    # The provider's login lives in this site's own session: ending the session here ends it there.
    same_site: bool

    def metadata(self) -> dict: ...

    def jwks(self, refresh: bool = False) -> dict: ...

    def token(self, form: dict[str, str]) -> dict:
        """The token endpoint's JSON answer (an OAuth error is an answer too)."""
        ...

    def token_active(self, token: str, claims: dict) -> bool:
        """Whether an access token the provider signed (its verified ``claims``) was not revoked since."""
        ...


class RemoteProvider:
    """An external provider found by its discovery URL. Its metadata and keys are cached (the keys fetched
    again when a token names a key not seen yet, as after a rotation); no call waits longer than
    OIDC["TIMEOUT_SECONDS"]. Failing to reach it is a LoginFailed (503), never an error page of the site."""

    same_site = False

    def __init__(self, discovery_url: str) -> None:
        self.discovery_url = discovery_url

    def metadata(self) -> dict:
        return self._cached(self.discovery_url, required=REQUIRED_METADATA)

    def jwks(self, refresh: bool = False) -> dict:
        return self._cached(self.metadata()["jwks_uri"], required=("keys",), refresh=refresh)

    def token(self, form: dict[str, str]) -> dict:
        return self._json(lambda timeout: requests.post(self.metadata()["token_endpoint"], data=form,
                                                        timeout=timeout))

    def token_active(self, token: str, claims: dict) -> bool:
        """Asked of the provider's introspection endpoint (RFC 7662, authenticated as this site's client), the
        answer kept TOKEN_INTROSPECTION_CACHE_SECONDS by the token's ``jti`` (an inactive one until it expires:
        it never comes back). A provider that offers no introspection is trusted until the token expires."""
        endpoint = self.metadata().get("introspection_endpoint")
        if not endpoint:
            return True
        key = "oidc:active:" + hashlib.sha256(f"{claims['iss']} {claims['jti']}".encode()).hexdigest()
        active = cache.get(key)
        if active is None:
            answer = self._json(lambda timeout: requests.post(
                endpoint, data={"token": token, "token_type_hint": "access_token"}, timeout=timeout,
                auth=(settings.OIDC["CLIENT_ID"], settings.OIDC["CLIENT_SECRET"])), raise_for_status=True)
            active = answer.get("active") is True
            lifetime = max(int(claims["exp"] - time.time()), 1)
            cache.set(key, active, min(settings.TOKEN_INTROSPECTION_CACHE_SECONDS, lifetime) if active else lifetime)
        return active

    def _cached(self, url: str, required: tuple[str, ...], refresh: bool = False) -> dict:
        key = "oidc:" + hashlib.sha256(url.encode()).hexdigest()
        data = None if refresh else cache.get(key)
        if data is None:
            data = self._json(lambda timeout: requests.get(url, timeout=timeout), raise_for_status=True)
            if not all(name in data for name in required):
                raise _unreachable()
            cache.set(key, data, CACHE_SECONDS)
        return data

    @staticmethod
    def _json(send, raise_for_status: bool = False) -> dict:
        try:
            response = send(settings.OIDC["TIMEOUT_SECONDS"])
            if raise_for_status:
                response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise _unreachable() from exc
        if not isinstance(data, dict):
            raise _unreachable()
        return data


ORGANISATION_SCOPE = "organisation"
ORGANISATION_CLAIMS = ("code", "name", "kind", "representative_id", "representative_role")


def choose_provider(request: HttpRequest, bundled: Callable[[HttpRequest], Provider]) -> Provider:
    """The e-ID provider: an external one found by its discovery URL, or the one bundled with this site
    (``bundled``, answered in-process) where it is served."""
    url = settings.OIDC["DISCOVERY_URL"]
    if url:
        return RemoteProvider(url)
    if not settings.BUNDLED_EID:
        raise LoginFailed("no_provider", "Đăng nhập bằng định danh điện tử chưa được cấu hình cho cổng này.",
                          "e-ID login is not set up for this portal.", status=503)
    return bundled(request)


@dataclass(frozen=True)
class Login:
    claims: dict
    eid_level: int
    next_url: str
    # The organisation the person logged in for (the `organisation` claim, as sent: its registry check is the
    # caller's), or None for a personal login.
    organisation: dict | None = None


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("portal:login_complete"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def begin(request: HttpRequest, next_url: str, provider: Provider, organisation: bool = False) -> str:
    """Remember state, nonce and PKCE verifier in the session; return the provider's authorization URL. An
    organisation's login asks the `organisation` scope: the person chooses at the provider which organisation
    they represent they log in for."""
    metadata = provider.metadata()
    verifier = secrets.token_urlsafe(64)
    pending = {"state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24), "verifier": verifier,
               "next": next_url, "redirect_uri": _redirect_uri(request), "organisation": organisation}
    request.session[SESSION_KEY] = pending
    query = urlencode({
        "response_type": "code", "client_id": settings.OIDC["CLIENT_ID"], "redirect_uri": pending["redirect_uri"],
        "scope": "openid profile" + (f" {ORGANISATION_SCOPE}" if organisation else ""),
        "state": pending["state"], "nonce": pending["nonce"],
        "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()), "code_challenge_method": "S256",
    })
    return f"{metadata['authorization_endpoint']}?{query}"


def complete(request: HttpRequest, provider: Provider) -> Login:
    """Finish the flow on the callback: the verified claims, the e-ID level and where to go next. The ID token
    is kept in the session for the logout."""
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        raise LoginFailed("bad_state", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại.",
                          "The login session is invalid or has expired; please log in again.")
    if "error" in request.GET or not request.GET.get("code"):
        raise LoginFailed("refused", "Hệ thống định danh điện tử không xác thực được bạn.",
                          "The e-ID provider did not authenticate you.")
    answer = provider.token({
        "grant_type": "authorization_code", "code": request.GET["code"],
        "redirect_uri": pending["redirect_uri"], "code_verifier": pending["verifier"],
        "client_id": settings.OIDC["CLIENT_ID"], "client_secret": settings.OIDC["CLIENT_SECRET"],
    })
    raw = answer.get("id_token")
    if not isinstance(raw, str):
        raise LoginFailed("token_exchange", "Không nhận được mã xác thực từ hệ thống định danh.",
                          "No ID token could be obtained from the e-ID provider.")
    claims = verify_id_token(raw, provider, pending["nonce"])
    level = eid_level(claims)
    organisation = organisation_of(claims) if pending.get("organisation") else None
    request.session[ID_TOKEN_SESSION_KEY] = raw
    return Login(claims, level, pending["next"], organisation)


def organisation_of(claims: dict) -> dict:
    """The organisation an organisation's login is for: its claim complete, naming the person who logged in as
    its representative, at e-ID level 2 (an organisation's account has no level 1)."""
    organisation = claims.get("organisation")
    if not (isinstance(organisation, dict) and all(isinstance(organisation.get(name), str) and organisation[name]
                                                   for name in ORGANISATION_CLAIMS)):
        raise LoginFailed("no_organisation", "Hệ thống định danh không cho biết bạn đăng nhập cho tổ chức nào.",
                          "The e-ID provider did not say which organisation you logged in for.")
    if organisation["representative_id"] != claims["personal_id"] or eid_level(claims) != 2:
        raise LoginFailed("bad_organisation", "Thông tin tổ chức trong mã xác thực không khớp với người đăng nhập.",
                          "The organisation in the ID token does not match the person who logged in.")
    return {name: organisation[name] for name in (*ORGANISATION_CLAIMS, "tax_code") if name in organisation}


def key_set(raw: str, provider: Provider) -> KeySet:
    """The provider's keys, fetched again once if the token names a key that is not among them."""
    kid = jws.extract_compact(raw.encode()).protected.get("kid")
    keys = _imported(json.dumps(provider.jwks(), sort_keys=True))
    if kid is not None and kid not in {key.kid for key in keys}:
        keys = _imported(json.dumps(provider.jwks(refresh=True), sort_keys=True))
    return keys


@lru_cache(maxsize=16)
def _imported(jwks: str) -> KeySet:
    """Keys parsed once per process for each published set (the API checks a token's signature at every call)."""
    return KeySet.import_key_set(json.loads(jwks))


def verify_id_token(raw: str, provider: Provider, nonce: str) -> dict:
    """Signature (the provider's JWKS), issuer, audience, expiry, nonce and the personal ID number."""
    metadata = provider.metadata()
    try:
        claims = jwt.decode(raw, key_set(raw, provider), algorithms=ALGORITHMS).claims
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


def eid_level(claims: dict) -> int:
    """The e-ID level the login asserts: its `acr` where the provider sends one of OIDC["ACR_LEVELS"],
    else the provider's eid_level claim."""
    acr = claims.get("acr")
    level = settings.OIDC["ACR_LEVELS"].get(acr) if isinstance(acr, str) else None
    if level is None:
        level = claims.get("eid_level")
    if level not in (1, 2) or isinstance(level, bool):
        raise LoginFailed("unknown_level", "Hệ thống định danh không cho biết mức định danh điện tử của tài khoản.",
                          "The e-ID provider did not say which e-ID level the account has.")
    return level


def end_session(request: HttpRequest, provider: Provider, return_to: str) -> str:
    """End the citizen's session here (flushed: the citizen, a pending login and, on this same site, the
    provider's login) and say where the browser goes next: the provider's end_session_endpoint (OpenID
    Connect RP-Initiated Logout 1.0), which ends its login and sends the browser back to return_to; or
    return_to itself when the provider's login was this session or the provider offers no such endpoint."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    request.session.flush()
    if provider.same_site:
        return return_to
    try:
        endpoint = provider.metadata().get("end_session_endpoint")
    except LoginFailed as exc:
        raise LoginFailed(
            "provider_logout_unreachable",
            "Bạn đã đăng xuất khỏi cổng dịch vụ công, nhưng không kết nối được hệ thống định danh điện tử để "
            "đăng xuất ở đó: hãy đóng trình duyệt nếu đây là máy dùng chung.",
            "You are logged out of the portal, but the e-ID provider could not be reached to log you out "
            "there: close the browser if this is a shared computer.", status=503) from exc
    if not endpoint:
        return return_to
    hint = {"id_token_hint": id_token} if id_token else {}
    query = urlencode({**hint, "client_id": settings.OIDC["CLIENT_ID"], "post_logout_redirect_uri": return_to})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
