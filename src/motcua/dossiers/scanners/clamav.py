"""ClamAV's daemon, clamd, asked over its socket (TCP or Unix) with the INSTREAM command: the file is streamed
in chunks and clamd answers ``stream: OK`` or ``stream: <name> FOUND``. clamd keeps its own signatures current
(freshclam); motcua keeps no copy of the file anywhere else while it is scanned."""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings

from motcua.dossiers.scanners import SCANNERS, ScannerUnavailable, UploadScanner

CHUNK = 64 * 1024


def _address() -> tuple[int, str | tuple[str, int]]:
    """``tcp://host:port`` or ``unix:///path/to/clamd.ctl`` as a socket family and address."""
    parts = urlsplit(settings.UPLOAD_SCANNING["CLAMD_ADDRESS"])
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.AF_INET, (parts.hostname, parts.port)
    if parts.scheme == "unix" and parts.path:
        return socket.AF_UNIX, parts.path
    raise ValueError(f"MOTCUA_CLAMD_ADDRESS: '{settings.UPLOAD_SCANNING['CLAMD_ADDRESS']}' is not "
                     "tcp://host:port or unix:///path")


@SCANNERS.register("clamav")
class ClamAV(UploadScanner):
    label = "ClamAV (clamd)"

    @classmethod
    def check(cls) -> list[str]:
        try:
            _address()
        except ValueError as exc:
            return [str(exc)]
        return []

    def scan(self, data: bytes) -> str | None:
        family, address = _address()
        try:
            with socket.socket(family, socket.SOCK_STREAM) as connection:
                connection.settimeout(settings.UPLOAD_SCANNING["TIMEOUT_SECONDS"])
                connection.connect(address)
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start:start + CHUNK]
                    connection.sendall(struct.pack("!I", len(chunk)) + chunk)
                connection.sendall(struct.pack("!I", 0))
                reply = _reply(connection)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {settings.UPLOAD_SCANNING['CLAMD_ADDRESS']}: {exc}") from exc
        if reply == "stream: OK":
            return None
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            return reply.removeprefix("stream: ").removesuffix(" FOUND")
        raise ScannerUnavailable(f"clamd answered {reply!r}")


def _reply(connection: socket.socket) -> str:
    """clamd's answer, up to the NUL that ends it (the z- form of the command)."""
    received = b""
    while not received.endswith(b"\0"):
        part = connection.recv(4096)
        if not part:
            break
        received += part
    return received.rstrip(b"\0").decode("utf-8", "replace").strip()
