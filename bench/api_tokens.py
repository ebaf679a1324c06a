"""API submissions per second from an app holding the e-ID provider's access tokens, against the same submissions
from the portal's session cookie, in one run on one server.

    python bench/api_tokens.py [--seconds 10] [--clients 8] [--workers 2] [--citizens 12]

A throwaway PostgreSQL database (bench/throwaway.py), gunicorn serving the site with the bundled e-ID provider.
Each citizen (level-2 e-ID accounts made for the run) logs in twice over HTTP, as in life: once at the portal (a session cookie and its CSRF token),
once in the app (authorization code + PKCE at the provider, consent, token endpoint: a signed access token).
Then the same birth registrations are submitted (`POST /api/dossiers`, unique `Idempotency-Key`) with one and the
other, alternately, twice each; then the in-process cost of telling who calls: the token's check (signature,
claims, the revocation lookup) against the session's load. It prints figures; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import statistics
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import requests
from http_load import BIRTH_FORM, report, run_python, server
from throwaway import ROOT, throwaway_database

PASSWORD = "motcua-demo"


@dataclass(frozen=True)
class Citizen:
    id_number: str
    name: str

SCOPES = "dossiers:read dossiers:submit"


def csrf_field(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page).group(1)


def log_in_at_provider(browser: requests.Session, page: requests.Response, id_number: str) -> requests.Response:
    return browser.post(page.url, timeout=30, data={
        "csrfmiddlewaretoken": csrf_field(page.text), "username": id_number, "password": PASSWORD,
        "next": parse_qs(urlparse(page.url).query)["next"][0]})


def portal_session(base: str, id_number: str) -> dict[str, str]:
    """The cookies of a portal login (the portal sends the browser to the provider and back)."""
    with requests.Session() as browser:
        log_in_at_provider(browser, browser.get(f"{base}/dang-nhap/", timeout=30), id_number)
        return {"sessionid": browser.cookies["sessionid"], "csrftoken": browser.cookies["csrftoken"]}


def app_access_token(base: str, id_number: str, client_id: str, redirect_uri: str) -> str:
    """An app's login: the person logs in at the provider and allows; the app exchanges the code (PKCE)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    with requests.Session() as browser:
        page = browser.get(f"{base}/eid/authorize/", timeout=30, params={
            "client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri, "scope": SCOPES,
            "state": "bench", "code_challenge": challenge, "code_challenge_method": "S256"})
        consent = log_in_at_provider(browser, page, id_number)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', consent.text))
        allowed = browser.post(consent.url, data={**fields, "allow": "on"}, allow_redirects=False, timeout=30)
        code = parse_qs(urlparse(allowed.headers["Location"]).query)["code"][0]
    return requests.post(f"{base}/eid/token/", timeout=30, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": client_id,
        "code_verifier": verifier}).json()["access_token"]


def submission(id_number: str, name: str) -> bytes:
    return json.dumps({"procedure_code": "1.001193", "channel": "online",
                       "applicant": {"id_number": id_number, "name": name}, "commune_code": "00070",
                       "form": BIRTH_FORM, "evidence": ["to_khai"]}).encode()


def e_id_accounts(count: int) -> list[Citizen]:
    """Level-2 accounts at the bundled provider (so that no one person's submissions queue behind each other):
    ID numbers of men born in the 1900s (century digit 0), birth years matching."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from motcua.eid.models import EidAccount

    citizens = []
    for i in range(count):
        year = 90 - i % 50
        citizen = Citizen(f"0010{year:02d}{900000 + i:06d}", f"Người nộp {i}")
        user = get_user_model().objects.create(username=citizen.id_number)
        user.set_password(PASSWORD)
        user.save()
        EidAccount.objects.create(user=user, id_number=citizen.id_number, full_name=citizen.name,
                                  birth_date=date(1900 + year, 1, 1), sex="M", level=2)
        citizens.append(citizen)
    return citizens


def per_call_microseconds(call, rounds: int = 2000) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        call()
    return (time.perf_counter() - started) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--citizens", type=int, default=12, help="each logs in at the portal and in the app")
    args = parser.parse_args()

    with throwaway_database("api_tokens"):
        from django.conf import settings
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import RequestFactory

        from motcua.demo.seeding import APP_CLIENT_ID, app_redirect_uris
        from motcua.eid.inprocess import BundledProvider
        from motcua.identity import access_tokens

        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MOTCUA_DEBUG": "0", "MOTCUA_CONN_MAX_AGE": "600",
               "MOTCUA_OUTBOX_INLINE": "0"}
        citizens = e_id_accounts(args.citizens)
        redirect_uri = app_redirect_uris().split()[0]
        print(f"API submissions: app access tokens vs portal sessions — {os.cpu_count()} CPUs, gunicorn "
              f"{args.workers} workers, {args.clients} clients, {len(citizens)} citizens, {args.seconds} s per run, "
              "Python load generator")
        with server(env, args.workers, 1) as base:
            sessions = [portal_session(base, c.id_number) for c in citizens]
            tokens = [app_access_token(base, c.id_number, APP_CLIENT_ID, redirect_uri) for c in citizens]

            def with_session(run: str):
                def request(cid: int, n: int):
                    i = (cid + n) % len(citizens)
                    cookies = sessions[i]
                    return "POST", "/api/dossiers", {
                        "Content-Type": "application/json", "X-CSRFToken": cookies["csrftoken"],
                        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
                        "Idempotency-Key": f"{run}-{cid}-{n}"}, submission(citizens[i].id_number, citizens[i].name)
                return request

            def with_token(run: str):
                def request(cid: int, n: int):
                    i = (cid + n) % len(citizens)
                    return "POST", "/api/dossiers", {
                        "Content-Type": "application/json", "Authorization": f"Bearer {tokens[i]}",
                        "Idempotency-Key": f"{run}-{cid}-{n}"}, submission(citizens[i].id_number, citizens[i].name)
                return request

            run_python(base, with_session("warm-s"), 2, args.clients)  # every worker loaded and connected
            run_python(base, with_token("warm-t"), 2, args.clients)
            rates: dict[str, list[float]] = {"session cookie": [], "access token": []}
            for round_ in (1, 2):
                for label, make in (("session cookie", with_session), ("access token", with_token)):
                    result = run_python(base, make(f"{label[0]}{round_}"), args.seconds, args.clients)
                    report(f"submit, {label} (round {round_})", result)
                    rates[label].append(result["rate"])
            session_rate, token_rate = (statistics.mean(rates[k]) for k in ("session cookie", "access token"))
            print(f"{'mean':<34} session {session_rate:.0f}/s, access token {token_rate:.0f}/s "
                  f"({(token_rate / session_rate - 1) * 100:+.1f} %)")

            # Who is calling, in-process: the same work a worker does per request before the handler runs.
            request = RequestFactory(HTTP_HOST=base.removeprefix("http://")).get("/api/dossiers")
            provider = BundledProvider(request)
            token_us = per_call_microseconds(
                lambda: access_tokens.verify(tokens[0], provider, settings.API_AUDIENCE))
            session_us = per_call_microseconds(lambda: SessionStore(sessions[0]["sessionid"]).load())
            print(f"{'who is calling (in-process)':<34} access token {token_us:.0f} µs (signature, claims, "
                  f"revocation lookup) · session {session_us:.0f} µs (session row read)")


if __name__ == "__main__":
    main()
