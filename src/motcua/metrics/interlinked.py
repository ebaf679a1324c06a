"""Interlinked group applications (Nghị định 63/2024/NĐ-CP) in the index's figures.

A group's members are normal dossiers and count among them, each on its own time within the group. The group
itself is judged on the group's statutory time: it is finished when every member has ended (its result
issued and returned, refused, stopped, or cancelled because the member it waited for ended without a
result), at the latest member's end, and on time if that day is no later than the group's due date. These
figures are shown beside the index; they are not scored (Decision 766 has no metric for them).

As for dossiers, a consumer of the outbox keeps them: ``group.changed`` (filed, a member filed later, blocked,
cancelled) and ``dossier.changed`` of a member dossier recompute the group's *fact*, and the difference from
the fact applied last time is added to :class:`GroupCounter`. :func:`rebuild` recomputes every fact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Sum

from motcua.catalog.services import procedure_groups
from motcua.core import outbox
from motcua.dossiers import services as dossiers
from motcua.dossiers.groups import GROUP_CHANGED
from motcua.dossiers.lifecycle import FINAL_STATUSES, local_date
from motcua.dossiers.models import DossierGroup, GroupMember
from motcua.metrics.models import GROUP_COUNTERS, GROUP_LEVELS, GroupCounter, GroupFact
from motcua.metrics.queries import Period
from motcua.metrics.rollup import _upsert

LEVELS = frozenset(level for level, _ in GROUP_LEVELS)


@dataclass(frozen=True)
class Fact:
    group_code: str
    month: date
    scopes: tuple[tuple[str, str], ...]
    counters: dict[str, int]

    def as_row(self) -> dict:
        return {"group_code": self.group_code, "month": self.month, "scopes": [list(s) for s in self.scopes],
                "counters": self.counters}


def finished_at(group: DossierGroup) -> datetime | None:
    """When the last member ended, once every member has (a member cancelled because the one it waited for
    ended without a result has ended too); None while any member is waiting, blocked or under way. The same
    judgement as the applicant's page (``dossiers.groups.view``)."""
    ends = []
    for member in group.members.all():
        if member.state == "cancelled":
            continue
        if member.dossier is None:
            return None
        state = dossiers.state_of(member.dossier)
        if state.status not in FINAL_STATUSES:
            return None
        if state.finished_at is not None:
            ends.append(state.finished_at)
    return max(ends) if ends else None


def fact_of(group: DossierGroup) -> Fact:
    end = finished_at(group)
    scopes = [("N", "")]
    if group.province_code:
        scopes.append(("P", group.province_code))
    if group.commune_code:
        scopes.append(("C", group.commune_code))
    counters = {"received": 1, "finished": int(end is not None),
                "finished_on_time": int(end is not None and local_date(end) <= group.due_date)}
    return Fact(group.group_code, local_date(group.submitted_at).replace(day=1), tuple(scopes),
                {k: v for k, v in counters.items() if v})


def _groups(qs):
    return qs.prefetch_related("members__dossier__procedure_version")


class Deltas:
    def __init__(self) -> None:
        self.rows: dict[tuple, Counter] = {}

    def add(self, fact: Fact | None, sign: int) -> None:
        if fact is None:
            return
        for level, scope in fact.scopes:
            row = self.rows.setdefault((level, scope, fact.group_code, fact.month), Counter())
            for name, value in fact.counters.items():
                row[name] += sign * value

    def write(self) -> None:
        _upsert(GroupCounter._meta.db_table, ("level", "scope", "group_code", "month"),
                ("level", "scope", "group_code", "month"), GROUP_COUNTERS,
                [(*k, *(row[n] for n in GROUP_COUNTERS)) for k, row in self.rows.items() if any(row.values())])


def _stored(row: GroupFact | None) -> Fact | None:
    if row is None:
        return None
    return Fact(row.group_code, row.month, tuple((level, scope) for level, scope in row.scopes), row.counters)


@outbox.consumer("metrics.groups")
def apply_events(events) -> None:
    codes = {e.key for e in events if e.topic == GROUP_CHANGED}
    member_dossiers = {e.key for e in events if e.topic == dossiers.DOSSIER_CHANGED}
    if member_dossiers:
        codes |= set(GroupMember.objects.filter(dossier__code__in=member_dossiers)
                     .values_list("group__code", flat=True))
    if not codes:
        return
    stored = {f.group_id: f for f in GroupFact.objects.filter(group__code__in=codes)}
    deltas = Deltas()
    new_rows = []
    for group in _groups(DossierGroup.objects.filter(code__in=codes)):
        fact = fact_of(group)
        old = _stored(stored.get(group.pk))
        if old == fact:
            continue  # a replayed or no-op event
        deltas.add(old, -1)
        deltas.add(fact, +1)
        new_rows.append(GroupFact(group=group, **fact.as_row()))
    deltas.write()
    GroupFact.objects.bulk_create(new_rows, update_conflicts=True, unique_fields=["group"],
                                  update_fields=["group_code", "month", "scopes", "counters"])


def rebuild(chunk: int = 2000) -> int:
    """Recompute every group's fact from its members' journals and replace the table (in the caller's
    transaction: ``rollup.rebuild``)."""
    GroupCounter.objects.all().delete()
    GroupFact.objects.all().delete()
    ids = list(DossierGroup.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        deltas = Deltas()
        rows = []
        for group in _groups(DossierGroup.objects.filter(pk__in=ids[start:start + chunk])):
            fact = fact_of(group)
            deltas.add(fact, +1)
            rows.append(GroupFact(group=group, **fact.as_row()))
        deltas.write()
        GroupFact.objects.bulk_create(rows)
    return len(ids)


def table_snapshot() -> dict:
    return {(r.level, r.scope, r.group_code, r.month, name): getattr(r, name)
            for r in GroupCounter.objects.all() for name in GROUP_COUNTERS if getattr(r, name)}


# --- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupFigures:
    group_code: str
    name_vi: str
    name_en: str
    received: int
    finished: int
    finished_on_time: int

    @property
    def on_time_share(self) -> float | None:
        """Of the finished applications, the share finished by the group's due date."""
        return self.finished_on_time / self.finished if self.finished else None


def figures(level: str, scope: str, period: Period) -> list[GroupFigures]:
    """Per kind of group, for one scope (``level`` N, P or C) and the applications filed in the period: one
    grouped query over the small counter table. Kinds with no application are left out."""
    rows = (GroupCounter.objects.filter(level=level, scope=scope, month__gte=period.first_month,
                                        month__lte=period.last_month)
            .values("group_code").order_by("group_code")
            .annotate(**{f"total_{name}": Sum(name) for name in GROUP_COUNTERS}))
    specs = procedure_groups()
    out = []
    for row in rows:
        if not row["total_received"]:
            continue
        spec = specs.get(row["group_code"])
        out.append(GroupFigures(row["group_code"], spec.name_vi if spec else row["group_code"],
                                spec.name_en if spec else row["group_code"], row["total_received"],
                                row["total_finished"], row["total_finished_on_time"]))
    return out
