"""Pushing dossiers to the national portal: recorded with the outbox event, sent apart with retries.

The outbox consumer (:func:`record_changes`) runs in the outbox's draining transaction and does no network I/O:
it marks the dossier's :class:`PortalSync` row due (one row per dossier, counting the changes seen). Sending
(:func:`push_due`) claims due rows under a lease, and for each reads the dossier as it is now and posts its
``DongBoHoSoMC`` item and the ``CapNhatTienDoHoSoMC`` steps the portal does not hold yet, then marks the row
and publishes ``dossier.synced`` (code, journal version) in one transaction — the index counts the dossier as
synchronised from that event. One row per dossier and the lease keep the pushes of a dossier in order: never
an older state after a newer one. A transient failure waits, doubling, before the next attempt; a refusal of
the payload (the portal's error code) leaves it ``failed`` for the operators until the next change or a retry.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Min, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.documents.models import Attachment, IssuedDocument
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import apply, start, step_due
from motcua.dossiers.models import Dossier
from motcua.nationalportal import client, mapping
from motcua.nationalportal.client import PermanentFailure, TransientFailure
from motcua.nationalportal.models import PortalSync

log = logging.getLogger(__name__)


def _config() -> dict:
    return settings.NATIONAL_PORTAL


# --- recording (in the outbox's transaction) --------------------------------------------------------------

@outbox.consumer("nationalportal")
def record_changes(batch: list[OutboxEvent]) -> None:
    """The outbox consumer: each changed dossier due for a push. Off while no portal is configured. A batch seen
    again only makes a push due again (the portal takes the same dossier again as the same)."""
    if not client.enabled():
        return
    changes = Counter(e.key for e in batch if e.topic == dossiers.DOSSIER_CHANGED)
    if not changes:
        return
    ids = dict(Dossier.objects.filter(code__in=list(changes)).values_list("pk", "code"))
    now = timezone.now()
    PortalSync.objects.bulk_create([PortalSync(dossier_id=pk, waiting_since=now, next_attempt_at=now)
                                    for pk in ids], ignore_conflicts=True)
    rows = list(PortalSync.objects.select_for_update().filter(dossier_id__in=list(ids)))
    for row in rows:
        row.changes += changes[ids[row.dossier_id]]
        if row.status in ("synced", "failed"):
            row.status, row.next_attempt_at, row.waiting_since = "pending", now, now
            row.attempts = 0
    PortalSync.objects.bulk_update(rows, ["changes", "status", "next_attempt_at", "waiting_since", "attempts"])
    if _config()["PUSH_INLINE"]:
        transaction.on_commit(push_all, robust=True)


# --- the dossier in the portal's shape ---------------------------------------------------------------------

def dossier_data(dossier: Dossier) -> mapping.DossierData:
    """The dossier now, with each journal entry and the state after it, its files and its results in force."""
    spec = spec_of(dossier.procedure_version)
    workflow, cal = spec.workflow, default_calendar()
    actions = list(dossier.actions.all())
    entries: list[mapping.Entry] = []
    state = None
    for row, action in zip(actions, dossiers.journal(dossier), strict=True):
        state = start(action, workflow) if state is None else apply(state, action, workflow, cal)
        entries.append(mapping.Entry(
            seq=row.seq, kind=row.kind, at=row.at, actor_name=row.actor_name, actor_unit=row.actor_agency,
            reason=row.reason, data=row.data, status=state.status, due_date=state.due_date,
            step_due=step_due(state, state.step, workflow, cal) if state.finished_at is None else None))
    assert state is not None, "a dossier has at least its submission"
    submitted = tuple(mapping.Submitted(str(a.pk), a.evidence_code, a.original_name or a.evidence_code,
                                        a.digitized, a.origin == "wallet")
                      for a in Attachment.objects.filter(dossier=dossier).order_by("pk"))
    results = tuple(mapping.ResultDocument(d.number, d.doc_type, d.title_vi,
                                           settings.PUBLIC_URL + reverse("documents:verify", args=[d.pk]))
                    for d in IssuedDocument.objects.filter(dossier=dossier, kind="result", revoked_at__isnull=True)
                    .order_by("issued_at"))
    return mapping.DossierData(
        code=dossier.code, procedure_code=spec.code, procedure_name=spec.name_vi, sector_code=spec.sector_code,
        channel=dossier.channel, applicant_name=dossier.applicant_name,
        agency_code=state.agency_code, submitted_at=state.submitted_at, received_at=state.received_at,
        appointment_date=state.appointment_date, due_date=state.due_date, finished_at=state.finished_at,
        status=state.status, entries=tuple(entries), submitted=submitted, results=results)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# --- sending (apart from the outbox) ----------------------------------------------------------------------

@dataclass
class PushReport:
    synced: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.synced + self.retried + self.failed

    def add(self, other: PushReport) -> None:
        self.synced += other.synced
        self.retried += other.retried
        self.failed += other.failed
        self.released += other.released
        self.recovered += other.recovered
        self.errors += other.errors


def recover_expired(now: datetime | None = None) -> int:
    """Rows claimed by a worker whose lease ran out (it died, or hung): due again now."""
    now = now or timezone.now()
    again = PortalSync.objects.filter(status="sending", lease_until__lt=now).update(
        status="pending", next_attempt_at=now, lease_until=None, worker="")
    if again:
        log.warning("national portal: %d pushes taken back from workers whose lease expired", again)
    return again


def claim(worker: str, limit: int, now: datetime | None = None) -> list[PortalSync]:
    """Take up to ``limit`` due rows for ``worker`` until the lease ends (SKIP LOCKED on PostgreSQL)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = PortalSync.objects.filter(status="pending", next_attempt_at__lte=now).order_by("next_attempt_at",
                                                                                                "dossier_id")
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("dossier_id", flat=True)[:limit])
        if not ids:
            return []
        PortalSync.objects.filter(dossier_id__in=ids).update(
            status="sending", worker=worker, attempts=F("attempts") + 1, claimed_changes=F("changes"),
            lease_until=now + timedelta(seconds=_config()["LEASE_SECONDS"]))
    return list(PortalSync.objects.filter(dossier_id__in=ids, worker=worker, status="sending")
                .order_by("next_attempt_at", "dossier_id"))


