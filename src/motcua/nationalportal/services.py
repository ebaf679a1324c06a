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
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Min, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog.services import spec_of
from motcua.core import leases, outbox
from motcua.core.models import OutboxEvent
from motcua.documents.models import Attachment, IssuedDocument
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import apply, start, step_due
from motcua.dossiers.models import Dossier
from motcua.nationalportal import client, mapping
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


# --- sending (apart from the outbox) ----------------------------------------------------------------------

def _terms() -> leases.Terms:
    config = _config()
    return leases.Terms(lease_seconds=config["LEASE_SECONDS"], batch=config["BATCH"],
                        max_attempts=config["MAX_ATTEMPTS"], retry_seconds=config["RETRY_SECONDS"],
                        retry_max_seconds=config["RETRY_MAX_SECONDS"], margin_seconds=4 * config["TIMEOUT_SECONDS"])


# One row per dossier (its key is the dossier's): the lease keeps the pushes of a dossier in order.
QUEUE = leases.LeasedQueue(PortalSync, _terms, "national portal", describe=lambda row: f"dossier #{row.pk}",
                           fetch=lambda rows: rows.order_by("next_attempt_at", "dossier_id"),
                           on_claim={"claimed_changes": F("changes")})


def push_one(portal: client.Client, row: PortalSync) -> int:
    """Post the dossier as it is now and the steps the portal lacks; the journal version it holds then."""
    dossier = Dossier.objects.select_related("procedure_version").get(pk=row.dossier_id)
    data = dossier_data(dossier)
    portal.call(mapping.UPSERT, [mapping.dossier_item(data)], updating=row.version_acked > 0)
    steps = mapping.progress_items(data, after=row.version_acked)
    if steps:
        portal.call(mapping.PROGRESS, steps, updating=False)
    return data.version


def _acknowledged(row: PortalSync, worker: str, code: str, version: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        marked = QUEUE.mine(row, worker).update(
            version_acked=version, changes_sent=F("claimed_changes"), synced_at=now, attempts=0, last_error="",
            lease_until=None, worker="", next_attempt_at=now,
            status=Case(When(changes__gt=F("claimed_changes"), then=Value("pending")), default=Value("synced")),
            waiting_since=Case(When(changes__gt=F("claimed_changes"), then=Value(now)), default=None))
        if marked:
            outbox.publish(dossiers.DOSSIER_SYNCED, code, {"version": version})
        else:
            QUEUE.lease_lost(row)


def push_due(limit: int | None = None, worker: str | None = None) -> leases.Report:
    """Claim one batch of due dossiers and push them; returns what became of them (``sent``: acknowledged)."""
    if not client.enabled():
        return leases.Report(recovered=QUEUE.recover_expired())
    return QUEUE.step(_push_batch, worker, limit, STOPPING)


def _push_batch(batch: leases.Batch[PortalSync]) -> None:
    codes = dict(Dossier.objects.filter(pk__in=[r.dossier_id for r in batch.rows]).values_list("pk", "code"))
    with client.Client() as portal:
        for row in batch.rows:
            if not batch.attempt(row, partial(push_one, portal, row),
                                 partial(_acknowledged, row, batch.worker, codes[row.dossier_id])):
                return


def push_all(worker: str | None = None) -> leases.Report:
    """Push until nothing is due (inline pushing, ``--once``, the tests)."""
    return leases.drain(lambda name: push_due(worker=name), worker)


STOPPING = threading.Event()  # set by SIGTERM or SIGINT in the push worker (leases.run)


def run(poll_seconds: float = 1.0, once: bool = False,
        progress: Callable[[leases.Report], None] | None = None) -> leases.Report:
    """The push worker: dossiers as they fall due, forever (or ``once``)."""
    return leases.run(lambda name: push_due(worker=name), STOPPING, poll_seconds, once, progress)


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
