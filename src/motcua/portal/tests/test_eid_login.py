"""Citizen login and logout through the e-ID provider, as a browser goes: the bundled provider on the same
site (answered in-process), the provider as a process of its own behind a discovery URL, and many logins at
once against a real server with two workers."""

import os
import re
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.conf import settings
from oauth2_provider.models import Application

import motcua
from motcua.demo.exchange import wait_until_serving
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_PASSWORD
from motcua.identity.models import SessionRecord

AN = DEMO_CITIZENS[0]


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the bundled provider on the same site, through the test client --------------------------------------

@pytest.fixture
def portal_client(client, seeded):
    """The test client's site registered at the bundled provider, exactly as a deployment registers its own."""
    Application.objects.filter(client_id=settings.OIDC["CLIENT_ID"]).update(
        redirect_uris="http://testserver/dang-nhap/xong/", post_logout_redirect_uris="http://testserver/")
    return client


def provider_login_page(client):
    """Start a portal login; the provider's login page where it asks for the password (or None)."""
    response = client.get("/dang-nhap/", {"next": "/ho-so/"}, follow=True)
    return response if response.request["PATH_INFO"] == "/eid/dang-nhap/" else None


def test_login_with_the_bundled_provider_makes_no_http_call_back_into_the_site(portal_client):
    # The test client serves no HTTP: a relying party that fetched discovery, keys or the token over HTTP
    # from its own site could not log anyone in here.
    page = provider_login_page(portal_client)
    response = portal_client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"], {
        "username": AN.id_number, "password": DEMO_PASSWORD, "next": page.context["next"]}, follow=True)
    assert response.request["PATH_INFO"] == "/ho-so/" and AN.name in response.content.decode()
    assert portal_client.session["citizen"]["eid_level"] == 2
    recorded = SessionRecord.objects.get(session_key=portal_client.session.session_key)  # "my sessions" lists it
    assert (recorded.kind, recorded.subject) == ("citizen", AN.id_number)


def test_after_logout_the_next_login_asks_for_the_password_again(portal_client):
    page = provider_login_page(portal_client)
    portal_client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"], {
        "username": AN.id_number, "password": DEMO_PASSWORD, "next": page.context["next"]}, follow=True)
    assert portal_client.get("/ho-so/").status_code == 200
    response = portal_client.post("/dang-xuat/", follow=True)
    assert response.request["PATH_INFO"] == "/" and "citizen" not in portal_client.session
    assert "_auth_user_id" not in portal_client.session  # the provider's login on this site ended too
    assert not SessionRecord.objects.exists()
    page = provider_login_page(portal_client)
    assert page is not None and 'name="password"' in page.content.decode()


def test_logout_when_the_external_provider_cannot_be_reached(client, settings, seeded):
    closed = free_port()
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": f"http://127.0.0.1:{closed}/.well-known/openid-configuration"}
    session = client.session
    session["citizen"] = {"id_number": AN.id_number, "name": AN.name, "eid_level": 2}
    session.save()
    response = client.post("/dang-xuat/", follow=True)
    assert response.request["PATH_INFO"] == "/" and "citizen" not in client.session
    assert "không kết nối được hệ thống định danh điện tử để đăng xuất" in response.content.decode()


# --- real server processes ----------------------------------------------------------------------------

PORTS = {"portal": free_port(), "external_portal": free_port(), "provider": free_port()}
PORTAL = f"http://127.0.0.1:{PORTS['portal']}"
EXTERNAL_PORTAL = f"http://127.0.0.1:{PORTS['external_portal']}"
# Another host name than the portals', so that the browser keeps the provider's cookies apart, as it does for
# a provider on a domain of its own.
PROVIDER = f"http://localhost:{PORTS['provider']}"

SEED = f"""
from oauth2_provider.models import Application
from motcua.demo.seeding import seed_eid
seed_eid()
Application.objects.update(
    redirect_uris="{PORTAL}/dang-nhap/xong/ {EXTERNAL_PORTAL}/dang-nhap/xong/",
    post_logout_redirect_uris="{PORTAL}/ {EXTERNAL_PORTAL}/")
"""


