"""The API for apps: the e-ID provider's access tokens (authorization code + PKCE, scoped, short-lived, refreshed,
revocable) accepted by the API for the citizen they name; every refusal answered per RFC 6750."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from jwcrypto import jwt as jwcrypto_jwt
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from motcua.api.tests.test_api import attached, permit_submission
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.demo.seeding import APP_CLIENT_ID, DEMO_CITIZENS, DEMO_PASSWORD
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.eid.inprocess import BundledProvider
from motcua.eid.models import EidAccount
from motcua.eid.scopes import APP_SCOPES
from motcua.identity import access_tokens, oidc
from motcua.identity.actors import Role, citizen_actor
from motcua.identity.callers import citizen_from_claims, citizen_from_login, citizen_login, issue_token
from motcua.identity.models import Official
from motcua.notifications import services as notifications

AN, BINH = DEMO_CITIZENS[0], DEMO_CITIZENS[1]
REDIRECT = f"{settings.APP_URI_SCHEME}:/oauth/callback"
ALL = " ".join(APP_SCOPES)


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def app_tokens(citizen=AN, scope: str = ALL) -> dict:
    """The app's tokens after the person logged in at the provider and allowed the scopes (test client)."""
    browser = Client()
    browser.force_login(EidAccount.objects.get(id_number=citizen.id_number).user)
    verifier = secrets.token_urlsafe(48)
    asked = {"client_id": APP_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT, "scope": scope,
             "state": "s1", "code_challenge": challenge_of(verifier), "code_challenge_method": "S256"}
    consent = browser.get("/eid/authorize/", asked)
    assert consent.status_code == 200, consent.content  # the person is asked: a public client is never trusted
    allowed = browser.post("/eid/authorize/", {**asked, "allow": "on"})
    code = parse_qs(urlparse(allowed["Location"]).query)["code"][0]
    return browser.post("/eid/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                        "client_id": APP_CLIENT_ID, "code_verifier": verifier}).json()


def app(tokens: dict | str) -> Client:
    """An API client sending the access token, as the app does (no cookie, no CSRF token)."""
    token = tokens if isinstance(tokens, str) else tokens["access_token"]
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")


def claims_of(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def resigned(token: str, **changes) -> str:
    """The token with its claims changed, signed again with the provider's own key."""
    key = jwk_from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    forged = jwcrypto_jwt.JWT(header={"typ": "at+jwt", "alg": "RS256", "kid": key.thumbprint()},
                              claims={**claims_of(token), **changes})
    forged.make_signed_token(key)
    return forged.serialize()


def refusal(response) -> tuple[int, str, str]:
    return response.status_code, response.json()["code"], response["WWW-Authenticate"]


def post(client: Client, path: str, body=None):
    return client.post(path, body or {}, content_type="application/json")


# --- the provider's tokens ---------------------------------------------------------------------------------

def test_the_access_token_is_a_signed_jwt_of_rfc_9068_with_the_e_id_claims(seeded):
    tokens = app_tokens(scope="dossiers:read payments")
    assert tokens["expires_in"] == 300 and tokens["scope"] == "dossiers:read payments"
    assert "." not in tokens["refresh_token"]  # opaque: only the provider reads it
    header = json.loads(base64.urlsafe_b64decode(tokens["access_token"].split(".")[0] + "=="))
    assert header["typ"] == "at+jwt" and header["alg"] == "RS256"
    assert header["kid"] in {k["kid"] for k in Client().get("/eid/.well-known/jwks.json").json()["keys"]}
    claims = claims_of(tokens["access_token"])
    assert claims["iss"] == "http://testserver/eid" and claims["aud"] == settings.API_AUDIENCE
    assert claims["client_id"] == APP_CLIENT_ID and claims["scope"] == "dossiers:read payments"
    assert claims["exp"] - claims["iat"] == 300 and len(claims["jti"]) == 32 and claims["sub"]
    assert (claims["personal_id"], claims["name"], claims["eid_level"]) == (AN.id_number, AN.name, 2)


def test_the_consent_page_names_each_scope_in_the_readers_language(seeded):
    browser = Client()
    browser.force_login(EidAccount.objects.get(id_number=AN.id_number).user)
    asked = {"client_id": APP_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT, "state": "s",
             "scope": "dossiers:submit payments", "code_challenge": challenge_of("v" * 50),
             "code_challenge_method": "S256"}
    page = browser.get("/eid/authorize/", asked).content.decode()
    assert "Cho phép Ứng dụng Dịch vụ công thay mặt bạn?" in page and "Thanh toán phí, lệ phí" in page
    browser.cookies["django_language"] = "en"
    page = browser.get("/eid/authorize/", asked).content.decode()
    assert "Allow Ứng dụng Dịch vụ công to act for you?" in page and "Pay the fees of your dossiers" in page
    refused = browser.post("/eid/authorize/", asked)  # "Refuse"
    assert parse_qs(urlparse(refused["Location"]).query)["error"] == ["access_denied"]


def test_an_app_without_pkce_or_with_plain_pkce_gets_no_code(seeded):
    browser = Client()
    browser.force_login(EidAccount.objects.get(id_number=AN.id_number).user)
    asked = {"client_id": APP_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT, "scope": ALL}
    response = browser.get("/eid/authorize/", asked)
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_request"]
    plain = {**asked, "code_challenge": "p" * 43, "code_challenge_method": "plain", "allow": "on"}
    response = browser.post("/eid/authorize/", plain)
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query


# --- a mobile app does everything a citizen does on the portal --------------------------------------------

def test_a_mobile_app_searches_submits_uploads_tracks_pays_and_reads_its_wallet_and_inbox(seeded):
    an = app(app_tokens())
    assert an.get("/api/procedures", {"q": "dang ky khai sinh"}).json()["items"][0]["code"] == "1.001193"

    body = permit_submission(files=[attached("ban_ve_thiet_ke", name="ban-ve.pdf")])
    submitted = post(an, "/api/dossiers", body)  # with files, and no CSRF token: a bearer token needs none
    assert submitted.status_code == 201, submitted.json()
    code = submitted.json()["code"]
    detail = an.get(f"/api/dossiers/{code}").json()
    assert detail["code"] == code and detail["applicant"]["id_number"] == AN.id_number
    journal = an.get(f"/api/dossiers/{code}/journal").json()
    assert [(e["action"], e["actor"]["kind"], e["actor"]["id"]) for e in journal] == [
        ("submit", "citizen", AN.id_number)]

    owing = services.submit(sample_submission(spec_of(Procedure.objects.get(code="3.000333").current_version)),
                            citizen_actor(AN.id_number, AN.name, 2))[0]
    receiver = official_actor(owing.agency.code, Role.RECEIVER)
    services.act(owing.code, "receive", receiver)
    services.act(owing.code, "forward", receiver)
    services.act(owing.code, "request_payment", official_actor(owing.agency.code, Role.SPECIALIST))
    paying = post(an, f"/api/dossiers/{owing.code}/payments")
    assert paying.status_code == 201 and "vnp_SecureHash=" in paying.json()["payment_url"]

    done = services.submit(sample_submission(spec_of(Procedure.objects.get(code="1.001193").current_version)),
                           citizen_actor(AN.id_number, AN.name, 2))[0]
    walk(done.code, Status.PROCESSED)
    wallet = an.get("/api/wallet").json()
    assert [d["kind"] for d in wallet] == ["result"] and wallet == an.get(f"/api/dossiers/{done.code}/documents").json()
    assert an.get(wallet[0]["file_url"]).content.startswith(b"%PDF")

    while outbox.drain():
        pass
    notifications.send_all()
    inbox = an.get("/api/notifications").json()
    assert {m["dossier_code"] for m in inbox["items"]} == {owing.code, done.code}  # received, fee due, result
    assert an.post(f"/api/notifications/{inbox['items'][0]['id']}/read").status_code == 200


def test_the_caller_is_the_person_the_token_names_with_the_same_rules_as_the_portal(seeded):
    code = post(app(app_tokens(AN)), "/api/dossiers", permit_submission(
        files=[attached("ban_ve_thiet_ke")])).json()["code"]
    binh = app(app_tokens(BINH))
    assert binh.get(f"/api/dossiers/{code}").status_code == 403  # another person's dossier


def test_officials_tokens_and_sessions_are_unchanged(seeded, citizen):
    official = Official.objects.get(user__username="hoankiem.motcua")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(official)}").get("/api/queue").status_code == 200
    assert citizen.get("/api/wallet").status_code == 200  # a portal session is not scoped


# --- refusals (RFC 6750 §3) ----------------------------------------------------------------------------------

def test_a_scope_the_person_did_not_grant_is_refused_with_insufficient_scope(seeded):
    reader = app(app_tokens(scope="dossiers:read"))
    status, code, challenge = refusal(post(reader, "/api/dossiers", permit_submission()))
    assert (status, code) == (403, "insufficient_scope")
    assert challenge == ('Bearer realm="motcua", error="insufficient_scope", error_description="insufficient_scope", '
                         'scope="dossiers:submit"')
    answer = post(reader, "/api/dossiers", permit_submission()).json()
    assert "dossiers:submit" in answer["detail"]["vi"] and "dossiers:submit" in answer["detail"]["en"]
    assert refusal(reader.get("/api/wallet"))[:2] == (403, "insufficient_scope")
    # Officials' routes take no app's token, whatever its scopes.
    assert refusal(app(app_tokens()).get("/api/queue"))[:2] == (403, "not_for_apps")


@pytest.mark.parametrize(("changes", "code"), [
    ({"exp": int(time.time()) - 120}, "token_expired"),
    ({"aud": "https://another-service.example.vn/api"}, "token_wrong_audience"),
    ({"iss": "https://eid.example.vn"}, "token_wrong_issuer"),
])
def test_an_expired_or_misdirected_token_is_refused_as_invalid(seeded, changes, code):
    token = resigned(app_tokens()["access_token"], **changes)
    status, answered, challenge = refusal(app(token).get("/api/wallet"))
    assert (status, answered) == (401, code)
    assert challenge.startswith('Bearer realm="motcua", error="invalid_token"')


def test_a_token_altered_after_signing_is_refused(seeded):
    header, payload, signature = app_tokens()["access_token"].split(".")
    claims = {**json.loads(base64.urlsafe_b64decode(payload + "==")), "personal_id": BINH.id_number}
    altered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    answer = app(f"{header}.{altered}.{signature}").get("/api/wallet")
    assert refusal(answer)[:2] == (401, "token_bad_signature")
    assert answer.json()["detail"] == {"vi": "Chữ ký của mã truy cập không hợp lệ.",
                                       "en": "The access token's signature is not valid."}


def test_an_id_token_is_not_an_access_token(seeded):
    browser = Client()
    browser.force_login(EidAccount.objects.get(id_number=AN.id_number).user)
    asked = {"client_id": settings.OIDC["CLIENT_ID"], "response_type": "code", "scope": "openid profile",
             "redirect_uri": "http://127.0.0.1:8000/dang-nhap/xong/", "state": "s", "nonce": "n",
             "code_challenge": challenge_of("v" * 50), "code_challenge_method": "S256"}
    code = parse_qs(urlparse(browser.get("/eid/authorize/", asked)["Location"]).query)["code"][0]
    tokens = browser.post("/eid/token/", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": asked["redirect_uri"],
        "code_verifier": "v" * 50, "client_id": settings.OIDC["CLIENT_ID"],
        "client_secret": settings.OIDC["CLIENT_SECRET"]}).json()
    assert refusal(app(tokens["id_token"]).get("/api/wallet"))[:2] == (401, "token_wrong_type")
    # The portal's own access token is for the provider's userinfo: it grants no scope of the API.
    assert refusal(app(tokens["access_token"]).get("/api/wallet"))[:2] == (403, "insufficient_scope")
    # The same login read from the ID token (the portal's session) and from the access token: the same caller.
    provider = BundledProvider(RequestFactory().get("/"))
    session = citizen_login(oidc.verify_id_token(tokens["id_token"], provider, "n"), 2)
    grant = access_tokens.verify(tokens["access_token"], provider, settings.API_AUDIENCE)
    assert citizen_from_login(session) == citizen_from_claims(grant.claims, grant.eid_level)
    assert citizen_from_login(session) == citizen_actor(AN.id_number, AN.name, 2)


