from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from motcua.audit.services import seal
from motcua.core import outbox
from motcua.core.models import OutboxEvent


@pytest.mark.django_db
def test_health(client, seeded):
    assert client.get("/api/health").json()["ok"] is True


@pytest.mark.django_db
def test_health_shows_the_outbox_backlog_and_the_last_seal(client, seeded, settings):
    while outbox.drain():
        pass
    answer = client.get("/api/health").json()
    assert (answer["outbox_backlog_seconds"], answer["last_seal_at"]) == (0, None)
    settings.OUTBOX_INLINE = False  # no worker running: the event waits
    outbox.publish("test.waiting", "x")
    OutboxEvent.objects.filter(topic="test.waiting").update(created_at=timezone.now() - timedelta(minutes=10))
    sealed = seal()
    answer = client.get("/api/health").json()
    assert 600 <= answer["outbox_backlog_seconds"] < 700
    assert answer["last_seal_at"] is not None and abs(
        (datetime.fromisoformat(answer["last_seal_at"]) - sealed.sealed_at).total_seconds()) < 1
