"""The relying party refuses every ID token that is not exactly right."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from motcua.identity import oidc

METADATA = {"issuer": "https://eid.test", "jwks_uri": "https://eid.test/jwks", "token_endpoint": "https://eid.test/t"}
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


@pytest.fixture(autouse=True)
def published_keys(settings):
    oidc._cache[METADATA["jwks_uri"]] = (time.monotonic() + 600, {"keys": [KEY.as_dict(private=False)]})
    yield
    oidc._cache.pop(METADATA["jwks_uri"], None)


def claims(**overrides):
    now = int(time.time())
    base = {"iss": METADATA["issuer"], "aud": "motcua-portal", "sub": "7", "iat": now, "exp": now + 300,
            "nonce": "n-1", "personal_id": "001090012345", "name": "Nguyễn Văn An", "birthdate": "1990-05-17",
            "gender": "male", "eid_level": 2}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(payload, key=KEY):
    return jwt.encode({"alg": "RS256", "kid": "k1"}, payload, key)


def test_valid_token():
    verified = oidc.verify_id_token(token(claims()), METADATA, "n-1")
    assert verified["personal_id"] == "001090012345" and verified["eid_level"] == 2


@pytest.mark.parametrize("raw, nonce, code", [
    (lambda: token(claims(), OTHER_KEY), "n-1", "bad_token"),  # signed by someone else
    (lambda: token(claims(exp=int(time.time()) - 120)), "n-1", "bad_token"),  # expired
    (lambda: token(claims()), "n-2", "bad_token"),  # replayed into another login
    (lambda: token(claims(aud="another-client")), "n-1", "bad_token"),
    (lambda: token(claims(iss="https://evil.test")), "n-1", "bad_token"),
    (lambda: token(claims(personal_id=None)), "n-1", "bad_token"),
    (lambda: token(claims(birthdate="1991-05-17")), "n-1", "bad_id_number"),  # number does not match the person
    (lambda: token(claims(personal_id="12345")), "n-1", "bad_id_number"),
])
def test_refused_tokens(raw, nonce, code):
    with pytest.raises(oidc.LoginFailed) as exc:
        oidc.verify_id_token(raw(), METADATA, nonce)
    assert exc.value.code == code and exc.value.vi and exc.value.en


def test_tampered_payload_is_refused():
    header, payload, signature = token(claims()).split(".")
    forged = token(claims(personal_id="001185004321", birthdate="1985-09-02", gender="female")).split(".")[1]
    with pytest.raises(oidc.LoginFailed) as exc:
        oidc.verify_id_token(f"{header}.{forged}.{signature}", METADATA, "n-1")
    assert exc.value.code == "bad_token"


def test_callback_without_a_pending_login_is_refused(client, seeded):
    response = client.get("/dang-nhap/xong/", {"state": "guess", "code": "stolen"})
    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ" in response.content.decode()
    assert "citizen" not in client.session


def test_login_redirects_to_the_provider_with_pkce_and_nonce(client, settings, seeded):
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": "https://eid.test/.well-known/openid-configuration"}
    oidc._cache[settings.OIDC["DISCOVERY_URL"]] = (
        time.monotonic() + 600, {**METADATA, "authorization_endpoint": "https://eid.test/authorize"})
    try:
        response = client.get("/dang-nhap/", {"next": "/ho-so/"})
    finally:
        oidc._cache.pop(settings.OIDC["DISCOVERY_URL"], None)
    location = response["Location"]
    assert location.startswith("https://eid.test/authorize?")
    for part in ("code_challenge_method=S256", "code_challenge=", "nonce=", "state=", "scope=openid+profile"):
        assert part in location
    pending = client.session[oidc.SESSION_KEY]
    assert pending["next"] == "/ho-so/" and len(pending["verifier"]) >= 43