def test_a_revoked_token_is_refused_at_the_next_call(seeded):
    tokens = app_tokens()
    an = app(tokens)
    assert an.get("/api/wallet").status_code == 200
    revoked = Client().post("/eid/revoke/", {"token": tokens["access_token"], "token_type_hint": "access_token",
                                             "client_id": APP_CLIENT_ID})
    assert revoked.status_code == 200
    status, code, challenge = refusal(an.get("/api/wallet"))
    assert (status, code) == (401, "token_revoked") and 'error="invalid_token"' in challenge


def test_no_token_is_a_bearer_challenge(seeded):
    response = Client().get("/api/wallet")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="motcua"'


# --- an independent OAuth client against the provider served over HTTP ---------------------------------------

def log_in_and_allow(url: str, citizen=AN) -> str:
    """What the person does in the browser the app opens: log in at the provider, allow; the redirect to
    the app's own scheme, which carries the code, is where the browser hands back to the app."""
    with requests.Session() as browser:
        page = browser.get(url, timeout=30)
        assert 'name="password"' in page.text, page.text[:300]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page.text).group(1)
        consent = browser.post(page.url, timeout=30, data={
            "csrfmiddlewaretoken": csrf, "username": citizen.id_number, "password": DEMO_PASSWORD,
            "next": parse_qs(urlparse(page.url).query)["next"][0]})
        assert "<li>Nộp hồ sơ" in consent.text  # each scope described in the reader's language
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', consent.text))
        allowed = browser.post(consent.url, data={**fields, "allow": "on"}, allow_redirects=False, timeout=30)
        assert allowed.status_code == 302, allowed.text[:300]
        return allowed.headers["Location"]


