"""From dossiers to the index's roll-up tables.

Every recorded action publishes ``dossier.changed`` to the outbox in its own transaction. The consumer
recomputes each changed dossier's *fact* (its counters, scopes, month and open due date), applies the
difference from the fact it applied last time to :class:`KpiCounter` and :class:`KpiOpenDue`, and keeps the
new fact. :func:`rebuild` recomputes every fact by folding the journals and must give identical tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from motcua.catalog import services as catalog
from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import DossierState, Status, local_date
from motcua.dossiers.models import Dossier
from motcua.metrics.index766 import COUNTERS
from motcua.metrics.models import CENTRAL, DossierFact, KpiCounter, KpiOpenDue, PortalAck

NO_CLOCK = date(9999, 12, 31)  # not received yet, or paused for the citizen: within the deadline
PAST = date(1, 1, 1)  # more than one supplement request: late whatever the dates say


@dataclass(frozen=True)
class Fact:
    month: date
    scopes: tuple[tuple[str, str, str], ...]
    counters: dict[str, int]
    open_due: date | None

    def as_row(self) -> dict:
        return {"month": self.month, "scopes": [list(s) for s in self.scopes], "counters": self.counters,
                "open_due": self.open_due}


def scopes_of(dossier: Dossier) -> tuple[tuple[str, str, str], ...]:
    procedure = dossier.procedure_version.procedure.code
    agency = dossier.competent_agency
    province = dossier.province_code or agency.province_code
    scopes = [("N", "", ""), ("F", procedure, ""), ("A", agency.code, province), ("AF", f"{agency.code}|{procedure}",
                                                                                   agency.code)]
    if province:
        scopes += [("P", province, ""), ("PF", f"{province}|{procedure}", province)]
    if dossier.commune_code:
        scopes += [("C", dossier.commune_code, province), ("CF", f"{dossier.commune_code}|{procedure}",
                                                            dossier.commune_code)]
    spec = catalog.spec_of(dossier.procedure_version)
    for ministry in catalog.ministries_of(spec, agency.agency_type):
        sector = f"{ministry}|{spec.sector_code}"
        # a commune-level procedure is decided by thousands of offices: its agencies are read by province
        in_province = f"{ministry}|{procedure}|{agency.province_code or CENTRAL}"
        scopes += [("M", ministry, ""), ("MS", sector, ministry), ("MF", f"{ministry}|{procedure}", sector),
                   ("MP", in_province, f"{ministry}|{procedure}"),
                   ("MA", f"{ministry}|{procedure}|{agency.code}", in_province)]
    return tuple(scopes)


def fact_of(dossier: Dossier, state: DossierState, origins: set[str], results: int, rating,
            acked_version: int = 0) -> Fact:
    """``origins``: how the dossier's evidence files came (upload, scan, wallet); ``results``: signed results
    issued and in force; ``rating``: the citizen's rating or None; ``acked_version``: the journal version the
    national portal acknowledged (0: none)."""
    finished = state.finished_at is not None
    late_by_supplements = state.supplements > 1
    on_time = finished and not late_by_supplements and (
        state.due_date is None or local_date(state.finished_at) <= state.due_date)
    used_registry = dossier.origins.reuses_state_data
    counters = {
        "received": 1, "online": int(dossier.channel == "online"), "finished": int(finished),
        "finished_on_time": int(on_time), "has_fee": int(state.fee_due > 0), "paid_online": int(state.paid_online),
        "paid_online_amount": state.fee_paid_online, "paid_amount": state.fee_paid,
        # filed online, files attached or scanned, or data taken from the state: held electronically
        "digitized": int(dossier.channel == "online" or bool(origins) or used_registry),
        "reused": int(used_registry or "wallet" in origins),
        "eid_verified": int(dossier.channel == "online"), "approved": int(state.outcome == "approved"),
        "result_electronic": int(results > 0), "result_in_wallet": int(results > 0),
        "rated": int(rating is not None), "dissatisfied": int(rating is not None and rating.dissatisfied),
        "synced": int(acked_version >= state.version),
    }
    if finished:
        open_due = None
    elif late_by_supplements:
        open_due = PAST
    elif state.due_date is None or state.paused_since is not None or state.status in (
            Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION):
        open_due = NO_CLOCK
    else:
        open_due = state.due_date
    month = local_date(dossier.submitted_at).replace(day=1)
    return Fact(month, scopes_of(dossier), {k: v for k, v in counters.items() if v}, open_due)


def _facts(qs) -> Iterable[tuple[Dossier, Fact]]:
    """Each dossier's fact, its state folded from its journal (read in one query for the lot)."""
    qs = qs.select_related("procedure_version__procedure", "competent_agency", "agency", "rating", "portal_ack") \
        .prefetch_related("actions", "attachments", "issued_documents")
    for dossier in qs:
        state = dossiers.state_of(dossier)
        rating = _rating(dossier)
        origins = {a.origin for a in dossier.attachments.all()}
        results = sum(1 for d in dossier.issued_documents.all() if d.kind == "result" and d.revoked_at is None)
        yield dossier, fact_of(dossier, state, origins, results, rating, _acked(dossier))


def _rating(dossier):
    try:
        return dossier.rating
    except Dossier.rating.RelatedObjectDoesNotExist:
        return None


def _acked(dossier) -> int:
    try:
        return dossier.portal_ack.version
    except Dossier.portal_ack.RelatedObjectDoesNotExist:
        return 0


