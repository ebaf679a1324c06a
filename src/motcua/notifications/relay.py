"""The optional relay of every outbox event to NATS JetStream, for other government systems to subscribe to.

Off unless MOTCUA_NATS_URL is set: the embedded outbox needs no broker. When on, it is one more outbox consumer:
each event is published to ``<prefix>.<topic>`` on the stream (created if missing) with the header
``Nats-Msg-Id: <source>.<event id>``, and the publish waits for the stream's acknowledgement. A batch the outbox
hands over again (after a crash, or a failed publish) is published again with the same ids, and JetStream drops
the repeats within the stream's duplicate window. If the server cannot be reached the batch is not marked handled
and the outbox tries again: the backlog grows (``outbox_backlog_seconds``) until it answers."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine
from typing import Any

from django.conf import settings

from motcua.core import outbox
from motcua.core.models import OutboxEvent


def _config() -> dict:
    return settings.NATS


def subject(topic: str) -> str:
    return f"{_config()['SUBJECT_PREFIX']}.{topic}"


def message_id(event: OutboxEvent) -> str:
    return f"{_config()['SOURCE']}.{event.id}"


def encode(event: OutboxEvent) -> bytes:
    return json.dumps({"id": event.id, "topic": event.topic, "key": event.key, "payload": event.payload,
                       "created_at": event.created_at.isoformat() if event.created_at else None},
                      ensure_ascii=False, sort_keys=True).encode()


class Relay:
    """One connection per process, on an event loop of its own (the outbox calls consumers synchronously)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._stream_ready: set[str] = set()
        self._connecting: asyncio.Lock | None = None  # created on the relay's loop; one connection however many threads

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="nats-relay", daemon=True).start()
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=_config()["TIMEOUT_SECONDS"] * 4)

    async def _jetstream(self) -> Any:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            return await self._connected()

    async def _connected(self) -> Any:
        import nats

        if self._client is None or self._client.is_closed:
            options: dict[str, Any] = {"servers": [_config()["URL"]], "connect_timeout": _config()["TIMEOUT_SECONDS"],
                                       "allow_reconnect": True, "max_reconnect_attempts": 2, "name": "motcua-relay"}
            if _config()["CREDENTIALS"]:
                options["user_credentials"] = _config()["CREDENTIALS"]
            self._client = await nats.connect(**options)
            self._stream_ready.clear()
        js = self._client.jetstream(timeout=_config()["TIMEOUT_SECONDS"])
        stream = _config()["STREAM"]
        if stream not in self._stream_ready:
            from nats.js.errors import NotFoundError

            try:
                await js.stream_info(stream)
            except NotFoundError:
                await js.add_stream(name=stream, subjects=[f"{_config()['SUBJECT_PREFIX']}.>"])
            self._stream_ready.add(stream)
        return js

    async def _publish(self, events: list[OutboxEvent]) -> list[Any]:
        js = await self._jetstream()
        acks = []
        for event in events:
            acks.append(await js.publish(subject(event.topic), encode(event), stream=_config()["STREAM"],
                                         headers={"Nats-Msg-Id": message_id(event)},
                                         timeout=_config()["TIMEOUT_SECONDS"]))
        return acks

    def publish(self, events: list[OutboxEvent]) -> list[Any]:
        """Publish in order and wait for every acknowledgement; raises if the server does not take them all."""
        return self._run(self._publish(events))

    async def _close(self) -> None:
        if self._client is not None and not self._client.is_closed:
            await self._client.close()
        self._client = None

    def close(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._run(self._close())


RELAY = Relay()


@outbox.consumer("nats")
def relay_events(events: list[OutboxEvent]) -> None:
    if _config()["URL"] and events:
        RELAY.publish(events)