@pytest.fixture
def provider_url(live_server, seeded):
    return f"{live_server.url}/eid"


@pytest.mark.django_db(transaction=True)
def test_authlib_code_flow_with_pkce_then_the_api_then_refresh_then_revoke(provider_url, live_server):
    meta = requests.get(f"{provider_url}/.well-known/openid-configuration", timeout=30).json()
    oauth = OAuth2Session(APP_CLIENT_ID, scope=ALL, redirect_uri=REDIRECT, code_challenge_method="S256",
                          token_endpoint_auth_method="none")
    verifier = secrets.token_urlsafe(48)
    url, state = oauth.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    assert "code_challenge_method=S256" in url
    callback = log_in_and_allow(url)
    assert callback.startswith(REDIRECT) and f"state={state}" in callback
    first = oauth.fetch_token(meta["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert first["token_type"] == "Bearer" and first["expires_in"] == 300

    api = f"{live_server.url}/api"
    answer = oauth.post(f"{api}/dossiers", json=permit_submission(files=[attached("ban_ve_thiet_ke")]), timeout=60)
    assert answer.status_code == 201, answer.text
    code = answer.json()["code"]
    assert oauth.get(f"{api}/dossiers/{code}", timeout=30).json()["status"]["en"] == "New"

    second = oauth.refresh_token(meta["token_endpoint"], refresh_token=first["refresh_token"])
    assert second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    assert oauth.get(f"{api}/dossiers/{code}", timeout=30).status_code == 200
    reused = requests.post(meta["token_endpoint"], timeout=30, data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": APP_CLIENT_ID})
    assert reused.json()["error"] == "invalid_grant"  # rotated: the old refresh token ended

    oauth.revoke_token(meta["revocation_endpoint"], token=second["access_token"], token_type_hint="access_token")
    refused = oauth.get(f"{api}/dossiers/{code}", timeout=30)
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


@pytest.mark.django_db(transaction=True)
def test_a_provider_on_another_site_keys_fetched_and_revocation_by_introspection(provider_url, settings):
    """The API checks the token against a provider it reaches over HTTP only (as the national e-ID): its keys
    from its JWKS, its revocations by introspection (RFC 7662), whose answer is kept a short while."""
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": f"{provider_url}/.well-known/openid-configuration"}
    oauth = OAuth2Session(APP_CLIENT_ID, scope=ALL, redirect_uri=REDIRECT, code_challenge_method="S256",
                          token_endpoint_auth_method="none")
    verifier = secrets.token_urlsafe(48)
    url, _state = oauth.create_authorization_url(f"{provider_url}/authorize/", code_verifier=verifier)
    tokens = oauth.fetch_token(f"{provider_url}/token/", authorization_response=log_in_and_allow(url),
                               code_verifier=verifier)
    an = app(tokens)
    assert an.get("/api/wallet").status_code == 200
    requests.post(f"{provider_url}/revoke/", timeout=30, data={
        "token": tokens["access_token"], "client_id": APP_CLIENT_ID})
    assert an.get("/api/wallet").status_code == 200  # the provider's "active" is trusted a few seconds more …
    cache.clear()  # … (TOKEN_INTROSPECTION_CACHE_SECONDS) until it is asked again
    assert refusal(an.get("/api/wallet"))[:2] == (401, "token_revoked")
    assert refusal(app(resigned(tokens["access_token"], aud="x")).get("/api/wallet"))[:2] == (
        401, "token_wrong_audience")


def test_the_openapi_document_lists_the_scope_of_each_operation_open_to_apps(client, seeded):
    schema = client.get("/api/openapi.json").json()
    flows = schema["components"]["securitySchemes"]["EidApp"]["flows"]["authorizationCode"]
    assert set(flows["scopes"]) == set(APP_SCOPES) and flows["tokenUrl"] == "/eid/token/"
    submit = schema["paths"]["/api/dossiers"]["post"]
    assert {"EidApp": ["dossiers:submit"]} in submit["security"] and "403" in {str(s) for s in submit["responses"]}
    assert not any("EidApp" in s for s in schema["paths"]["/api/queue"]["get"]["security"])


def test_an_app_of_an_organisations_login_files_for_the_organisation(seeded):
    """Logged in for An's company at the provider, the app's token names the company, and the app files and reads
    the company's dossiers; the same app on An's personal login does not."""
    from motcua.demo.seeding import DEMO_ORGANISATIONS
    from motcua.organisations.tests.test_api import RULING

    company = DEMO_ORGANISATIONS[0]
    browser = Client()
    browser.force_login(EidAccount.objects.get(id_number=AN.id_number).user)
    verifier = secrets.token_urlsafe(48)
    asked = {"client_id": APP_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT,
             "scope": "organisation dossiers:read dossiers:submit", "state": "s1",
             "code_challenge": challenge_of(verifier), "code_challenge_method": "S256"}
    assert company.name in browser.get("/eid/authorize/", asked).content.decode()  # the choice of organisation
    allowed = browser.post("/eid/authorize/", {**asked, "allow": "on", "organisation": company.code})
    code = parse_qs(urlparse(allowed["Location"]).query)["code"][0]
    tokens = browser.post("/eid/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                          "client_id": APP_CLIENT_ID, "code_verifier": verifier}).json()
    organisation = claims_of(tokens["access_token"])["organisation"]
    assert (organisation["code"], organisation["representative_id"]) == (company.code, AN.id_number)
    filed = post(app(tokens), f"/api/organisations/{company.code}/dossiers", RULING)
    assert filed.status_code == 201, filed.json()
    listed = app(tokens).get(f"/api/organisations/{company.code}/dossiers").json()
    assert [d["code"] for d in listed] == [filed.json()["code"]]
    personal = app(app_tokens(AN, "dossiers:read"))
    assert personal.get(f"/api/organisations/{company.code}/dossiers").status_code == 404
