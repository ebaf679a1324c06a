"""Open dashboards never starve the site: the real WSGI and ASGI servers, more open live streams than workers,
and /api/health answering quickly all the while."""

import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress

import pytest
import requests

pytestmark = pytest.mark.own_servers

WORKERS = 2
STREAMS_PER_PROCESS = 8  # MOTCUA_LIVE_STREAMS of the ASGI server under test


def move_the_cursor(env: dict[str, str], to: int) -> None:
    subprocess.run([sys.executable, "-m", "motcua.cli", "shell", "-c",
                    "from motcua.core.models import OutboxCursor; "
                    f"OutboxCursor.objects.update_or_create(name='default', defaults={{'last_event_id': {to}}})"],
                   env=env, check=True, timeout=120)


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


def test_open_dashboards_do_not_hold_the_wsgi_workers(start_server):
    port = start_server([sys.executable, "-m", "gunicorn", "motcua.wsgi", "--workers", str(WORKERS),
                         "--bind", "127.0.0.1:{port}"])
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


def test_the_asgi_process_holds_the_streams_and_still_answers(start_server, server_env):
    port = start_server([sys.executable, "-m", "uvicorn", "motcua.asgi:application", "--port", "{port}",
                         "--log-level", "warning"], MOTCUA_LIVE_STREAMS=str(STREAMS_PER_PROCESS))
    dashboards = [Dashboard(port) for _ in range(STREAMS_PER_PROCESS)]
    try:
        for dashboard in dashboards:
            assert dashboard.heard(b"retry: 2000") and not dashboard.closed.is_set()  # held open
        one_too_many = Dashboard(port)
        assert one_too_many.closed.wait(5) and b"retry: 5000" in one_too_many.received  # told to poll
        assert_health_is_quick(port)

        version = int(time.time())  # not what any dashboard has heard: the database is shared by the session
        move_the_cursor(server_env, version)
        for dashboard in dashboards:  # every open dashboard hears of it
            assert dashboard.heard(f'id: {version}\nevent: changed\ndata: {{"version": {version}}}'.encode())
    finally:
        for dashboard in dashboards:
            dashboard.close()
