"""Subscriptions to registry events over the exchange (docs/exchange.md, "Subscriptions").

At the publisher (the registry's keeper): a :class:`Subscription` names a subscriber system, an outbox topic
(``registry.person.died`` …) and a purpose, allowed only while a right to the service ``events.<topic>`` lists
that purpose (deny by default). The outbox consumer records one :class:`EventDelivery` per (event,
subscription) in the outbox's transaction, with no network I/O; :func:`deliver_due` claims due deliveries under
a lease and sends each as a signed exchange call to the subscriber's service ``exchange.events``, marking it at
once; a failure waits, doubling, before the next attempt, up to DELIVERY_MAX_ATTEMPTS, then the delivery is
failed (``motcua exchange deliveries`` shows it, ``retry-failed`` sends it again).

At the subscriber: ``exchange.events`` is answered after every check of the exchange (signature, clock, replay)
and a right of this system to the publisher's ``events.<topic>`` for the call's purpose; the event is kept once
(:class:`ReceivedEvent`, unique on publisher and event id) and handed, in the same transaction, to the local
handlers registered with :func:`receives`. A delivery repeated (a retry whose answer was lost) is acknowledged
and not processed again."""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core import leases, outbox
from motcua.core.errors import Invalid
from motcua.core.models import OutboxEvent
from motcua.exchange import directory, protocol, services
from motcua.exchange.models import EventDelivery, ReceivedEvent, Subscription
from motcua.exchange.protocol import Refused
from motcua.exchange.services import Call, publishes

log = logging.getLogger(__name__)

RECEIVING_SERVICE = "exchange.events"  # what a subscriber publishes: where events are delivered to it
SERVICE_PREFIX = "events."  # the publisher's service a subscriber needs a right to: events.<topic>
# A topic is two or three dot-joined words, so that events.<topic> is a service code.
TOPIC = re.compile(r"[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39}){1,2}")

DEFAULTS: dict[str, Any] = {"DELIVERY_INLINE": False, "DELIVERY_BATCH": 50, "DELIVERY_LEASE_SECONDS": 120,
                            "DELIVERY_RETRY_SECONDS": 30, "DELIVERY_RETRY_MAX_SECONDS": 3600,
                            "DELIVERY_MAX_ATTEMPTS": 12}


def _setting(name: str) -> Any:
    exchange: dict[str, Any] = settings.EXCHANGE
    return exchange.get(name, DEFAULTS.get(name))


def service_for(topic: str) -> str:
    return SERVICE_PREFIX + topic


def _invalid(field_name: str, vi: str, en: str) -> Invalid:
    return Invalid("invalid", vi, en, field_name)


def _right(found: directory.Directory, subscriber: str, publisher: str, topic: str) -> protocol.Right | None:
    return found.rights.get((subscriber, publisher, service_for(topic)))


# --- subscribing (at the publisher) -------------------------------------------------------------------------

def subscribe(subscriber: str, topic: str, purpose: str) -> Subscription:
    """Let ``subscriber`` receive this system's events of ``topic`` for ``purpose``: only where the directory
    lists this system's service ``events.<topic>`` and a right of the subscriber to it for that purpose."""
    publisher = services.local_system()
    if not publisher:
        raise _invalid("publisher", "Chưa cấu hình hệ thống của máy chủ này (MOTCUA_EXCHANGE_SYSTEM).",
                       "This server's system is not configured (MOTCUA_EXCHANGE_SYSTEM).")
    if not TOPIC.fullmatch(topic):
        raise _invalid("topic", "Chủ đề có dạng chữ thường nối bằng dấu chấm, ví dụ registry.person.died.",
                       "A topic is lower-case words joined by dots, e.g. registry.person.died.")
    found = directory.current()
    if subscriber not in found.systems:
        raise _invalid("subscriber", "Chưa có hệ thống này trong danh bạ.", "No such system in the directory.")
    if (publisher, service_for(topic)) not in found.services:
        raise _invalid("topic", f"Hệ thống {publisher} không công bố dịch vụ {service_for(topic)}.",
                       f"{publisher} publishes no service {service_for(topic)}.")
    right = _right(found, subscriber, publisher, topic)
    if right is None:
        raise _invalid("subscriber", f"Hệ thống {subscriber} không được cấp quyền dùng {service_for(topic)}.",
                       f"{subscriber} has no right to {service_for(topic)}.")
    if purpose not in right.purposes:
        raise _invalid("purpose", "Quyền được cấp không có mục đích này.", "The right does not list this purpose.")
    subscription, _ = Subscription.objects.update_or_create(
        subscriber=subscriber, topic=topic,
        defaults={"purpose": purpose, "legal_basis": right.purposes[purpose], "active": True})
    return subscription


