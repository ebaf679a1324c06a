"""How long a login lasts, and seeing and ending one's sessions. Officials re-authenticate after 12 hours or
30 minutes without a request, citizens after 4 hours or 30 minutes (ASVS 3.3.2); each login is recorded so its
owner sees their sessions (where, since when, last seen) and can end the others."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from motcua.core.web import client_address
from motcua.identity.models import SessionRecord

KIND_KEY, STARTED_KEY, SEEN_KEY = "login_kind", "login_started", "login_seen"
SEEN_PRECISION = 60  # seconds: the last request is written down at most once a minute


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def opened(request: HttpRequest, kind: str, subject: str) -> None:
    """Right after a login (the session key already cycled): the clocks start and the session is recorded."""
    now = time.time()
    request.session.update({KIND_KEY: kind, STARTED_KEY: now, SEEN_KEY: now})
    request.session.save()  # the key must exist to be recorded
    at = timezone.now()
    SessionRecord.objects.update_or_create(session_key=request.session.session_key, defaults={
        "kind": kind, "subject": subject, "started_at": at, "last_seen_at": at,
        "address": client_address(request) or None,
        "user_agent": request.headers.get("User-Agent", "")[:300]})


def forget(request: HttpRequest) -> None:
    """This session is no longer listed (it is being ended)."""
    if request.session.session_key:
        SessionRecord.objects.filter(session_key=request.session.session_key).delete()


def end(request: HttpRequest) -> None:
    """This session ends: its record, its data (the person's login, a pending pre-fill), its cookie's worth."""
    forget(request)
    logout(request)  # flushes the session, officials' and citizens' alike


def mine(request: HttpRequest) -> list[SessionRecord]:
    """The sessions of whoever holds this one, newest first, those that ended on their own left out."""
    kind, key = request.session.get(KIND_KEY), request.session.session_key
    if not kind or not key:
        return []
    subject = SessionRecord.objects.filter(session_key=key).values_list("subject", flat=True).first()
    records = list(SessionRecord.objects.filter(kind=kind, subject=subject).order_by("-last_seen_at"))
    store = _store()
    alive = [r for r in records if r.session_key == key or store().exists(r.session_key)]
    SessionRecord.objects.filter(pk__in={r.pk for r in records} - {r.pk for r in alive}).delete()
    return alive


def end_others(request: HttpRequest) -> int:
    """Every other session of this person ends (a lost phone, a shared computer); how many."""
    others = [r for r in mine(request) if r.session_key != request.session.session_key]
    store = _store()
    for record in others:
        store(session_key=record.session_key).delete()
    SessionRecord.objects.filter(pk__in=[r.pk for r in others]).delete()
    return len(others)


class SessionLimits:
    """Ends a login past its absolute or idle limit (the request goes on as anonymous: the page asks to log in
    again); and marks every answer to a logged-in person, or to a bearer token, as not to be stored by any
    cache (ASVS 8.2.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        kind = request.session.get(KIND_KEY)
        if kind:
            self._enforce(request, kind)
        response = self.get_response(request)
        if kind or request.session.get(KIND_KEY) or "Authorization" in request.headers:
            response["Cache-Control"] = "no-store, private"
        else:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response

    @staticmethod
    def _enforce(request: HttpRequest, kind: str) -> None:
        absolute, idle = settings.SESSION_LIMITS[kind]
        now = time.time()
        started, seen = request.session.get(STARTED_KEY, 0), request.session.get(SEEN_KEY, 0)
        if now - started > absolute or now - seen > idle:
            end(request)
        elif now - seen >= SEEN_PRECISION:
            request.session[SEEN_KEY] = now
            SessionRecord.objects.filter(session_key=request.session.session_key).update(
                last_seen_at=datetime.fromtimestamp(now, UTC))
