"""What identity keeps for a time (motcua.core.retention): ended sessions, the rows of "my sessions" that
outlived them, and login attempts and failures (the lockout looks back a day at most)."""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session

from motcua.core.retention import retained
from motcua.identity.models import SessionRecord


@retained("sessions", "sessions that have expired")
def _purge_sessions(before: datetime) -> int:
    return Session.objects.filter(expire_date__lt=before).delete()[0]


@retained("session_records", "'my sessions' rows of sessions no longer seen")
def _purge_session_records(before: datetime) -> int:
    return SessionRecord.objects.filter(last_seen_at__lt=before).delete()[0]


@retained("login_attempts", "login attempts, failures and logins recorded for the lockout")
def _purge_login_attempts(before: datetime) -> int:
    return sum(model.objects.filter(attempt_time__lt=before).delete()[0]
               for model in (AccessAttempt, AccessFailureLog, AccessLog))
