"""This site served over HTTP from a thread of the current process, for what must reach it over HTTP while no
server of it runs: the bundled time-stamping authority while the demo seeds (before its server starts), in the
tests and in the benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.urls import reverse


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def site_on_a_thread() -> Iterator[str]:
    """Yields the address of this site, served until the block ends."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, name="motcua-on-a-thread", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def bundled_timestamps() -> Iterator[None]:
    """Signatures made in the block are timestamped by the bundled authority through this site served on a
    thread (nothing to do when another authority, or an address of the bundled one, is configured)."""
    if settings.SIGNING["TSA"] != "bundled" or settings.SIGNING["TSA_URL"]:
        yield
        return
    saved = settings.SIGNING
    with site_on_a_thread() as url:
        settings.SIGNING = {**saved, "TSA_URL": url + reverse("documents:timestamp")}
        try:
            yield
        finally:
            settings.SIGNING = saved
