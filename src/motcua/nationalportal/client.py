"""The national portal's API as a client sees it: a token, then the integration endpoint. No database."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import requests
from django.conf import settings

from motcua.core import leases
from motcua.nationalportal import mapping


class TransientFailure(leases.TransientFailure):
    """The portal could not be reached or could not answer now: try again later."""


class PermanentFailure(leases.PermanentFailure):
    """The portal refused the payload (its error code and message): sending it again changes nothing."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def config() -> dict:
    return settings.NATIONAL_PORTAL


def enabled() -> bool:
    return bool(config()["URL"])


def token_url() -> str:
    return config()["TOKEN_URL"] or config()["URL"].rsplit("/", 1)[0] + "/token"


_tokens: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


class Client:
    """One HTTP session (kept alive) for a batch of pushes."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.timeout = config()["TIMEOUT_SECONDS"]

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def _token(self, fresh: bool = False) -> str:
        key = f"{token_url()}|{config()['USERNAME']}"
        with _lock:
            known = _tokens.get(key)
            if known and not fresh and known[1] > time.monotonic():
                return known[0]
        try:
            answer = self.session.post(token_url(), json={"username": config()["USERNAME"],
                                                          "password": config()["PASSWORD"]}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TransientFailure(f"token endpoint unreachable: {exc}") from exc
        if answer.status_code >= 500 or answer.status_code == 429:
            raise TransientFailure(f"token endpoint answered {answer.status_code}")
        body = _json(answer)
        token = body.get("access_token")
        if not answer.ok or not isinstance(token, str):
            # wrong credentials: an operator's fix, then the pushes go through (kept as transient, visible)
            raise TransientFailure(f"no token: {answer.status_code} {str(body.get('message', ''))[:200]}")
        with _lock:
            _tokens[key] = (token, time.monotonic() + max(30, int(body.get("expires_in", 3600)) - 60))
        return token

    def call(self, service: str, items: Sequence[Mapping[str, Any]], updating: bool) -> dict:
        """Post one request; the portal's answer when it accepted it."""
        body = mapping.request(service, items, updating)
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._token(fresh=attempt == 2)}"}
            try:
                answer = self.session.post(config()["URL"], json=body, headers=headers, timeout=self.timeout)
            except requests.RequestException as exc:
                raise TransientFailure(f"{service}: portal unreachable: {exc}") from exc
            if answer.status_code == 401 and attempt == 1:
                continue  # the token expired early: one fresh token
            if answer.status_code >= 500 or answer.status_code in (401, 408, 429):
                raise TransientFailure(f"{service}: portal answered {answer.status_code}")
            reply = _json(answer)
            code = str(reply.get("error_code", "" if answer.ok else answer.status_code))
            if code == "0":
                return reply
            message = str(reply.get("message", "")) + "".join(f"; {e}" for e in reply.get("errors", [])[:20])
            raise PermanentFailure(code or str(answer.status_code), f"{service}: {message[:1800]}")
        raise TransientFailure(f"{service}: token refused")  # pragma: no cover — the loop returns or raises


def _json(answer: requests.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
