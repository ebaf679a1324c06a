"""The bundled e-ID provider speaks OpenID Connect: discovery, keys, code + PKCE, and e-ID claims."""

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlparse

from django.conf import settings

from motcua.eid.models import EidAccount
from motcua.identity import oidc

REDIRECT = "http://127.0.0.1:8000/dang-nhap/xong/"


def test_discovery_and_keys(client, seeded):
    meta = client.get("/eid/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://testserver/eid"
    assert meta["authorization_endpoint"].endswith("/eid/authorize/")
    keys = client.get("/eid/.well-known/jwks.json").json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and "d" not in keys[0]  # public half only


def test_authorize_asks_for_the_provider_login(client, seeded):
    response = client.get("/eid/authorize/", {"client_id": "motcua-portal", "response_type": "code"})
    assert response.status_code == 302 and response["Location"].startswith("/eid/dang-nhap/")


def test_code_flow_with_pkce_yields_e_id_claims(client, seeded):
    account = EidAccount.objects.get(id_number="079078001122")
    client.force_login(account.user)
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    response = client.get("/eid/authorize/", {
        "client_id": settings.OIDC["CLIENT_ID"], "response_type": "code", "redirect_uri": REDIRECT,
        "scope": "openid profile", "state": "s1", "nonce": "n1", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    assert response.status_code == 302, response.content
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["state"] == ["s1"]
    exchange = {"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT,
                "client_id": settings.OIDC["CLIENT_ID"], "client_secret": settings.OIDC["CLIENT_SECRET"]}
    assert client.post("/eid/token/", {**exchange, "code_verifier": "w" * 64}).status_code == 400  # wrong verifier
    response = client.get("/eid/authorize/", {
        "client_id": settings.OIDC["CLIENT_ID"], "response_type": "code", "redirect_uri": REDIRECT,
        "scope": "openid profile", "state": "s2", "nonce": "n2", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    exchange["code"] = parse_qs(urlparse(response["Location"]).query)["code"][0]
    tokens = client.post("/eid/token/", {**exchange, "code_verifier": verifier}).json()
    meta = client.get("/eid/.well-known/openid-configuration").json()
    oidc._cache[meta["jwks_uri"]] = (time.monotonic() + 60, client.get("/eid/.well-known/jwks.json").json())
    try:
        claims = oidc.verify_id_token(tokens["id_token"], meta, "n2")
    finally:
        oidc._cache.pop(meta["jwks_uri"], None)
    assert claims["personal_id"] == "079078001122" and claims["eid_level"] == 1
    assert claims["name"] == "Lê Hoàng Cường" and claims["birthdate"] == "1978-03-08" and claims["gender"] == "male"


def test_provider_runs_on_its_own(client, seeded, settings):
    settings.ROOT_URLCONF = "motcua.eid.standalone_urls"
    assert client.get("/eid/.well-known/openid-configuration").json()["issuer"] == "http://testserver/eid"
    assert client.get("/eid/dang-nhap/").status_code == 200
    assert client.get("/thu-tuc/").status_code == 404  # nothing of the portal is served


def test_only_e_id_accounts_log_in_at_the_provider(client, seeded):
    from motcua.demo.seeding import DEMO_PASSWORD

    response = client.post("/eid/dang-nhap/", {"username": "hoankiem.motcua", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/eid/dang-nhap/", {"username": "079078001122", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_an_official_logged_in_on_the_same_site_gets_no_e_id_code(client, seeded):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="hoankiem.lanhdao"))
    response = client.get("/eid/authorize/", {
        "client_id": settings.OIDC["CLIENT_ID"], "response_type": "code", "redirect_uri": REDIRECT,
        "scope": "openid profile", "state": "s1", "nonce": "n1", "code_challenge": "x" * 43,
        "code_challenge_method": "S256"})
    assert response.status_code == 302 and response["Location"].startswith("/eid/dang-nhap/")
    assert "code=" not in response["Location"]
