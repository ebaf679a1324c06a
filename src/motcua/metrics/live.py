"""The dashboard's live updates: server-sent events saying when the index roll-ups moved on.

A stream is held open only by the ASGI process (``motcua.asgi``), where an open stream costs a coroutine, not a
worker: one watcher per process reads the outbox cursor once a second while any stream is open and wakes them
all, so a thousand open dashboards cost one query a second. At most ``settings.LIVE_STREAMS`` are held per
process. Anything else — the WSGI server, or a full ASGI process — answers at once with the current version
and asks the browser to come back in ``POLL_SECONDS``: EventSource reconnects by itself, so the page polls
instead, and a burst of viewers can never take every worker of the site.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

from motcua.core import outbox

log = logging.getLogger(__name__)

HOLD_SECONDS = 60  # one stream at most this long, then the browser reconnects (and may land elsewhere)
KEEPALIVE_SECONDS = 15  # a comment line now and then, so that proxies keep an idle stream open
READ_SECONDS = 1.0
POLL_SECONDS = 5  # how soon a browser that was not given a stream asks again
STREAM_RETRY_MS = 2000  # how soon a browser reconnects after a held stream ends


def event(version: int) -> str:
    """The "changed" event; its id comes back as Last-Event-ID when the browser reconnects."""
    return f"id: {version}\nevent: changed\ndata: {json.dumps({'version': version})}\n\n"


def answer_now(version: int, since: int) -> str:
    """The whole answer when no stream is held: the change, if any, and when to ask again."""
    return f"retry: {POLL_SECONDS * 1000}\n\n" + (event(version) if version != since else "")


def _read_cursor() -> int:
    close_old_connections()  # the watcher's thread keeps one connection; drop it when it broke or aged
    return outbox.last_processed()


class CursorWatch:
    """Follows the outbox cursor while streams are open in this process."""

    def __init__(self) -> None:
        self.version: int | None = None
        self.streams = 0
        self._moved = asyncio.Event()
        self._task: asyncio.Task | None = None
        # One thread, so the process keeps one database connection for the watcher, whatever the number of
        # streams.
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-cursor-watch")

    async def _follow(self) -> None:
        loop = asyncio.get_running_loop()
        while self.streams:
            try:
                version = await loop.run_in_executor(self._reader, _read_cursor)
            except Exception:  # the database may be away for a moment: streams wait, the watcher retries
                log.warning("cannot read the outbox cursor", exc_info=True)
            else:
                if version != self.version:
                    self.version = version
                    moved, self._moved = self._moved, asyncio.Event()
                    moved.set()
            await asyncio.sleep(READ_SECONDS)
        self._task = None
        self.version = None  # what a later watcher reads is news; what this one read may be stale by then

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._follow())

    async def _next_move(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._moved.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def stream(self, since: int) -> AsyncIterator[str]:
        if self.streams >= settings.LIVE_STREAMS:
            yield answer_now(since if self.version is None else self.version, since)
            return
        self.streams += 1
        try:
            self._start()
            yield f"retry: {STREAM_RETRY_MS}\n\n"
            if self.version is None:
                await self._next_move(READ_SECONDS * 5)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + HOLD_SECONDS
            while True:
                if self.version is not None and self.version != since:
                    since = self.version
                    yield event(since)
                left = deadline - loop.time()
                if left <= 0:
                    return
                if not await self._next_move(min(left, KEEPALIVE_SECONDS)):
                    yield ": keep-alive\n\n"
        finally:
            self.streams -= 1


WATCH = CursorWatch()