@pytest.fixture(scope="module")
def server_env(tmp_path_factory):
    """The environment of the server processes, configured as a deployment (not the demo): secrets of their own,
    a database and var dir of their own, migrated, with the e-ID accounts and the portal's client registered
    for the portals' exact addresses."""
    var = tmp_path_factory.mktemp("servers")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MOTCUA_", "DJANGO_"))}
    env.update({"PYTHONPATH": str(Path(motcua.__file__).resolve().parents[1]), "MOTCUA_VAR_DIR": str(var),
                "MOTCUA_DATABASE_URL": f"sqlite:///{var / 'motcua.sqlite3'}", "MOTCUA_SECRET_KEY": "test-secret-key",
                "MOTCUA_OIDC_CLIENT_SECRET": "test-client-secret", "MOTCUA_VNPAY_HASH_SECRET": "test-hash-secret",
                "MOTCUA_KEY_ENCRYPTION_KEYS": "iuW5Vn0ZzT3lmjCHbR0a8Ik4F8Ti8TWxH9VZAVUMJ0o=",
                "MOTCUA_BUNDLED_EID": "1",  # the test provider, served by the portal and as a process of its own
                # a payment gateway of its own, which no login reaches (the sandbox one is the demo's)
                "MOTCUA_VNPAY_PAY_URL": "http://127.0.0.1:9/pay", "MOTCUA_VNPAY_API_URL": "http://127.0.0.1:9/api"})
    command = [sys.executable, "-m", "motcua.cli"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*command, "shell", "-v0", "-c", SEED], env=env, check=True)
    return env


@contextmanager
def gunicorn(env, port: int, **extra_env):
    """The site served by gunicorn with two (synchronous) workers; its log goes to the var dir."""
    log = Path(env["MOTCUA_VAR_DIR"]) / f"gunicorn-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "motcua.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{port}"], env={**env, **extra_env}, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, 60, log, page="/eid/dang-nhap/")  # all a provider serves
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def log_in(browser: requests.Session, portal: str, citizen) -> requests.Response:
    """A portal login as a browser goes: the portal, the provider's login page, the password, back."""
    page = browser.get(f"{portal}/dang-nhap/", params={"next": "/ho-so/"}, timeout=60)
    assert 'name="password"' in page.text, (page.status_code, page.url, page.text[:500])
    return browser.post(page.url, timeout=60, data={
        "csrfmiddlewaretoken": csrf_token(page.text), "next": parse_qs(urlparse(page.url).query)["next"][0],
        "username": citizen.id_number, "password": DEMO_PASSWORD})


@pytest.mark.own_servers
def test_twenty_logins_at_once_on_two_workers(server_env):
    def whole_login(i: int) -> tuple[int, str, bool]:
        citizen = DEMO_CITIZENS[i % len(DEMO_CITIZENS)]
        with requests.Session() as browser:
            response = log_in(browser, PORTAL, citizen)
            return response.status_code, response.url, citizen.name in response.text

    with gunicorn(server_env, PORTS["portal"]), ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(whole_login, range(20)))
    assert results == [(200, f"{PORTAL}/ho-so/", True)] * 20


@pytest.mark.own_servers
def test_logout_ends_the_login_at_an_external_provider(server_env):
    provider_env = {"MOTCUA_ROOT_URLCONF": "motcua.eid.standalone_urls"}
    portal_env = {"MOTCUA_OIDC_DISCOVERY_URL": f"{PROVIDER}/eid/.well-known/openid-configuration"}
    with (gunicorn(server_env, PORTS["provider"], **provider_env),
          gunicorn(server_env, PORTS["external_portal"], **portal_env), requests.Session() as browser):
        response = log_in(browser, EXTERNAL_PORTAL, AN)
        assert response.url == f"{EXTERNAL_PORTAL}/ho-so/" and AN.name in response.text

        response = browser.post(f"{EXTERNAL_PORTAL}/dang-xuat/", timeout=30, data={
            "csrfmiddlewaretoken": csrf_token(response.text)})
        assert [r.url.split("?")[0] for r in response.history] == [
            f"{EXTERNAL_PORTAL}/dang-xuat/", f"{PROVIDER}/eid/logout/"]
        assert "id_token_hint=" in response.history[-1].url and response.url == f"{EXTERNAL_PORTAL}/"

        page = browser.get(f"{EXTERNAL_PORTAL}/dang-nhap/", timeout=30)
        assert page.url.startswith(f"{PROVIDER}/eid/dang-nhap/") and 'name="password"' in page.text
