"""The bundled e-ID provider speaks OpenID Connect: discovery, keys, code + PKCE, and e-ID claims."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.test import RequestFactory
from oauth2_provider.models import Grant

from motcua.eid.inprocess import BundledProvider
from motcua.eid.models import EidAccount
from motcua.identity import oidc

REDIRECT = "http://127.0.0.1:8000/dang-nhap/xong/"


def test_discovery_and_keys(client, seeded):
    meta = client.get("/eid/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://testserver/eid"
    assert meta["authorization_endpoint"].endswith("/eid/authorize/")
    assert meta["revocation_endpoint"].endswith("/eid/revoke/")  # RFC 7009: a client ends its own tokens
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
    claims = oidc.verify_id_token(tokens["id_token"], BundledProvider(RequestFactory().get("/")), "n2")
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


def authorize(client, **overrides):
    """An authorization request of the portal's client, as a logged-in e-ID account sends it."""
    verifier = "v" * 64
    params = {"client_id": settings.OIDC["CLIENT_ID"], "response_type": "code", "redirect_uri": REDIRECT,
              "scope": "openid profile", "state": "s1", "nonce": "n1", "code_challenge_method": "S256",
              "code_challenge": base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
              .rstrip(b"=").decode()}
    params.update(overrides)
    return client.get("/eid/authorize/", {k: v for k, v in params.items() if v is not None})


@pytest.fixture
def logged_in(client, seeded):
    client.force_login(EidAccount.objects.get(id_number="001090012345").user)
    return client


def test_discovery_lists_claims_levels_s256_and_end_session(client, seeded):
    meta = client.get("/eid/.well-known/openid-configuration").json()
    assert {"sub", "personal_id", "name", "birthdate", "gender", "eid_level", "acr"} <= set(meta["claims_supported"])
    assert meta["acr_values_supported"] == ["urn:motcua:eid:level1", "urn:motcua:eid:level2"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["end_session_endpoint"] == "http://testserver/eid/logout/"


@pytest.mark.parametrize("method", ["plain", None])  # no method means plain (RFC 7636)
def test_plain_pkce_is_refused(logged_in, method):
    response = authorize(logged_in, code_challenge_method=method, code_challenge="p" * 43)
    assert response.status_code == 302 and response["Location"].startswith(REDIRECT)
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query
    assert not Grant.objects.exists()


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:8001/dang-nhap/xong/",  # a registered loopback address on another port
    "http://localhost:8000/dang-nhap/xong/",
    "http://127.0.0.1:8000/dang-nhap/xong/?next=/",
])
def test_redirect_uris_match_exactly(logged_in, settings, redirect_uri):
    response = authorize(logged_in, redirect_uri=redirect_uri)
    assert response.status_code == 400 and "code=" not in response.get("Location", "")
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOW_LOCALHOST_LOOPBACK": True}  # the demo
    if "?" not in redirect_uri:
        assert "code=" in authorize(logged_in, redirect_uri=redirect_uri)["Location"]


def tokens_of(client):
    code = parse_qs(urlparse(authorize(client)["Location"]).query)["code"][0]
    return client.post("/eid/token/", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": "v" * 64,
        "client_id": settings.OIDC["CLIENT_ID"], "client_secret": settings.OIDC["CLIENT_SECRET"]}).json()


def test_the_level_is_asserted_as_acr(logged_in):
    tokens = tokens_of(logged_in)
    claims = json.loads(base64.urlsafe_b64decode(tokens["id_token"].split(".")[1] + "=="))
    assert claims["acr"] == "urn:motcua:eid:level2" and claims["eid_level"] == 2
    userinfo = logged_in.get("/eid/userinfo/", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["acr"] == "urn:motcua:eid:level2" and userinfo["personal_id"] == "001090012345"


def test_end_session_logs_out_and_returns_to_the_relying_party(logged_in):
    response = logged_in.get("/eid/logout/", {
        "id_token_hint": tokens_of(logged_in)["id_token"], "client_id": settings.OIDC["CLIENT_ID"],
        "post_logout_redirect_uri": "http://127.0.0.1:8000/"})
    assert response.status_code == 302 and response["Location"] == "http://127.0.0.1:8000/"
    assert "_auth_user_id" not in logged_in.session


@pytest.mark.parametrize("post_logout_redirect_uri", ["http://127.0.0.1:8001/", "https://evil.test/"])
def test_end_session_returns_only_to_a_registered_address(logged_in, post_logout_redirect_uri):
    response = logged_in.get("/eid/logout/", {
        "id_token_hint": tokens_of(logged_in)["id_token"], "post_logout_redirect_uri": post_logout_redirect_uri})
    assert response.status_code == 400 and "Yêu cầu đăng xuất không hợp lệ" in response.content.decode()
    assert "_auth_user_id" in logged_in.session


def test_end_session_without_a_hint_asks_first(logged_in):
    page = logged_in.get("/eid/logout/", {"client_id": settings.OIDC["CLIENT_ID"]})
    assert page.status_code == 200 and "Đăng xuất khỏi tài khoản định danh điện tử?" in page.content.decode()
    assert "_auth_user_id" in logged_in.session
    logged_in.post("/eid/logout/", {"client_id": settings.OIDC["CLIENT_ID"], "allow": "on"})
    assert "_auth_user_id" not in logged_in.session
