"""The optional relay of outbox events to NATS JetStream, against the NATS server on this machine: every event on
``<prefix>.<topic>`` with its message id, and a replayed batch dropped by the stream as a duplicate."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission
from motcua.dossiers import services as dossiers
from motcua.identity.actors import Role, citizen_actor
from motcua.notifications import relay

NATS_URL = "nats://127.0.0.1:4222"


def nats_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=1) as s:
            return s.recv(4).startswith(b"INFO")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not nats_answers(), reason="no NATS server answers on 127.0.0.1:4222 "
                                                            "(run nats-server -js to test the relay)")


async def read_stream(stream: str, prefix: str, expected: int) -> tuple[list, int]:
    import nats

    client = await nats.connect(NATS_URL)
    try:
        js = client.jetstream()
        sub = await js.pull_subscribe(f"{prefix}.>", durable=None, stream=stream)
        messages = await sub.fetch(expected, timeout=5)
        for m in messages:
            await m.ack()
        info = await js.stream_info(stream)
        return messages, info.state.messages
    finally:
        await client.close()


async def drop_stream(stream: str) -> None:
    import nats

    client = await nats.connect(NATS_URL)
    try:
        await client.jetstream().delete_stream(stream)
    finally:
        await client.close()


@pytest.fixture
def relaying(settings):
    run = uuid.uuid4().hex[:10]
    settings.NATS = {**settings.NATS, "URL": NATS_URL, "STREAM": f"MOTCUA_TEST_{run}",
                     "SUBJECT_PREFIX": f"motcuatest{run}", "SOURCE": f"test{run}"}
    yield settings.NATS
    relay.RELAY.close()
    asyncio.run(drop_stream(settings.NATS["STREAM"]))


def test_every_event_is_relayed_once_with_its_message_id(relaying, seeded):
    an = DEMO_CITIZENS[0]
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    dossier = dossiers.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))[0]
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    events = list(OutboxEvent.objects.filter(processed_at__isnull=True).order_by("id"))
    assert len(events) >= 2
    while outbox.drain():
        pass

    messages, stored = asyncio.run(read_stream(relaying["STREAM"], relaying["SUBJECT_PREFIX"], len(events)))
    assert stored == len(events)
    assert [m.headers["Nats-Msg-Id"] for m in messages] == [f"{relaying['SOURCE']}.{e.id}" for e in events]
    first = json.loads(messages[0].data)
    assert messages[0].subject == f"{relaying['SUBJECT_PREFIX']}.dossier.changed"
    assert (first["topic"], first["key"], first["payload"]["action"]) == ("dossier.changed", dossier.code, "submit")

    acks = relay.RELAY.publish(events)  # the outbox hands the same batch over again (after a crash)
    assert all(ack.duplicate for ack in acks)
    assert asyncio.run(read_stream(relaying["STREAM"], relaying["SUBJECT_PREFIX"], 1))[1] == len(events)


def test_without_a_url_nothing_is_relayed(settings):
    settings.NATS = {**settings.NATS, "URL": ""}
    relay.relay_events([OutboxEvent(id=1, topic="x", key="y", payload={})])  # no server asked: no error
