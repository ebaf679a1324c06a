"""Data at rest: files of personal data readable by the service's account only, and working data deleted
once its period has passed (`motcua retention`), records of the State never."""

import io
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessFailureLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from motcua.core.models import OutboxEvent
from motcua.identity.models import SessionRecord
from motcua.settings import RETENTION_DEFAULT_DAYS, _named_numbers


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_sqlite_database_is_private(server_env):
    database = Path(server_env["MOTCUA_DATABASE_URL"].removeprefix("sqlite:///"))
    assert mode(database) == 0o600


def test_stored_files_are_private(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("evidence/2026/scan.pdf", ContentFile(b"%PDF-1.7"))
    assert mode(storage.path(name)) == 0o600 and mode(tmp_path / "evidence") == 0o700


@pytest.mark.django_db
def test_retention_deletes_only_what_is_past_its_period(seeded):
    now, long_ago = timezone.now(), timezone.now() - timedelta(days=400)
    Session.objects.create(session_key="ended", session_data="", expire_date=now - timedelta(hours=1))
    Session.objects.create(session_key="open", session_data="", expire_date=now + timedelta(hours=1))
    for key, seen in (("stale", now - timedelta(days=2)), ("live", now)):
        SessionRecord.objects.create(session_key=key, kind="citizen", subject="001090012345", started_at=seen,
                                     last_seen_at=seen)
    old_failure = AccessFailureLog.objects.create(username="x", ip_address="192.0.2.1", user_agent="", http_accept="",
                                                  path_info="/", locked_out=False)
    AccessFailureLog.objects.filter(pk=old_failure.pk).update(attempt_time=long_ago)
    AccessFailureLog.objects.create(username="y", ip_address="192.0.2.1", user_agent="", http_accept="", path_info="/",
                                    locked_out=False)
    handled = OutboxEvent.objects.create(topic="t", key="old", processed_at=long_ago)
    pending = OutboxEvent.objects.create(topic="t", key="pending")
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert set(Session.objects.values_list("session_key", flat=True)) == {"open"}
    assert set(SessionRecord.objects.values_list("session_key", flat=True)) == {"live"}
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {"y"}
    assert not OutboxEvent.objects.filter(pk=handled.pk).exists() and OutboxEvent.objects.filter(pk=pending.pk).exists()
    assert "login_attempts   kept   90 days: 1 deleted" in out.getvalue()
    listing = io.StringIO()
    call_command("retention", "--list", stdout=listing)
    assert {line.split()[0] for line in listing.getvalue().splitlines()} == {
        "sessions", "session_records", "login_attempts", "oauth_tokens", "outbox", "notifications"}


def test_retention_periods_are_set_by_name(monkeypatch):
    def periods(text: str) -> dict[str, int]:
        monkeypatch.setenv("MOTCUA_RETENTION_DAYS", text)
        return _named_numbers("MOTCUA_RETENTION_DAYS", RETENTION_DEFAULT_DAYS, "days")

    assert periods("login_attempts=180, outbox=7")["login_attempts"] == 180
    with pytest.raises(ValueError, match="login_attempts"):
        periods("login_attempt=180")
    with pytest.raises(ValueError):
        periods("outbox=-1")
