"""The relying party refuses every ID token that is not exactly right, reads the e-ID level from `acr`, and
reaches an external provider over HTTP with its metadata and keys cached and a bounded wait."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import RSAKey

from motcua.identity import oidc

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
ROTATED_KEY = RSAKey.generate_key(2048, parameters={"kid": "k2"})


class ProviderServer(ThreadingHTTPServer):
    """A provider's published documents over real HTTP: path → JSON, with a count of requests per path and
    an optional delay before answering."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ProviderHandler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.documents: dict[str, dict] = {}
        self.hits: dict[str, int] = {}
        self.delay = 0.0

    def publish(self, keys):
        self.documents["/.well-known/openid-configuration"] = {
            "issuer": self.base, "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token", "jwks_uri": f"{self.base}/jwks",
            "end_session_endpoint": f"{self.base}/logout"}
        self.documents["/jwks"] = {"keys": [key.as_dict(private=False) for key in keys]}

    @property
    def discovery_url(self):
        return f"{self.base}/.well-known/openid-configuration"


class ProviderHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        server.hits[self.path] = server.hits.get(self.path, 0) + 1
        time.sleep(server.delay)
        document = server.documents.get(self.path)
        body = json.dumps(document).encode()
        with contextlib.suppress(ConnectionError):  # a client that gave up waiting has gone
            self.send_response(200 if document is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    cache.clear()  # the relying party caches what it fetched
    provider_server = ProviderServer()
    provider_server.publish([KEY])
    thread = threading.Thread(target=provider_server.serve_forever, daemon=True)
    thread.start()
    yield provider_server
    provider_server.shutdown()
    provider_server.server_close()
    cache.clear()


@pytest.fixture
def provider(server):
    return oidc.RemoteProvider(server.discovery_url)


def claims(issuer, **overrides):
    now = int(time.time())
    base = {"iss": issuer, "aud": "motcua-portal", "sub": "7", "iat": now, "exp": now + 300,
            "nonce": "n-1", "personal_id": "001090012345", "name": "Nguyễn Văn An", "birthdate": "1990-05-17",
            "gender": "male", "eid_level": 2, "acr": "urn:motcua:eid:level2"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(payload, key=KEY):
    return jwt.encode({"alg": "RS256", "kid": key.kid}, payload, key)


def test_valid_token(server, provider):
    verified = oidc.verify_id_token(token(claims(server.base)), provider, "n-1")
    assert verified["personal_id"] == "001090012345" and oidc.eid_level(verified) == 2


@pytest.mark.parametrize("raw, nonce, code", [
    (lambda iss: token(claims(iss), OTHER_KEY), "n-1", "bad_token"),  # signed by someone else
    (lambda iss: token(claims(iss, exp=int(time.time()) - 120)), "n-1", "bad_token"),  # expired
    (lambda iss: token(claims(iss)), "n-2", "bad_token"),  # replayed into another login
    (lambda iss: token(claims(iss, aud="another-client")), "n-1", "bad_token"),
    (lambda iss: token(claims("https://evil.test")), "n-1", "bad_token"),
    (lambda iss: token(claims(iss, personal_id=None)), "n-1", "bad_token"),
    (lambda iss: "not-a-token", "n-1", "bad_token"),
    (lambda iss: token(claims(iss, birthdate="1991-05-17")), "n-1", "bad_id_number"),  # not this person's number
    (lambda iss: token(claims(iss, personal_id="12345")), "n-1", "bad_id_number"),
])
def test_refused_tokens(server, provider, raw, nonce, code):
    with pytest.raises(oidc.LoginFailed) as exc:
        oidc.verify_id_token(raw(server.base), provider, nonce)
    assert exc.value.code == code and exc.value.vi and exc.value.en


def test_tampered_payload_is_refused(server, provider):
    header, payload, signature = token(claims(server.base)).split(".")
    forged = token(claims(server.base, personal_id="001185004321", birthdate="1985-09-02",
                          gender="female")).split(".")[1]
    with pytest.raises(oidc.LoginFailed) as exc:
        oidc.verify_id_token(f"{header}.{forged}.{signature}", provider, "n-1")
    assert exc.value.code == "bad_token"


@pytest.mark.parametrize("asserted, level", [
    ({"acr": "urn:motcua:eid:level2", "eid_level": 1}, 2),  # acr, where present, says the level
    ({"acr": "urn:motcua:eid:level1", "eid_level": None}, 1),
    ({"acr": None, "eid_level": 2}, 2),
    ({"acr": "urn:other:loa:high", "eid_level": 1}, 1),
])
def test_the_level_comes_from_acr_where_present(asserted, level):
    assert oidc.eid_level(asserted) == level


@pytest.mark.parametrize("asserted", [{}, {"acr": "urn:other:loa:high"}, {"eid_level": 3}, {"eid_level": True},
                                      {"acr": ["urn:motcua:eid:level2"]}])
def test_a_login_without_a_known_level_is_refused(asserted):
    with pytest.raises(oidc.LoginFailed) as exc:
        oidc.eid_level(asserted)
    assert exc.value.code == "unknown_level" and exc.value.vi != exc.value.en


def test_metadata_and_keys_are_fetched_once(server, provider):
    for nonce in ("n-1", "n-2", "n-3"):
        oidc.verify_id_token(token(claims(server.base, nonce=nonce)), oidc.RemoteProvider(server.discovery_url),
                             nonce)
    assert server.hits == {"/.well-known/openid-configuration": 1, "/jwks": 1}


def test_keys_are_fetched_again_for_a_key_not_seen_yet(server, provider):
    oidc.verify_id_token(token(claims(server.base)), provider, "n-1")
    server.publish([KEY, ROTATED_KEY])  # the provider rotates its signing key
    assert oidc.verify_id_token(token(claims(server.base), ROTATED_KEY), provider, "n-1")["personal_id"]
    assert server.hits["/jwks"] == 2
    unknown = RSAKey.generate_key(2048, parameters={"kid": "k3"})
    with pytest.raises(oidc.LoginFailed) as exc:
        oidc.verify_id_token(token(claims(server.base), unknown), provider, "n-1")
    assert exc.value.code == "bad_token" and server.hits["/jwks"] == 3


def test_a_provider_that_does_not_answer_is_given_up_on_in_time(server, provider, settings):
    settings.OIDC = {**settings.OIDC, "TIMEOUT_SECONDS": 0.3}
    server.delay = 2
    started = time.monotonic()
    with pytest.raises(oidc.LoginFailed) as exc:
        provider.metadata()
    assert exc.value.code == "provider_unreachable" and exc.value.status == 503
    assert time.monotonic() - started < 1.5


def test_unreachable_provider_gets_a_clear_page_in_both_languages(client, settings, seeded):
    with ThreadingHTTPServer(("127.0.0.1", 0), ProviderHandler) as closed:
        port = closed.server_address[1]  # nothing listens there once closed
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": f"http://127.0.0.1:{port}/.well-known/openid-configuration"}
    response = client.get("/dang-nhap/")
    assert response.status_code == 503
    assert "Không kết nối được hệ thống định danh điện tử" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert "The e-ID provider cannot be reached" in client.get("/dang-nhap/").content.decode()


def test_callback_without_a_pending_login_is_refused(client, seeded):
    response = client.get("/dang-nhap/xong/", {"state": "guess", "code": "stolen"})
    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ" in response.content.decode()
    assert "citizen" not in client.session


def test_login_redirects_to_the_provider_with_pkce_and_nonce(client, settings, server, seeded):
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": server.discovery_url}
    location = client.get("/dang-nhap/", {"next": "/ho-so/"})["Location"]
    assert location.startswith(f"{server.base}/authorize?")
    for part in ("code_challenge_method=S256", "code_challenge=", "nonce=", "state=", "scope=openid+profile"):
        assert part in location
    pending = client.session[oidc.SESSION_KEY]
    assert pending["next"] == "/ho-so/" and len(pending["verifier"]) >= 43
