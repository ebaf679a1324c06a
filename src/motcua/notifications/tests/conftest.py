"""A real SMTP server (aiosmtpd) on a free local port, and settings that send to it."""

from __future__ import annotations

import email
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller


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


@pytest.fixture
def sending(settings, smtp_server, tmp_path):
    """E-mail to the test's SMTP server and SMS to a file; deliveries sent when the test says so."""
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
                              "SMTP_SECURITY": "none", "SMS_GATEWAY": "file", "SMS_FILE": str(tmp_path / "sms.log"),
                              "SEND_INLINE": False, "RETRY_SECONDS": 0.0}
    return smtp_server
