"""Write events in the caller's transaction; drain them to the registered consumers in batches.

Draining takes a batch with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL), so several workers can share
the work; each consumer must be idempotent (a batch may be seen again after a crash). In the demo and tests
(``settings.OUTBOX_INLINE``) a batch is drained right after each commit, so figures are live without a
worker; a deployment runs ``motcua outbox run`` instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.models import OutboxCursor, OutboxEvent
from motcua.core.retention import retained

log = logging.getLogger(__name__)
Consumer = Callable[[list[OutboxEvent]], None]
CONSUMERS: dict[str, Consumer] = {}


def consumer(name: str) -> Callable[[Consumer], Consumer]:
    def register(fn: Consumer) -> Consumer:
        CONSUMERS[name] = fn
        return fn

    return register


def publish(topic: str, key: str, payload: dict | None = None) -> None:
    OutboxEvent.objects.create(topic=topic, key=key[:100], payload=payload or {})
    if settings.OUTBOX_INLINE:
        transaction.on_commit(drain, robust=True)


def publish_many(topic: str, items: list[tuple[str, dict]]) -> None:
    """Many events of one topic in one insert (a daily job's offers): the same as publishing each in turn."""
    if not items:
        return
    OutboxEvent.objects.bulk_create([OutboxEvent(topic=topic, key=key[:100], payload=payload) for key, payload in items])
    if settings.OUTBOX_INLINE:
        transaction.on_commit(drain, robust=True)


def drain(limit: int = 1000) -> int:
    """Hand one batch of pending events to every consumer; returns how many events were processed."""
    with transaction.atomic():
        pending = OutboxEvent.objects.filter(processed_at__isnull=True).order_by("id")
        if connection.vendor == "postgresql":
            pending = pending.select_for_update(skip_locked=True)
        events = list(pending[:limit])
        if not events:
            return 0
        for fn in CONSUMERS.values():
            fn(events)
        OutboxEvent.objects.filter(id__in=[e.id for e in events]).update(processed_at=timezone.now())
        cursor, _ = OutboxCursor.objects.select_for_update().get_or_create(name="default")
        cursor.last_event_id = max(cursor.last_event_id, events[-1].id)
        cursor.save()
    return len(events)


def backlog_seconds() -> float:
    """How long the oldest event not yet handed to the consumers has waited (0 when none waits): the figure to
    watch for stalled or too few outbox workers."""
    oldest = (OutboxEvent.objects.filter(processed_at__isnull=True).order_by("id")
              .values_list("created_at", flat=True).first())
    return max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0


@retained("outbox", "outbox events every consumer has handled")
def _purge_handled(before: datetime) -> int:
    return OutboxEvent.objects.filter(processed_at__lt=before).delete()[0]


def last_processed() -> int:
    return OutboxCursor.objects.filter(name="default").values_list("last_event_id", flat=True).first() or 0


def run(poll_seconds: float = 0.5, once: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Drain until nothing is pending (``once``), or forever, sleeping when idle."""
    total = 0
    while True:
        done = drain()
        total += done
        if progress and done:
            progress(total)
        if not done:
            if once:
                return total
            time.sleep(poll_seconds)