def backoff(row: PortalSync) -> timedelta:
    """RETRY_SECONDS, doubling with each attempt, capped, spread by up to a fifth (by the dossier's id)."""
    base = _config()["RETRY_SECONDS"] * 2 ** max(0, row.attempts - 1)
    spread = 1 + (row.dossier_id * 2654435761 % 1000) / 5000
    return timedelta(seconds=min(base, _config()["RETRY_MAX_SECONDS"]) * spread)


def _mine(row: PortalSync, worker: str) -> QuerySet[PortalSync]:
    return PortalSync.objects.filter(pk=row.pk, status="sending", worker=worker)


def push_one(portal: client.Client, row: PortalSync) -> int:
    """Post the dossier as it is now and the steps the portal lacks; the journal version it holds then."""
    dossier = Dossier.objects.select_related("procedure_version").get(pk=row.dossier_id)
    data = dossier_data(dossier)
    portal.call(mapping.UPSERT, [mapping.dossier_item(data)], updating=row.version_acked > 0)
    steps = mapping.progress_items(data, after=row.version_acked)
    if steps:
        portal.call(mapping.PROGRESS, steps, updating=False)
    return data.version


def _acknowledged(row: PortalSync, worker: str, version: int, code: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        marked = _mine(row, worker).update(
            version_acked=version, changes_sent=F("claimed_changes"), synced_at=now, attempts=0, last_error="",
            lease_until=None, worker="", next_attempt_at=now,
            status=Case(When(changes__gt=F("claimed_changes"), then=Value("pending")), default=Value("synced")),
            waiting_since=Case(When(changes__gt=F("claimed_changes"), then=Value(now)), default=None))
        if marked:
            outbox.publish(dossiers.DOSSIER_SYNCED, code, {"version": version})
        else:
            log.error("national portal: dossier %s was pushed after its lease was lost", code)


def _failed(row: PortalSync, worker: str, error: str, permanent: bool) -> str:
    if permanent or row.attempts >= _config()["MAX_ATTEMPTS"]:
        _mine(row, worker).update(status="failed", lease_until=None, worker="", last_error=error[:2000])
        log.warning("national portal: dossier #%s not synchronised after %d attempts: %s", row.dossier_id,
                    row.attempts, error)
        return "failed"
    _mine(row, worker).update(status="pending", lease_until=None, worker="", last_error=error[:2000],
                              next_attempt_at=timezone.now() + backoff(row))
    return "retried"


def push_due(limit: int | None = None, worker: str | None = None) -> PushReport:
    """Claim one batch of due dossiers and push them; returns what became of them."""
    worker = worker or worker_name()
    report = PushReport(recovered=recover_expired())
    if not client.enabled():
        return report
    batch = claim(worker, limit or _config()["BATCH"])
    if not batch:
        return report
    # Stop well before the lease ends, so another worker never takes over a dossier still in flight.
    margin = min(_config()["LEASE_SECONDS"] / 2, 4 * _config()["TIMEOUT_SECONDS"])
    deadline = time.monotonic() + _config()["LEASE_SECONDS"] - margin
    codes = dict(Dossier.objects.filter(pk__in=[r.dossier_id for r in batch]).values_list("pk", "code"))
    with client.Client() as portal:
        for index, row in enumerate(batch):
            if time.monotonic() > deadline or STOPPING.is_set():
                rest = [r.pk for r in batch[index:]]
                report.released += PortalSync.objects.filter(pk__in=rest, status="sending", worker=worker).update(
                    status="pending", lease_until=None, worker="", attempts=F("attempts") - 1)
                break
            try:
                version = push_one(portal, row)
            except PermanentFailure as exc:
                outcome = _failed(row, worker, str(exc), permanent=True)
            except TransientFailure as exc:
                outcome = _failed(row, worker, str(exc), permanent=False)
            except Exception as exc:  # a bug of ours: kept apart, retried, visible
                log.exception("national portal: pushing dossier #%s raised", row.dossier_id)
                outcome = _failed(row, worker, f"{type(exc).__name__}: {exc}", permanent=False)
            else:
                _acknowledged(row, worker, version, codes[row.dossier_id])
                outcome = "synced"
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def push_all(worker: str | None = None) -> PushReport:
    """Push until nothing is due (inline pushing, ``--once``, the tests)."""
    worker = worker or worker_name()
    total = PushReport()
    while True:
        report = push_due(worker=worker)
        total.add(report)
        if not report.handled and not report.released:
            return total


# Set by SIGTERM or SIGINT in the push worker: the dossier in flight is finished, the rest of the batch is put
# back at once, and the worker stops.
STOPPING = threading.Event()


def _stop(signum: int, frame: object) -> None:
    STOPPING.set()


def run(poll_seconds: float = 1.0, once: bool = False,
        progress: Callable[[PushReport], None] | None = None) -> PushReport:
    """The push worker: dossiers as they fall due, forever (or ``once``)."""
    worker, total = worker_name(), PushReport()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    STOPPING.clear()
    while not STOPPING.is_set():
        report = push_due(worker=worker)
        total.add(report)
        if progress and (report.handled or report.recovered):
            progress(total)
        if not report.handled and not report.released:
            if once:
                return total
            STOPPING.wait(poll_seconds)
    return total


# --- what operators watch ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    counts: dict[str, int]  # status → dossiers
    backlog_seconds: float  # how long the oldest change not acknowledged by the portal has waited
    failed: int


def _backlog(now: datetime) -> float:
    oldest = PortalSync.objects.filter(status__in=("pending", "sending")).aggregate(
        oldest=Min("waiting_since"))["oldest"]
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def status(now: datetime | None = None) -> Status:
    now = now or timezone.now()
    counts = {row["status"]: row["n"] for row in PortalSync.objects.values("status").annotate(n=Count("pk"))}
    return Status(counts, _backlog(now), counts.get("failed", 0))


def health(now: datetime | None = None) -> Status:
    """The two figures to watch (for /api/health), by indexed queries: the backlog and the failures."""
    now = now or timezone.now()
    return Status({}, _backlog(now), PortalSync.objects.filter(status="failed").count())


def failed_pushes(limit: int = 100) -> QuerySet[PortalSync]:
    return PortalSync.objects.filter(status="failed").select_related("dossier").order_by("-next_attempt_at")[:limit]


def retry_failed(codes: Iterable[str] | None = None) -> int:
    """Failed pushes due again now, their attempts counted afresh (after the cause was fixed)."""
    chosen = PortalSync.objects.filter(status="failed")
    if codes is not None:
        chosen = chosen.filter(dossier__code__in=list(codes))
    now = timezone.now()
    return chosen.update(status="pending", attempts=0, next_attempt_at=now, waiting_since=now, last_error="")
