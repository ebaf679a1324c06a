"""Shared fixtures: a test database holding every agency, the bundled catalog and demo officials; real server
processes; a real SMTP server."""

import email
import os
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from hypothesis import settings as hypothesis_settings

from motcua.catalog.models import Agency
from motcua.demo.exchange import wait_until_serving

# No example is timed: on a loaded machine (CI runs two suites side by side) a slow example is not a failure.
hypothesis_settings.register_profile("motcua", deadline=None)
hypothesis_settings.load_profile("motcua")


def pytest_configure(config) -> None:
    """The tests pay through the bundled sandbox gateway, as the demo does (it is served nowhere else)."""
    from django.conf import settings

    settings.SANDBOX_GATEWAY = True
    settings.SANDBOX_NATIONAL_PORTAL = True  # the national portal's stand-in, as in the demo
    settings.DEVELOPMENT_CA = True  # results are signed with the development CA, as in the demo
    settings.BUNDLED_EID = True  # citizens log in at the bundled e-ID provider, as in the demo
    # Hundreds of logins and every re-seed's accounts: passwords are hashed with a fast algorithm, as hashing is
    # not under test (the production setting is checked in identity/tests/test_passwords.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``own_servers`` run servers on SQLite files of their own and never touch the test database:
    the PostgreSQL run skips them, as the SQLite run of the same suite covers them whole."""
    if not os.environ.get("MOTCUA_DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="servers on SQLite files of their own: covered by the SQLite run")
    for item in items:
        if item.get_closest_marker("own_servers"):
            item.add_marker(skip)


def _seed() -> None:
    from motcua.demo.seeding import seed_all

    seed_all(with_dossiers=False, demo_people=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture(scope="session", autouse=True)
def _timestamp_authority():
    """Every signature a test makes is timestamped by the bundled time-stamping authority through the real
    protocol: this site served on a thread for the whole session (the authority's view reads no database)."""
    from motcua.demo.local_site import bundled_timestamps

    with bundled_timestamps():
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with nothing counted against its address (rate limits live in the cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def seeded(db):
    """Agencies, catalog and officials; re-created if a transactional test flushed them."""
    if not Agency.objects.exists():
        _seed()



@pytest.fixture
def citizen(client, seeded):
    """The test client, logged in to the portal as the first demo citizen (e-ID level 2)."""
    from motcua.demo.testing import log_in_citizen

    return log_in_citizen(client)


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict[str, str]:
    """The environment of the server processes tests start: the demo configuration (a test that needs
    production's overrides it) on a migrated SQLite database in a file of its own (the test database lives in
    this process only)."""
    folder = tmp_path_factory.mktemp("servers")
    env = {**os.environ, "MOTCUA_VAR_DIR": str(folder), "MOTCUA_DATABASE_URL": f"sqlite:///{folder}/motcua.sqlite3",
           "MOTCUA_DEMO": "1"}
    subprocess.run([sys.executable, "-m", "motcua.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


@pytest.fixture
def start_server(server_env):
    """Start a server process (``{port}`` in its command stands for a free port) with ``server_env`` and the
    given variables; returns the port once /api/health answers. Stopped after the test."""
    processes = []

    def start(command: list[str], **env: str) -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = Path(server_env["MOTCUA_VAR_DIR"]) / f"server-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen([arg.format(port=port) for arg in command], env={**server_env, **env},
                                       stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        wait_until_serving(f"http://127.0.0.1:{port}", process, 60, log)
        return port

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


# --- a real SMTP server (aiosmtpd) on a free local port: what notifications send by e-mail arrives there ---

class Mailbox:
    """What the SMTP server received; optionally slow (each RCPT waits) or refusing (with a code)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.rcpt_delay = 0.0
        self.refuse: tuple[int, str] | None = None  # e.g. (450, "mailbox busy") or (550, "no such user")
        self.in_rcpt = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 — aiosmtpd's hook
        self.in_rcpt.set()
        if self.rcpt_delay:
            time.sleep(self.rcpt_delay)  # blocks the server's loop: the client waits mid-conversation
        if self.refuse:
            return f"{self.refuse[0]} {self.refuse[1]}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        with self.lock:
            return [str(m["Subject"]).strip() for m in self.messages]

    def wait_for(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived"
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()
