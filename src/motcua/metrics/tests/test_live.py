"""Open dashboards never starve the site: the real WSGI and ASGI servers, more open live streams than workers,
and /api/health answering quickly all the while."""

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import requests

WORKERS = 2
STREAMS_PER_PROCESS = 8  # MOTCUA_LIVE_STREAMS of the ASGI server under test


@pytest.fixture(scope="module")
def site_env(tmp_path_factory) -> dict[str, str]:
    """The servers' environment: a migrated database of their own (a file, since they are other processes)."""
    folder = tmp_path_factory.mktemp("live")
    env = {**os.environ, "MOTCUA_VAR_DIR": str(folder), "MOTCUA_DATABASE_URL": f"sqlite:///{folder}/motcua.sqlite3",
           "MOTCUA_LIVE_STREAMS": str(STREAMS_PER_PROCESS)}
    motcua(env, "migrate", "-v0")
    return env


def motcua(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "motcua.cli", *args], env=env, check=True, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(command: list[str], env: dict[str, str]):
    """Start a server process on a free port; yield the port once /api/health answers; stop it."""
    port = free_port()
    log = Path(env["MOTCUA_VAR_DIR"]) / f"server-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen([arg.format(port=port) for arg in command], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).ok:
                    break
            except requests.RequestException:  # not listening yet, or still loading
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


class Dashboard:
    """An open dashboard's EventSource: sends its request, then reads whatever the server sends until it
    closes the stream."""

    def __init__(self, port: int):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.socket.sendall(b"GET /chi-so/su-kien/?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            b"Accept: text/event-stream\r\nConnection: close\r\n\r\n")
        self.received = b""
        self.closed = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while chunk := self.socket.recv(4096):
                self.received += chunk
        except OSError:
            pass
        self.socket.close()  # as a browser does when the server ends the answer
        self.closed.set()

    def heard(self, marker: bytes, seconds: float = 15) -> bool:
        deadline = time.monotonic() + seconds
        while marker not in self.received and not self.closed.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        return marker in self.received

    def close(self) -> None:
        with suppress(OSError):  # already closed by the server
            self.socket.shutdown(socket.SHUT_RDWR)


def assert_health_is_quick(port: int) -> None:
    for _ in range(3):
        started = time.monotonic()
        assert requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).ok
        assert time.monotonic() - started < 2


def test_open_dashboards_do_not_hold_the_wsgi_workers(site_env):
    command = [sys.executable, "-m", "gunicorn", "motcua.wsgi", "--workers", str(WORKERS),
               "--bind", "127.0.0.1:{port}"]
    with server(command, site_env) as port:
        dashboards = [Dashboard(port) for _ in range(3 * WORKERS)]
        try:
            assert_health_is_quick(port)
            for dashboard in dashboards:
                # Answered at once and closed: the browser comes back in a few seconds, it polls.
                assert dashboard.closed.wait(5) and b"retry: 5000" in dashboard.received
                assert dashboard.received.startswith(b"HTTP/1.1 200") and b"text/event-stream" in dashboard.received
        finally:
            for dashboard in dashboards:
                dashboard.close()


def test_the_asgi_process_holds_the_streams_and_still_answers(site_env):
    command = [sys.executable, "-m", "uvicorn", "motcua.asgi:application", "--port", "{port}",
               "--log-level", "warning"]
    with server(command, site_env) as port:
        dashboards = [Dashboard(port) for _ in range(STREAMS_PER_PROCESS)]
        try:
            for dashboard in dashboards:
                assert dashboard.heard(b"retry: 2000") and not dashboard.closed.is_set()  # held open
            one_too_many = Dashboard(port)
            assert one_too_many.closed.wait(5) and b"retry: 5000" in one_too_many.received  # told to poll
            assert_health_is_quick(port)

            motcua(site_env, "shell", "-c", "from motcua.core.models import OutboxCursor; "
                   "OutboxCursor.objects.create(name='default', last_event_id=7)")
            for dashboard in dashboards:  # every open dashboard hears of it
                assert dashboard.heard(b'id: 7\nevent: changed\ndata: {"version": 7}')
        finally:
            for dashboard in dashboards:
                dashboard.close()
