"""A send worker killed in the middle of an SMTP conversation loses nothing and sends nothing twice: what it had
marked sent stays sent, what it held under its lease is taken back when the lease runs out, and another worker
sends the rest. Real processes, a real SMTP server, the database in a file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

MESSAGES = 60

CREATE = f"""
import django
django.setup()
from motcua.notifications.models import Delivery, Message
for n in range({MESSAGES}):
    m = Message.objects.create(event_id=n + 1, topic="dossier.changed", kind="received",
                               recipient=f"citizen:00109001{{n:04d}}", subject_vi=f"Thư {{n}}", subject_en=f"Mail {{n}}",
                               body_vi="Nội dung", body_en="Body")
    Delivery.objects.create(message=m, channel="email", address=f"nguoi{{n}}@example.vn")
"""


QUERY = "SELECT status, COUNT(*) FROM notifications_delivery GROUP BY status"


@pytest.fixture
def database(server_env):
    """A database of the workers' own, of the kind the tests run on: a SQLite file, or a PostgreSQL database
    beside the test database (where claims use SKIP LOCKED)."""
    url = os.environ.get("MOTCUA_DATABASE_URL", "")
    if not url.startswith("postgres"):
        path = Path(server_env["MOTCUA_VAR_DIR"]) / f"crash-{os.getpid()}-{time.monotonic_ns()}.sqlite3"

        def count() -> dict[str, int]:
            with sqlite3.connect(path) as db:
                return dict(db.execute(QUERY).fetchall())

        yield f"sqlite:///{path}", count
        return
    import psycopg

    server, name = url.rsplit("/", 1)[0], f"motcua_crash_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def count() -> dict[str, int]:
        with psycopg.connect(f"{server}/{name}") as db:
            return dict(db.execute(QUERY).fetchall())

    try:
        yield f"{server}/{name}", count
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_mid_delivery_loses_and_duplicates_nothing(server_env, database, smtp_server, tmp_path):
    url, statuses = database
    env = {**server_env, "DJANGO_SETTINGS_MODULE": "motcua.settings", "MOTCUA_DATABASE_URL": url,
           "MOTCUA_SMTP_HOST": "127.0.0.1", "MOTCUA_SMTP_PORT": str(smtp_server.port), "MOTCUA_NOTIFY_BATCH": "25",
           "MOTCUA_NOTIFY_LEASE_SECONDS": "4", "MOTCUA_NOTIFY_RETRY_SECONDS": "0", "MOTCUA_SMS_GATEWAY": ""}
    subprocess.run([sys.executable, "-m", "motcua.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", CREATE], env=env, check=True, timeout=120)
    smtp_server.rcpt_delay = 0.05  # each message takes a while: the kill lands mid-conversation

    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "motcua.cli", "notifications", "send", "--poll", "0.2"]
    with log.open("w") as out:
        first = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        smtp_server.wait_for(12)
        smtp_server.in_rcpt.clear()
        assert smtp_server.in_rcpt.wait(10), log.read_text()  # the worker is waiting for the server's answer
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    smtp_server.rcpt_delay = 0
    arrived = len(smtp_server.messages)
    stranded = statuses().get("sending", 0)
    assert arrived < MESSAGES and stranded > 0  # it died holding deliveries under its lease

    with log.open("a") as out:
        second = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while statuses() != {"sent": MESSAGES}:
            assert time.monotonic() < deadline, (statuses(), log.read_text())
            time.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)  # a graceful stop
        assert second.wait(20) == 0, log.read_text()

    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == MESSAGES and len(set(ids)) == MESSAGES  # every one, once
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(f"nguoi{n}@example.vn" for n in range(MESSAGES))
