"""Work queues kept in a table and worked through under a lease: notifications to send, events to deliver to
subscribers, dossiers to push to the national portal.

A row is ``pending`` until due (``next_attempt_at``), then claimed by one worker (``sending``, its name, until
``lease_until``; SKIP LOCKED on PostgreSQL so workers share the load, SQLite serializes writers), then marked
``sent`` or put back with a wait that doubles with each attempt, or ``failed`` when it never will succeed or has
no attempt left. A worker stops trying well before its lease ends and puts back what it has not tried, so no
other worker ever takes over a row still in flight; a worker killed mid-batch leaves its lease to expire and
what it had not marked is claimed again. The model's columns: ``status``, ``worker``, ``attempts``,
``lease_until``, ``next_attempt_at``, ``last_error``."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

Row = TypeVar("Row", bound=models.Model)


class TransientFailure(Exception):
    """Not done now; the same row may succeed later (a server down or busy): tried again after a wait."""


class PermanentFailure(Exception):
    """Will never succeed as it is (an address or a payload refused): no more attempts."""


@dataclass(frozen=True)
class Terms:
    lease_seconds: float
    batch: int
    max_attempts: int
    retry_seconds: float  # the first wait; it doubles with each attempt
    retry_max_seconds: float
    # Work stops this long before the lease ends: a few times the longest one call may take.
    margin_seconds: float


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0  # put back untried: the lease nearly over, or the worker stopping
    recovered: int = 0  # taken back from workers whose lease expired
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def add(self, other: Report) -> None:
        for name in ("sent", "retried", "failed", "released", "recovered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LeasedQueue(Generic[Row]):
    """The rows of ``model`` as a work queue. ``terms`` is read at each use (settings may change in tests);
    ``fetch`` shapes the claimed rows (related rows, order); ``on_claim`` adds columns set when a row is
    claimed; ``label`` and ``describe`` name the queue and a row in the log."""

    def __init__(self, model: type[Row], terms: Callable[[], Terms], label: str,
                 describe: Callable[[Row], str] = lambda row: f"#{row.pk}",
                 fetch: Callable[[QuerySet[Row]], QuerySet[Row]] = lambda rows: rows.order_by("pk"),
                 on_claim: dict[str, Any] | None = None) -> None:
        self.model, self.terms, self.label, self.describe, self.fetch = model, terms, label, describe, fetch
        self.on_claim = on_claim or {}
        self.log = logging.getLogger(f"motcua.{label}")

    def recover_expired(self, now: datetime | None = None) -> int:
        """Rows claimed by a worker whose lease ran out (it died, or hung): due again now, or failed when no
        attempt is left (a row that stops its worker every time must not stop them all, for ever)."""
        now = now or timezone.now()
        expired = self.model.objects.filter(status="sending", lease_until__lt=now)  # type: ignore[attr-defined]
        failed = expired.filter(attempts__gte=self.terms().max_attempts).update(
            status="failed", lease_until=None, worker="", last_error="the worker trying it stopped; no attempt left")
        again = expired.update(status="pending", next_attempt_at=now, lease_until=None, worker="")
        if again or failed:
            self.log.warning("%s: %d taken back from workers whose lease expired", self.label, again + failed)
        return again + failed

    def claim(self, worker: str, limit: int, now: datetime | None = None) -> list[Row]:
        """Take up to ``limit`` due rows for ``worker`` until the lease ends."""
        now = now or timezone.now()
        manager = self.model.objects  # type: ignore[attr-defined]
        with transaction.atomic():
            due = manager.filter(status="pending", next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
            if connection.vendor == "postgresql":
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("pk", flat=True)[:limit])
            if not ids:
                return []
            manager.filter(pk__in=ids).update(
                status="sending", worker=worker, attempts=F("attempts") + 1, **self.on_claim,
                lease_until=now + timedelta(seconds=self.terms().lease_seconds))
        return list(self.fetch(manager.filter(pk__in=ids, worker=worker, status="sending")))

    def mine(self, row: Row, worker: str) -> QuerySet[Row]:
        """The row, as long as this worker still holds it."""
        return self.model.objects.filter(pk=row.pk, status="sending", worker=worker)  # type: ignore[attr-defined]

    def mark_sent(self, row: Row, worker: str, **columns: Any) -> bool:
        marked = self.mine(row, worker).update(status="sent", lease_until=None, last_error="", **columns)
        if not marked:
            self.lease_lost(row)
        return bool(marked)

    def lease_lost(self, row: Row) -> None:
        self.log.error("%s: %s was done after its lease was lost", self.label, self.describe(row))

    def backoff(self, row: Row) -> timedelta:
        """The wait before the next attempt: retry_seconds, doubling with each attempt, capped, spread by up to
        a fifth (by the row's key) so rows that failed together do not all come back together."""
        terms = self.terms()
        base = terms.retry_seconds * 2 ** max(0, row.attempts - 1)  # type: ignore[attr-defined]
        spread = 1 + (int(row.pk or 0) * 2654435761 % 1000) / 5000
        return timedelta(seconds=min(base, terms.retry_max_seconds) * spread)

    def mark_failed(self, row: Row, worker: str, error: str, permanent: bool) -> str:
        """Failed for good (permanent, or no attempt left) or put back to wait: the report's field to count."""
        if permanent or row.attempts >= self.terms().max_attempts:  # type: ignore[attr-defined]
            self.mine(row, worker).update(status="failed", lease_until=None, worker="", last_error=error[:2000])
            self.log.warning("%s: %s failed for good after %d attempts: %s", self.label, self.describe(row),
                             row.attempts, error)  # type: ignore[attr-defined]
            return "failed"
        self.mine(row, worker).update(status="pending", lease_until=None, worker="", last_error=error[:2000],
                                      next_attempt_at=timezone.now() + self.backoff(row))
        return "retried"

    def put_back(self, rows: Iterable[Row], worker: str) -> int:
        """Rows claimed and not tried: due again at once, the attempt not counted."""
        return self.model.objects.filter(  # type: ignore[attr-defined]
            pk__in=[row.pk for row in rows], status="sending", worker=worker).update(
            status="pending", lease_until=None, worker="", attempts=F("attempts") - 1)

    def step(self, work: Callable[[Batch[Row]], None], worker: str | None = None, limit: int | None = None,
             stopping: threading.Event | None = None) -> Report:
        """Take back expired leases, claim one batch and hand it to ``work``; what became of it."""
        worker = worker or worker_name()
        report = Report(recovered=self.recover_expired())
        rows = self.claim(worker, limit or self.terms().batch)
        if rows:
            work(Batch(self, worker, rows, report, stopping))
        return report


class Batch(Generic[Row]):
    """One claimed batch: each row tried once, while the lease lasts and the worker is not stopping."""

    def __init__(self, queue: LeasedQueue[Row], worker: str, rows: list[Row], report: Report,
                 stopping: threading.Event | None) -> None:
        self.queue, self.worker, self.rows, self.report, self.stopping = queue, worker, rows, report, stopping
        terms = queue.terms()
        self.deadline = time.monotonic() + terms.lease_seconds - min(terms.lease_seconds / 2, terms.margin_seconds)
        self.tried: set[Any] = set()

    def attempt(self, row: Row, send: Callable[[], Any], sent: Callable[[Any], object] | None = None) -> bool:
        """Try one row: ``send()`` does the work (raising TransientFailure or PermanentFailure), ``sent(result)``
        marks it done (by default status ``sent``). False once the batch must stop: what is left is put back."""
        if time.monotonic() > self.deadline or (self.stopping is not None and self.stopping.is_set()):
            self.report.released += self.queue.put_back(
                [r for r in self.rows if r.pk not in self.tried], self.worker)
            return False
        self.tried.add(row.pk)
        try:
            result = send()
        except PermanentFailure as exc:
            outcome = self._failed(row, str(exc), permanent=True)
        except TransientFailure as exc:
            outcome = self._failed(row, str(exc), permanent=False)
        except Exception as exc:  # a bug on the way: kept apart, retried, visible
            self.queue.log.exception("%s: %s raised", self.queue.label, self.queue.describe(row))
            outcome = self._failed(row, f"{type(exc).__name__}: {exc}", permanent=False)
        else:
            if sent is None:
                self.queue.mark_sent(row, self.worker)
            else:
                sent(result)
            outcome = "sent"
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        return True

    def fail(self, rows: Iterable[Row], error: str) -> None:
        """Rows that cannot be tried at all (their channel is unknown): failed for good."""
        for row in rows:
            self.tried.add(row.pk)
            self.report.failed += self.queue.mark_failed(row, self.worker, error, permanent=True) == "failed"

    def _failed(self, row: Row, error: str, permanent: bool) -> str:
        self.report.errors.append(error)
        return self.queue.mark_failed(row, self.worker, error, permanent)


def drain(step: Callable[[str], Report], worker: str | None = None) -> Report:
    """Steps until nothing is due (inline sending where no worker runs, ``--once``, the tests)."""
    worker = worker or worker_name()
    total = Report()
    while True:
        report = step(worker)
        total.add(report)
        if not report.handled and not report.released:
            return total


def run(step: Callable[[str], Report], stopping: threading.Event, poll_seconds: float = 1.0, once: bool = False,
        progress: Callable[[Report], None] | None = None, every_round: Callable[[], None] | None = None) -> Report:
    """A worker: steps as rows fall due, forever (or ``once``: until nothing is due). SIGTERM or SIGINT sets
    ``stopping``: the row in flight is finished, the rest of the batch is put back at once (not left to its
    lease), and the worker stops."""
    worker, total = worker_name(), Report()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda _signum, _frame: stopping.set())
    stopping.clear()
    while not stopping.is_set():
        if every_round is not None:
            every_round()
        report = step(worker)
        total.add(report)
        if progress and (report.handled or report.recovered):
            progress(total)
        if not report.handled and not report.released:
            if once:
                return total
            stopping.wait(poll_seconds)
    return total
