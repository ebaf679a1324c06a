"""Apps' access tokens at the API: JWTs the e-ID provider signed (RFC 9068), checked against its published keys
(signature, type, issuer, audience, expiry, the e-ID claims), then asked of the provider whether they still hold
(revocation). Refusals follow RFC 6750 §3: 401 ``invalid_token``, 403 ``insufficient_scope``, with the
challenge in ``WWW-Authenticate``."""

from __future__ import annotations

from dataclasses import dataclass

from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)

from motcua.core.errors import MotcuaError
from motcua.identity import oidc

TOKEN_TYPES = ("at+jwt", "application/at+jwt")  # RFC 9068 §4: the type tells an access token from an ID token
LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti", "sub", "client_id", "personal_id")


class BearerRefused(MotcuaError):
    """A bearer token refused: the API answers with RFC 6750's challenge beside the usual error body."""

    bearer_error = "invalid_token"
    status = 401

    def __init__(self, code: str, vi: str, en: str, scope: str | None = None) -> None:
        super().__init__(code, vi, en)
        self.scope = scope

    @property
    def challenge(self) -> str:
        scope = f', scope="{self.scope}"' if self.scope else ""
        return f'Bearer realm="motcua", error="{self.bearer_error}", error_description="{self.code}"{scope}'


class InsufficientScope(BearerRefused):
    bearer_error = "insufficient_scope"
    status = 403


@dataclass(frozen=True)
class AppGrant:
    """What a verified access token grants: the app (``client_id``), the scopes the person allowed, and the
    e-ID claims the caller is built from."""

    client_id: str
    scopes: frozenset[str]
    claims: dict
    eid_level: int

    def require(self, scope: str | None) -> None:
        """The one scope check: a route names the scope it needs; a route that names none is not for apps."""
        if scope is None:
            raise InsufficientScope("not_for_apps", "Chức năng này không dành cho ứng dụng.",
                                    "This endpoint does not accept an app's access token.")
        if scope not in self.scopes:
            raise InsufficientScope("insufficient_scope",
                                    f"Ứng dụng chưa được bạn cho phép làm việc này (cần quyền “{scope}”).",
                                    f"You have not allowed the app to do this (it needs the scope “{scope}”).",
                                    scope=scope)


def is_access_token(token: str) -> bool:
    """A JWT (three dot-separated parts), unlike officials' opaque API tokens, which hold no dot."""
    return token.count(".") == 2


def _claim_refusal(claim: str) -> BearerRefused:
    if claim == "aud":
        return BearerRefused("token_wrong_audience", "Mã truy cập không dành cho API này.",
                        "The access token is not meant for this API (audience).")
    if claim == "iss":
        return BearerRefused("token_wrong_issuer", "Mã truy cập không do hệ thống định danh điện tử được tin cậy cấp.",
                        "The access token was not issued by the trusted e-ID provider (issuer).")
    return BearerRefused("token_invalid_claims", f"Mã truy cập không hợp lệ (trường “{claim}”).",
                    f"The access token is not valid (claim “{claim}”).")


def verify(token: str, provider: oidc.Provider, audience: str) -> AppGrant:
    """The grant of an app's access token, or BearerRefused saying why not (expired, bad signature, another
    audience or issuer, revoked). The provider's keys are fetched again once for a key id not seen yet."""
    try:
        header = jws.extract_compact(token.encode()).protected
        if str(header.get("typ", "")).lower() not in TOKEN_TYPES:
            raise BearerRefused("token_wrong_type", "Đây không phải là mã truy cập (access token).",
                           "This is not an access token (its type is not at+jwt).")
        claims = jwt.decode(token, oidc.key_set(token, provider), algorithms=oidc.ALGORITHMS).claims
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": provider.metadata()["issuer"]},
            aud={"essential": True, "value": audience},
            **{name: {"essential": True} for name in REQUIRED_CLAIMS if name not in ("iss", "aud")},
        ).validate(claims)
    except ExpiredTokenError as exc:
        raise BearerRefused("token_expired", "Mã truy cập đã hết hạn: ứng dụng cần lấy mã mới.",
                       "The access token has expired: the app must get a new one.") from exc
    except BadSignatureError as exc:
        raise BearerRefused("token_bad_signature", "Chữ ký của mã truy cập không hợp lệ.",
                       "The access token's signature is not valid.") from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        raise _claim_refusal(getattr(exc, "claim", "")) from exc
    except (JoseError, ValueError) as exc:
        raise BearerRefused("token_malformed", "Mã truy cập không đọc được.", "The access token cannot be read.") from exc
    try:
        level = oidc.eid_level(claims)
    except oidc.LoginFailed as exc:
        raise BearerRefused("token_invalid_claims", exc.vi, exc.en) from exc
    if not provider.token_active(token, claims):
        raise BearerRefused("token_revoked", "Mã truy cập đã bị thu hồi: hãy đăng nhập lại trong ứng dụng.",
                       "The access token has been revoked: log in again in the app.")
    return AppGrant(str(claims["client_id"]), frozenset(str(claims.get("scope", "")).split()), dict(claims), level)