def record_acknowledgements(events) -> None:
    """``dossier.synced`` events: the latest version the portal acknowledged, per dossier (never lowered)."""
    acked: dict[str, int] = {}
    for e in events:
        if e.topic == dossiers.DOSSIER_SYNCED:
            acked[e.key] = max(acked.get(e.key, 0), int(e.payload.get("version", 0)))
    if not acked:
        return
    now = timezone.now()
    ids = dict(Dossier.objects.filter(code__in=list(acked)).values_list("code", "pk"))
    PortalAck.objects.bulk_create([PortalAck(dossier_id=pk, version=0, acknowledged_at=now) for pk in ids.values()],
                                  ignore_conflicts=True)
    for code, pk in ids.items():
        PortalAck.objects.filter(dossier_id=pk, version__lt=acked[code]).update(version=acked[code],
                                                                              acknowledged_at=now)


class Deltas:
    """Differences to add to the roll-up tables, merged before they are written."""

    def __init__(self) -> None:
        self.counters: dict[tuple, Counter] = {}
        self.open_due: Counter = Counter()

    def add(self, fact: Fact | None, sign: int) -> None:
        if fact is None:
            return
        for level, scope, parent in fact.scopes:
            row = self.counters.setdefault((level, scope, parent, fact.month), Counter())
            for name, value in fact.counters.items():
                row[name] += sign * value
            if fact.open_due is not None:
                self.open_due[(level, scope, parent, fact.month, fact.open_due)] += sign

    def write(self) -> None:
        _upsert(KpiCounter._meta.db_table, ("level", "scope", "parent", "month"), ("level", "scope", "month"),
                COUNTERS, [(*k, *(row[n] for n in COUNTERS)) for k, row in self.counters.items()
                           if any(row.values())])
        _upsert(KpiOpenDue._meta.db_table, ("level", "scope", "parent", "month", "due_date"),
                ("level", "scope", "month", "due_date"), ("count",),
                [(*k, v) for k, v in self.open_due.items() if v])


def _upsert(table: str, keys: tuple[str, ...], unique: tuple[str, ...], totals: tuple[str, ...],
            rows: list[tuple]) -> None:
    """Add to existing totals in one statement per chunk (INSERT … ON CONFLICT DO UPDATE, on PostgreSQL and
    SQLite alike), so concurrent workers never lose an increment."""
    if not rows:
        return
    columns = (*keys, *totals)
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    add = ", ".join(f"{t} = {table}.{t} + excluded.{t}" for t in totals)
    per_chunk = max(1, 2000 // len(columns))
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start:start + per_chunk]
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_sql] * len(chunk))} "
               f"ON CONFLICT ({', '.join(unique)}) DO UPDATE SET {add}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


def _stored(row: DossierFact | None) -> Fact | None:
    if row is None:
        return None
    return Fact(row.month, tuple(tuple(s) for s in row.scopes), row.counters, row.open_due)


@outbox.consumer("metrics")
def apply_events(events) -> None:
    record_acknowledgements(events)
    codes = {e.key for e in events if e.topic in (dossiers.DOSSIER_CHANGED, dossiers.DOSSIER_SYNCED)}
    if not codes:
        return
    stored = {f.dossier_id: f for f in DossierFact.objects.filter(dossier__code__in=codes)}
    deltas = Deltas()
    new_rows = []
    for dossier, fact in _facts(Dossier.objects.filter(code__in=codes)):
        old = _stored(stored.get(dossier.pk))
        if old == fact:
            continue  # a replayed or no-op event
        deltas.add(old, -1)
        deltas.add(fact, +1)
        new_rows.append(DossierFact(dossier=dossier, **fact.as_row()))
    deltas.write()
    DossierFact.objects.bulk_create(new_rows, update_conflicts=True, unique_fields=["dossier"],
                                    update_fields=["month", "scopes", "counters", "open_due"])


def count_new(facts: Iterable[tuple[Dossier, Fact]], deltas: Deltas) -> int:
    """Keep the facts of dossiers not counted yet and add them to ``deltas`` (the caller writes them): what the
    rebuild does for every dossier, and a bulk load of dossiers (the demo's year) for its own. Returns how many."""
    rows = []
    for dossier, fact in facts:
        deltas.add(fact, +1)
        rows.append(DossierFact(dossier=dossier, **fact.as_row()))
    DossierFact.objects.bulk_create(rows)
    return len(rows)


def rebuild(progress=None, chunk: int = 2000) -> int:
    """Recompute every figure from the journals (not from the projection) and replace the roll-ups, the
    interlinked groups' figures with them."""
    from motcua.metrics import interlinked  # it imports this module
    with transaction.atomic():
        KpiCounter.objects.all().delete()
        KpiOpenDue.objects.all().delete()
        DossierFact.objects.all().delete()
        ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), chunk):
            deltas = Deltas()
            done += count_new(_facts(Dossier.objects.filter(pk__in=ids[start:start + chunk])), deltas)
            deltas.write()
            if progress:
                progress(done, len(ids))
        interlinked.rebuild()
        # what was pending in the outbox is included now
        OutboxEvent.objects.filter(processed_at__isnull=True, topic=dossiers.DOSSIER_CHANGED).update(processed_at=timezone.now())
        # (``dossier.synced`` events still pending are applied later: the acknowledgements are an input)
    return done


def table_snapshot() -> tuple[dict, dict]:
    """The roll-up tables as plain dicts, zero rows dropped (to compare an incremental run with a rebuild)."""
    counters = {(r.level, r.scope, r.parent, r.month, name): getattr(r, name)
                for r in KpiCounter.objects.all() for name in COUNTERS if getattr(r, name)}
    open_due = {(r.level, r.scope, r.parent, r.month, r.due_date): r.count for r in KpiOpenDue.objects.all() if r.count}
    return counters, open_due