def unsubscribe(subscriber: str, topic: str) -> int:
    """Stop recording deliveries for the subscription; those still pending are failed as withdrawn (the
    subscription and its deliveries stay, as the record of what was sent)."""
    with transaction.atomic():
        chosen = Subscription.objects.filter(subscriber=subscriber, topic=topic, active=True)
        EventDelivery.objects.filter(subscription__in=chosen, status="pending").update(
            status="failed", last_error="unsubscribed")
        return chosen.update(active=False)


# --- recording (in the outbox's transaction) ----------------------------------------------------------------

@outbox.consumer("exchange.subscriptions")
def record_events(batch: list[OutboxEvent]) -> None:
    """The outbox consumer: one delivery per event and allowed subscription. A batch seen again records nothing
    new (unique on subscription and event)."""
    publisher = services.local_system()
    topics = {event.topic for event in batch}
    if not publisher:
        return
    subscribed = list(Subscription.objects.filter(active=True, topic__in=topics))
    if not subscribed:
        return
    found = directory.current()
    by_topic: dict[str, list[Subscription]] = defaultdict(list)
    for subscription in subscribed:
        right = _right(found, subscription.subscriber, publisher, subscription.topic)
        if right is not None and subscription.purpose in right.purposes:  # a right withdrawn: nothing recorded
            by_topic[subscription.topic].append(subscription)
    now = timezone.now()
    deliveries = [EventDelivery(subscription=subscription, event_id=event.id, topic=event.topic, key=event.key,
                                payload=event.payload, occurred_at=event.created_at, next_attempt_at=now,
                                created_at=now)
                  for event in batch for subscription in by_topic.get(event.topic, ())]
    EventDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    if deliveries and _setting("DELIVERY_INLINE"):
        transaction.on_commit(deliver_inline, robust=True)


# --- delivering (apart from the outbox) ---------------------------------------------------------------------

def _terms() -> leases.Terms:
    return leases.Terms(lease_seconds=_setting("DELIVERY_LEASE_SECONDS"), batch=_setting("DELIVERY_BATCH"),
                        max_attempts=_setting("DELIVERY_MAX_ATTEMPTS"),
                        retry_seconds=_setting("DELIVERY_RETRY_SECONDS"),
                        retry_max_seconds=_setting("DELIVERY_RETRY_MAX_SECONDS"),
                        margin_seconds=3 * services.setting("TIMEOUT_SECONDS"))


QUEUE = leases.LeasedQueue(
    EventDelivery, _terms, "exchange",
    describe=lambda d: f"event {d.event_id} to {d.subscription.subscriber}",
    fetch=lambda rows: rows.select_related("subscription").order_by("event_id", "id"))


def body_of(delivery: EventDelivery) -> dict[str, Any]:
    """What ``exchange.events`` receives (the publisher is the signed call's client)."""
    return {"event_id": delivery.event_id, "topic": delivery.topic, "key": delivery.key,
            "payload": delivery.payload, "occurred_at": delivery.occurred_at.isoformat()}


def _send(delivery: EventDelivery) -> None:
    """One signed call: failed for good when no right lets it go any more; a refusal by the subscriber is
    tried again (its directory may not know this system's right yet)."""
    subscription = delivery.subscription
    right = _right(directory.current(), subscription.subscriber, services.local_system(), subscription.topic)
    if right is None or subscription.purpose not in right.purposes or not subscription.active:
        raise leases.PermanentFailure("no_right")
    purpose = services.Purpose(subscription.purpose, right.purposes[subscription.purpose],
                               f"event:{delivery.event_id}")
    try:
        services.call(subscription.subscriber, RECEIVING_SERVICE, body_of(delivery), purpose)
    except Refused as exc:
        error = f"{exc.reason}: {exc.detail}" if exc.detail else exc.reason
        raise leases.TransientFailure(error) from exc


def _sent(delivery: EventDelivery, worker: str, _answer: object) -> None:
    QUEUE.mark_sent(delivery, worker, sent_at=timezone.now())


def _deliver_batch(batch: leases.Batch[EventDelivery]) -> None:
    for delivery in batch.rows:
        if not batch.attempt(delivery, partial(_send, delivery), partial(_sent, delivery, batch.worker)):
            return


def deliver_due(limit: int | None = None, worker: str | None = None) -> leases.Report:
    """Claim one batch of due deliveries and send it; returns what became of them."""
    return QUEUE.step(_deliver_batch, worker, limit, STOPPING)


def deliver_all(worker: str | None = None) -> leases.Report:
    """Send until nothing is due (inline delivery, ``--once``, the tests)."""
    return leases.drain(lambda name: deliver_due(worker=name), worker)


def deliver_inline() -> None:
    """After a commit that recorded deliveries, where no delivery worker runs (the demo, one server)."""
    deliver_all()


STOPPING = threading.Event()  # set by SIGTERM or SIGINT in the delivery worker (leases.run)


