"""Access tokens as signed JWTs (RFC 9068, "JWT Profile for OAuth 2.0 Access Tokens"), so that the API checks
them against the provider's published keys, as it checks ID tokens, whether the provider is this site or
another one. Refresh tokens stay opaque random strings: only the provider reads them."""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from jwcrypto import jwt
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from motcua.eid.validators import EidClaims

TOKEN_TYPE = "at+jwt"  # RFC 9068 §2.1: never mistaken for an ID token signed with the same key
# What the API builds its caller from; the app reads the token too, so nothing more of the person goes in it.
E_ID_CLAIMS = ("personal_id", "name", "eid_level", "acr")


def signed_access_token(request, refresh_token: bool = False) -> str:
    """django-oauth-toolkit's ACCESS_TOKEN_GENERATOR: the claims RFC 9068 asks for, and the e-ID claims the API
    builds its caller from (the person's ID number, name and e-ID level), signed with the provider's OIDC key."""
    now = int(time.time())
    e_id = EidClaims().get_additional_claims()  # read as for the ID token: a claim added there can come here too
    claims = {
        "iss": oauth2_settings.oidc_issuer(request), "sub": str(request.user.pk), "aud": settings.API_AUDIENCE,
        "iat": now, "exp": now + int(request.expires_in), "jti": uuid.uuid4().hex,
        "client_id": request.client.client_id, "scope": " ".join(request.scopes or []),
        **{name: e_id[name](request) for name in E_ID_CLAIMS},
    }
    organisation = e_id["organisation"](request)  # a login for an organisation: the app acts for it too
    if organisation is not None:
        claims["organisation"] = organisation
    key = jwk_from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    token = jwt.JWT(header=json.dumps({"typ": TOKEN_TYPE, "alg": "RS256", "kid": key.thumbprint()}),
                    claims=json.dumps(claims))
    token.make_signed_token(key)
    return token.serialize()
