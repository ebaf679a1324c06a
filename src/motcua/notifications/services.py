"""Notifications: the outbox consumer records messages and deliveries; a separate step sends them.

Recording runs inside the outbox's draining transaction and does no network I/O: one :class:`Message` per
(event, recipient) in both languages, one :class:`Delivery` per channel the recipient is reached by (the inbox is
delivered there and then). Sending (:func:`send_due`) claims due deliveries under a lease, sends them channel by
channel and marks each at once; a transient failure waits, doubling, before the next attempt, up to
MAX_ATTEMPTS; a permanent one fails at once. A worker killed mid-batch leaves its lease to expire: what it had not
marked is claimed again (never while the lease runs, so never twice at once)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from motcua.catalog.forms import EMAIL_RE, PHONE_RE
from motcua.core import leases, outbox
from motcua.core.errors import FieldError, Forbidden, Invalid, NotFound
from motcua.core.models import OutboxEvent
from motcua.core.retention import retained
from motcua.core.text import text_problem
from motcua.identity.actors import Actor
from motcua.notifications import events, rendering
from motcua.notifications.channels import CHANNELS, usable
from motcua.notifications.models import Delivery, Message, Preference

log = logging.getLogger(__name__)


def _config() -> dict:
    return settings.NOTIFICATIONS


# --- recording (in the outbox's transaction) --------------------------------------------------------------

@outbox.consumer("notifications")
def record_events(batch: list[OutboxEvent]) -> None:
    """The outbox consumer. A batch seen again records nothing new (one message per event and recipient)."""
    recorded = record(events.plan(batch))
    if recorded and _config()["SEND_INLINE"]:
        transaction.on_commit(send_inline, robust=True)


def record(planned: Iterable[events.Planned]) -> int:
    planned = list(planned)
    if not planned:
        return 0
    seen = set(Message.objects.filter(event_id__in={e.id for e, _ in planned})
               .values_list("event_id", "recipient"))
    channels = [(key, CHANNELS[key]()) for key in usable()]
    now = timezone.now()
    deliveries = []
    for event, out in planned:
        if (event.id, out.recipient.key) in seen:
            continue
        seen.add((event.id, out.recipient.key))
        texts = {lang: rendering.render(out.kind, lang, out.context) for lang in rendering.LANGUAGES}
        message = Message.objects.create(
            event_id=event.id, topic=event.topic, kind=out.kind, recipient=out.recipient.key,
            dossier_code=out.dossier_code, link=out.link[:500], language=out.recipient.language,
            subject_vi=texts["vi"].subject, subject_en=texts["en"].subject, body_vi=texts["vi"].body,
            body_en=texts["en"].body, sms_vi=texts["vi"].sms, sms_en=texts["en"].sms, created_at=now)
        for key, channel in channels:
            if out.recipient.kind not in channel.audiences:
                continue
            if channel.optional and key not in out.recipient.channels:
                continue
            address = channel.address(out.recipient)
            if not address:
                continue
            local = channel.local
            deliveries.append(Delivery(
                message=message, channel=key, address=address[:255], status="sent" if local else "pending",
                attempts=1 if local else 0, sent_at=now if local else None, created_at=now, next_attempt_at=now,
                reference=channel.send(Delivery(address=address), message) if local else ""))
    Delivery.objects.bulk_create(deliveries)
    return sum(1 for d in deliveries if d.status == "pending")


@retained("notifications", "inbox messages and their deliveries (sent or failed)")
def _purge_old(before: datetime) -> int:
    return Message.objects.filter(created_at__lt=before).exclude(deliveries__status__in=("pending", "sending")) \
        .delete()[0]


# --- sending (apart from the outbox) ----------------------------------------------------------------------

def _terms() -> leases.Terms:
    config = _config()
    return leases.Terms(lease_seconds=config["LEASE_SECONDS"], batch=config["BATCH"],
                        max_attempts=config["MAX_ATTEMPTS"], retry_seconds=config["RETRY_SECONDS"],
                        retry_max_seconds=config["RETRY_MAX_SECONDS"],
                        margin_seconds=3 * config["SMTP_TIMEOUT_SECONDS"])


QUEUE = leases.LeasedQueue(
    Delivery, _terms, "notifications", describe=lambda d: f"delivery {d.pk} by {d.channel}",
    # a channel's connection (an SMTP session) is opened once for its deliveries of the batch
    fetch=lambda rows: rows.select_related("message").order_by("channel", "id"))


def _sent(delivery: Delivery, worker: str, reference: str) -> None:
    QUEUE.mark_sent(delivery, worker, sent_at=timezone.now(), reference=reference[:255])


def _send_batch(batch: leases.Batch[Delivery]) -> None:
    for key, group in groupby(batch.rows, key=lambda d: d.channel):
        deliveries = list(group)
        try:
            channel = CHANNELS[key]()
        except LookupError as exc:
            batch.fail(deliveries, str(exc))
            continue
        with channel:
            for delivery in deliveries:
                if not batch.attempt(delivery, partial(channel.send, delivery, delivery.message),
                                     partial(_sent, delivery, batch.worker)):
                    return


def send_due(limit: int | None = None, worker: str | None = None) -> leases.Report:
    """Claim one batch of due deliveries and send it; returns what became of them."""
    return QUEUE.step(_send_batch, worker, limit, STOPPING)


def send_all(worker: str | None = None) -> leases.Report:
    """Send until nothing is due (the demo's inline sending, ``--once``, the tests)."""
    return leases.drain(lambda name: send_due(worker=name), worker)


def send_inline() -> None:
    """After a commit that recorded deliveries, where no send worker runs (the demo, one server)."""
    send_all()


STOPPING = threading.Event()  # set by SIGTERM or SIGINT in the send worker (leases.run)


def run(poll_seconds: float = 1.0, once: bool = False, remind_every: float = 60.0,
        progress: Callable[[leases.Report], None] | None = None) -> leases.Report:
    """The send worker: deliveries as they fall due, and the reminders raised by time, forever (or ``once``)."""
    last_reminder = [float("-inf")]

    def remind() -> None:
        if time.monotonic() - last_reminder[0] >= remind_every:
            events.raise_reminders()
            last_reminder[0] = time.monotonic()

    return leases.run(lambda name: send_due(worker=name), STOPPING, poll_seconds, once, progress, remind)


# --- what operators watch ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    counts: dict[tuple[str, str], int]  # (channel, status) → deliveries
    backlog_seconds: float  # how long the oldest due delivery has waited
    failed: int


def status(now: datetime | None = None) -> Status:
    now = now or timezone.now()
    counts = {(row["channel"], row["status"]): row["n"]
              for row in Delivery.objects.values("channel", "status").annotate(n=Count("id"))}
    oldest = Delivery.objects.filter(status="pending", next_attempt_at__lte=now).aggregate(
        oldest=Min("next_attempt_at"))["oldest"]
    return Status(counts, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
                  sum(n for (_, state), n in counts.items() if state == "failed"))


def health(now: datetime | None = None) -> Status:
    """The two figures to watch, by indexed queries only (for /api/health): the backlog and the failures."""
    now = now or timezone.now()
    oldest = (Delivery.objects.filter(status="pending", next_attempt_at__lte=now).order_by("next_attempt_at")
              .values_list("next_attempt_at", flat=True).first())
    return Status({}, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
                  Delivery.objects.filter(status="failed").count())


def failed_deliveries(limit: int = 100) -> QuerySet[Delivery]:
    return Delivery.objects.filter(status="failed").select_related("message").order_by("-message__created_at")[:limit]


def retry_failed(ids: Iterable[int] | None = None) -> int:
    """Failed deliveries due again now, with their attempts counted afresh (after the operator fixed the cause)."""
    chosen = Delivery.objects.filter(status="failed")
    if ids is not None:
        chosen = chosen.filter(pk__in=list(ids))
    return chosen.update(status="pending", attempts=0, next_attempt_at=timezone.now(), last_error="")


# --- the inbox --------------------------------------------------------------------------------------------

def recipient_key(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}"


def inbox(actor: Actor, unread_only: bool = False) -> QuerySet[Message]:
    """The actor's messages delivered to the inbox, newest first."""
    found = Message.objects.filter(recipient=recipient_key(actor), deliveries__channel="inbox")
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created_at", "-id")


def unread_count(recipient: str) -> int:
    return Message.objects.filter(recipient=recipient, read_at__isnull=True, deliveries__channel="inbox").count()


def mark_read(actor: Actor, message_id: int | None = None) -> int:
    """One message (NotFound unless it is the actor's), or all of them, read now."""
    mine = Message.objects.filter(recipient=recipient_key(actor), read_at__isnull=True)
    if message_id is not None:
        if not Message.objects.filter(recipient=recipient_key(actor), pk=message_id).exists():
            raise NotFound(str(message_id))
        mine = mine.filter(pk=message_id)
    return mine.update(read_at=timezone.now())


# --- a citizen's choices ----------------------------------------------------------------------------------

def offered_channels() -> list[str]:
    """The channels a citizen may choose here (the inbox is always on)."""
    return [key for key in usable() if CHANNELS[key].optional and "citizen" in CHANNELS[key].audiences]


def preferences_of(id_number: str) -> Preference:
    """The citizen's choice, or the default (e-mail and SMS where the dossier gives an address, in Vietnamese)."""
    return (Preference.objects.filter(id_number=id_number).first()
            or Preference(id_number=id_number, channels=list(events.DEFAULT_CITIZEN_CHANNELS)))


class PreferencesInvalid(Invalid):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("invalid_preferences", "Lựa chọn nhận thông báo chưa hợp lệ, vui lòng sửa các trường được chỉ ra.",
                         "The notification settings are not valid; please correct the fields shown.", errors=errors)


def save_preferences(actor: Actor, channels: list[str], language: str, email: str = "",
                     phone: str = "") -> Preference:
    """The citizen's channels (among those offered), language and addresses, each checked by its field; nothing
    is saved while any is wrong."""
    if actor.kind != "citizen":
        raise Forbidden("citizens_only", "Chỉ công dân chọn cách nhận thông báo.",
                        "Only citizens choose how they are notified.")
    errors: list[FieldError] = []
    offered = offered_channels()
    chosen = []
    for key in channels:
        if key == "inbox":
            continue  # always on
        if key not in offered:
            errors.append(FieldError("channels", "unknown_channel",
                                     f"Kênh '{key[:40]}' không có; chọn trong: {', '.join(offered) or 'không có'}.",
                                     f"No channel '{key[:40]}'; choose among: {', '.join(offered) or 'none'}."))
        elif key not in chosen:
            chosen.append(key)
    if language not in rendering.LANGUAGES:
        errors.append(FieldError("language", "invalid_choice", "Ngôn ngữ phải là vi hoặc en.",
                                 "The language must be vi or en."))
    email, phone = (email or "").strip(), (phone or "").replace(" ", "").strip()
    if email and (len(email) > 255 or not EMAIL_RE.match(email) or text_problem(email) is not None):
        errors.append(FieldError("email", "invalid_email", "Địa chỉ thư điện tử không hợp lệ.",
                                 "Not a valid e-mail address."))
    if phone and not PHONE_RE.match(phone):
        errors.append(FieldError("phone", "invalid_phone", "Số điện thoại không hợp lệ.",
                                 "Not a valid Vietnamese phone number."))
    if errors:
        raise PreferencesInvalid(errors)
    preference, _ = Preference.objects.update_or_create(
        id_number=actor.id, defaults={"channels": chosen, "language": language, "email": email, "phone": phone})
    return preference