def run(poll_seconds: float = 1.0, once: bool = False,
        progress: Callable[[leases.Report], None] | None = None) -> leases.Report:
    """The delivery worker: deliveries as they fall due, forever (or ``once``: until nothing is due)."""
    return leases.run(lambda name: deliver_due(worker=name), STOPPING, poll_seconds, once, progress)


# --- what operators watch -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    counts: dict[tuple[str, str, str], int]  # (subscriber, topic, status) → deliveries
    backlog_seconds: float  # how long the oldest due delivery has waited
    failed: list[EventDelivery]


def status(now: datetime | None = None, failed_limit: int = 50) -> Status:
    now = now or timezone.now()
    counts = {(row["subscription__subscriber"], row["topic"], row["status"]): row["n"]
              for row in EventDelivery.objects.values("subscription__subscriber", "topic", "status")
              .annotate(n=Count("id"))}
    oldest = EventDelivery.objects.filter(status="pending", next_attempt_at__lte=now).aggregate(
        oldest=Min("next_attempt_at"))["oldest"]
    failed = list(EventDelivery.objects.filter(status="failed").select_related("subscription")
                  .order_by("-created_at")[:failed_limit])
    return Status(counts, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0, failed)


def retry_failed(ids: Iterable[int] | None = None) -> int:
    """Failed deliveries (of active subscriptions) due again now, their attempts counted afresh."""
    chosen = EventDelivery.objects.filter(status="failed", subscription__active=True)
    if ids is not None:
        chosen = chosen.filter(pk__in=list(ids))
    return chosen.update(status="pending", attempts=0, next_attempt_at=timezone.now(), last_error="")


# --- receiving (at the subscriber) --------------------------------------------------------------------------

Receiver = Callable[[ReceivedEvent], None]
RECEIVERS: dict[str, dict[str, Receiver]] = defaultdict(dict)  # topic ("*": every topic) → name → handler


def receives(topic: str, name: str | None = None) -> Callable[[Receiver], Receiver]:
    """Register a local handler of the events of ``topic`` (or ``"*"``) delivered to this system. It runs once
    per event, in the transaction that keeps the event: what it writes is kept with it, and an exception undoes
    both (the publisher is answered with an error and delivers the event again later)."""

    def add(handler: Receiver) -> Receiver:
        RECEIVERS[topic][name or f"{handler.__module__}.{handler.__qualname__}"] = handler
        return handler

    return add


def receivers_for(topic: str) -> list[tuple[str, Receiver]]:
    return [*RECEIVERS.get(topic, {}).items(), *RECEIVERS.get("*", {}).items()]


def _field(value: Any, ok: bool, name: str) -> Any:
    if not ok:
        raise Refused("invalid_request", name)
    return value


@publishes(RECEIVING_SERVICE, open_to_members=True)
def accept(call: Call) -> dict[str, Any]:
    """An event delivered by a publisher to this system: allowed only where this system holds a right to the
    publisher's ``events.<topic>`` for the call's purpose and legal basis; kept and processed once."""
    data = call.payload
    topic: str = _field(data.get("topic"), isinstance(data.get("topic"), str)
                        and bool(TOPIC.fullmatch(data["topic"])), "topic")
    raw_id = data.get("event_id")
    event_id: int = _field(raw_id, type(raw_id) is int and 0 < raw_id < 2**63, "event_id")
    key = data.get("key", "")
    _field(key, isinstance(key, str) and len(key) <= 100, "key")
    payload = data.get("payload", {})
    _field(payload, isinstance(payload, dict), "payload")
    raw = data.get("occurred_at")
    occurred = parse_datetime(raw) if isinstance(raw, str) else None
    _field(raw, raw is None or occurred is not None, "occurred_at")
    reason = protocol.decide(directory.current().rights, call.provider, call.consumer.ident, service_for(topic),
                             call.purpose, call.legal_basis)
    if reason:
        raise Refused(reason)
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = ReceivedEvent.objects.create(
                    publisher=call.consumer.ident, event_id=event_id, topic=topic, key=key, payload=payload,
                    occurred_at=occurred, purpose=call.purpose, message_id=call.message_id)
        except IntegrityError:
            log.info("exchange: event %s of %s delivered again; kept once", event_id, call.consumer.ident)
            return {"event_id": event_id, "duplicate": True}
        handled = []
        for name, handler in receivers_for(topic):
            handler(event)
            handled.append(name)
        if handled:
            event.handled_by = handled
            event.save(update_fields=["handled_by"])
    return {"event_id": event_id, "duplicate": False, "handled_by": handled}


@receives("*", name="exchange.log")
def log_received(event: ReceivedEvent) -> None:
    """The handler shipped: every event received is noted in the server's log (the event itself is kept in
    :class:`ReceivedEvent`). A subscriber's own handlers act on it: see docs/exchange.md."""
    log.info("exchange: %s %s received from %s (event %s)", event.topic, event.key, event.publisher, event.event_id)

