"""Reading the index from the roll-up tables: a few grouped queries over small tables, never the dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Sum, Value
from django.db.models.functions import Left, StrIndex
from django.utils import timezone

from motcua.catalog import divisions, publication
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import ministries, ministries_of, spec_of
from motcua.core.errors import in_language
from motcua.metrics.index766 import COUNTERS, Counts, Index, index
from motcua.metrics.models import CENTRAL, KpiCounter, KpiOpenDue
from motcua.petitions.services import counts_by_scope as petition_counts

# The level holding a scope's procedures (to count those that received an online dossier or payment).
CHILD_LEVEL = {"N": "F", "P": "PF", "C": "CF", "A": "AF", "M": "MF", "MS": "MF"}

# What a scope's page lists: (level of the rows, heading vi, heading en)
CHILDREN = {
    "N": [("P", "Xếp hạng các tỉnh, thành phố", "Provinces ranked"),
          ("M", "Xếp hạng các bộ, ngành", "Ministries ranked")],
    "P": [("C", "Các xã, phường", "Communes"), ("PF", "Theo thủ tục", "By procedure")],
    "C": [("CF", "Theo thủ tục", "By procedure")],
    "A": [("AF", "Theo thủ tục", "By procedure")],
    "M": [("MS", "Theo lĩnh vực", "By sector")],
    "MS": [("MF", "Theo thủ tục", "By procedure")],
    "MF": [("MP", "Theo tỉnh, thành phố của cơ quan giải quyết", "By the deciding agencies' province")],
    "MP": [("MA", "Cơ quan giải quyết nhiều hồ sơ nhất", "Deciding agencies with the most dossiers")],
}
# Levels whose rows may run to hundreds (the commune offices of a big city deciding a procedure): only that many
# scopes with the most dossiers are ranked, so that a page computes a bounded number of indexes.
BUSIEST = {"MA": 100}


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int = 1  # month or quarter number

    @property
    def first_month(self) -> date:
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return date(self.year, month, 1)

    @property
    def last_month(self) -> date:
        month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        return date(self.year, month, 1)

    @property
    def label(self) -> str:
        return {"month": f"{self.number:02d}/{self.year}", "quarter": f"Q{self.number}/{self.year}",
                "year": str(self.year)}[self.kind]

    @classmethod
    def parse(cls, kind: str | None, year: str | None, number: str | None, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        kind = kind if kind in ("month", "quarter", "year") else "year"
        try:
            y = int(year) if year else today.year
        except ValueError:
            y = today.year
        y = min(max(y, 2000), 2100)
        limit = {"month": 12, "quarter": 4, "year": 1}[kind]
        default = {"month": today.month, "quarter": (today.month - 1) // 3 + 1, "year": 1}[kind]
        try:
            n = int(number) if number else default
        except ValueError:
            n = default
        return cls(kind, y, min(max(n, 1), limit))


@dataclass(frozen=True)
class CatalogFacts:
    procedures: int
    online: int
    with_fee: int
    complete_info: int
    population_data: int
    publication_known: int = 0  # procedures whose decision and effective dates are verified
    published_on_time: int = 0
    disclosure_known: int = 0  # … whose decision and disclosure dates are verified
    disclosed_on_time: int = 0


def catalog_version() -> tuple:
    """Changes whenever a procedure is published or changed: the key of the catalog caches below."""
    return tuple(Procedure.objects.aggregate(n=Count("id"), last=Max("current_version_id")).values())


@lru_cache(maxsize=4)
def _catalog_specs(version: tuple) -> tuple:
    return tuple(spec_of(p.current_version) for p in Procedure.objects.select_related("current_version"))


def catalog_facts(level: str, scope: str, version: tuple | None = None) -> CatalogFacts:
    """Procedures that apply to a scope: all for the country and a province; the commune's for a commune;
    the agency type's for an agency; one for a procedure. Scopes of a kind share their figures (cached)."""
    version = version or catalog_version()
    if level == "A":
        agency = _agency(scope)
        return _catalog_facts(version, "agency_type", agency.agency_type if agency else "")
    if level in ("F", "PF", "CF", "AF"):
        return _catalog_facts(version, "procedure", scope.split("|")[-1])
    if level in ("MF", "MP", "MA"):
        return _catalog_facts(version, "procedure", scope.split("|")[1])
    if level in ("M", "MS"):
        return _catalog_facts(version, "ministry", scope)
    return _catalog_facts(version, "level", "commune" if level == "C" else "")


@lru_cache(maxsize=1024)
def _catalog_facts(version: tuple, kind: str, key: str) -> CatalogFacts:
    specs = _catalog_specs(version)
    if kind == "level" and key:
        specs = [s for s in specs if s.level == key]
    elif kind == "agency_type":
        specs = [s for s in specs if s.agency_type == key]
    elif kind == "procedure":
        specs = [s for s in specs if s.code == key]
    elif kind == "ministry":  # "ministry" or "ministry|sector": what it governs and what its own units decide
        ministry, _, sector = key.partition("|")
        specs = [s for s in specs if ministry in ministries_of(s, s.agency_type)
                 and (not sector or s.sector_code == sector)]

    def complete(s) -> bool:  # the 7 components of Decree 63/2010 Art. 8(2)
        return all((s.name_vi, s.evidence, s.workflow.steps, s.statutory_days is not None, s.agency_type,
                    s.legal_basis, s.result_vi)) and s.fees is not None

    published = [publication.published_on_time(s.publication) for s in specs if s.publication]
    disclosed = [publication.disclosed_on_time(s.publication) for s in specs if s.publication]
    return CatalogFacts(
        publication_known=sum(v is not None for v in published), published_on_time=sum(v is True for v in published),
        disclosure_known=sum(v is not None for v in disclosed), disclosed_on_time=sum(v is True for v in disclosed),
        procedures=len(specs), online=sum(1 for s in specs if s.online_level in ("full", "partial")),
        with_fee=sum(1 for s in specs if s.fees.counter or s.fees.online),
        complete_info=sum(1 for s in specs if complete(s)),
        population_data=sum(1 for s in specs if any((f.registry or "") in ("population", "residence")
                                                    for f in s.fields) or any(e.source in ("population", "residence")
                                                                              for e in s.evidence)))


@lru_cache(maxsize=8192)
def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def clear_caches() -> None:
    _catalog_specs.cache_clear()
    _catalog_facts.cache_clear()
    _agency.cache_clear()


def counts_by_scope(level: str, period: Period, parent: str | None = None, scope: str | None = None,
                    today: date | None = None, busiest: int | None = None) -> dict[str, Counts]:
    """Summed counters of every scope of ``level`` (under ``parent``, or one ``scope``) for the period; with
    ``busiest``, of that many scopes that received the most dossiers."""
    today = today or timezone.localdate()
    filters = {"level": level, "month__gte": period.first_month, "month__lte": period.last_month}
    if parent is not None:
        filters["parent"] = parent
    if scope is not None:
        filters["scope"] = scope
    totals = KpiCounter.objects.filter(**filters).values("scope").annotate(**{name: Sum(name) for name in COUNTERS})
    open_due = KpiOpenDue.objects.filter(**filters, due_date__gte=today)
    if busiest is not None:
        totals = totals.order_by("-received", "scope")[:busiest]
    sums: dict[str, dict] = {row.pop("scope"): row for row in totals}
    if busiest is not None:
        open_due = open_due.filter(scope__in=list(sums))
    for row in open_due.values("scope").annotate(total=Sum("count")):
        sums.setdefault(row["scope"], {})["open_within_deadline"] = row["total"]
    for code, petitions in petition_counts(level, period.first_month, period.last_month, parent, scope, today).items():
        sums.setdefault(code, {}).update(petitions=petitions.received, petitions_on_time=petitions.on_time,
                                         petitions_rated=petitions.rated, petitions_satisfied=petitions.satisfied)
    used = _children_with(level, period, list(sums) if scope is None and parent is not None else None, scope)
    version = catalog_version()
    out = {}
    for code, values in sums.items():
        facts = catalog_facts(level, code, version)
        counts = Counts.from_mapping(values)
        counts.procedures, counts.procedures_online = facts.procedures, facts.online
        counts.procedures_with_fee, counts.procedures_complete_info = facts.with_fee, facts.complete_info
        counts.procedures_using_population_data = facts.population_data
        counts.procedures_publication_known = facts.publication_known
        counts.procedures_published_on_time = facts.published_on_time
        counts.procedures_disclosure_known = facts.disclosure_known
        counts.procedures_disclosed_on_time = facts.disclosed_on_time
        counts.procedures_online_used = used["online"].get(code, 0)
        counts.procedures_paid_online = used["paid_online"].get(code, 0)
        out[code] = counts
    return out


def _children_with(level: str, period: Period, scopes: list[str] | None, scope: str | None) -> dict:
    """Per scope, how many of its procedures received an online dossier / an online payment: counted in the
    database (one row per scope comes back, not one per procedure)."""
    child = CHILD_LEVEL.get(level)
    result: dict[str, dict[str, int]] = {"online": {}, "paid_online": {}}
    if child is None or scopes == []:
        return result
    rows = KpiCounter.objects.filter(level=child, month__gte=period.first_month, month__lte=period.last_month)
    if level == "M":
        if scope is not None:
            rows = rows.filter(scope__startswith=f"{scope}|")
        # a ministry's procedures sit under its sectors ("ministry|sector"): the ministry is the scope's first part
        key = Left("scope", StrIndex("scope", Value("|")) - 1)
    else:
        if scope is not None:
            rows = rows.filter(parent=scope)
        elif scopes is not None:
            rows = rows.filter(parent__in=scopes)
        key = F("parent")  # "" for the national level's procedures
    # per procedure, then per scope (a hash aggregate twice: cheaper than COUNT(DISTINCT), which sorts)
    per_procedure = rows.values("scope", key=key).annotate(online=Sum("online"), paid_online=Sum("paid_online"))
    inner, params = per_procedure.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, SUM(CASE WHEN online > 0 THEN 1 ELSE 0 END), "
                       f"SUM(CASE WHEN paid_online > 0 THEN 1 ELSE 0 END) FROM ({inner}) per_procedure GROUP BY key",
                       params)
        for code, online, paid_online in cursor.fetchall():
            result["online"][code], result["paid_online"][code] = int(online), int(paid_online)
    return result


@dataclass
class Row:
    code: str
    name: str
    counts: Counts
    index: Index
    rank: int | None = None  # None: not ranked (too few dossiers in the period)

    @property
    def on_time_share(self) -> float | None:
        return self.index.on_time_share

    @property
    def online_share(self) -> float | None:
        return self.counts.online_share

    @property
    def ranked(self) -> bool:
        return self.rank is not None


def rankable(counts: Counts) -> bool:
    """Enough dossiers in the period to be ranked (MOTCUA_INDEX_MIN_DOSSIERS): a unit with a handful of
    dossiers would rank on chance."""
    return counts.received >= settings.INDEX_MIN_DOSSIERS and counts.received > 0


def ranking(level: str, period: Period, parent: str | None = None, names: dict[str, str] | None = None) -> list[Row]:
    """The scopes of ``level`` ranked by score (the busiest only where :data:`BUSIEST` bounds the level)."""
    rows = []
    for code, counts in counts_by_scope(level, period, parent, busiest=BUSIEST.get(level)).items():
        rows.append(Row(code, (names or {}).get(code, code), counts, index(counts)))
    # On the share of the points at stake (units may differ in what is measured), busier units first on a tie;
    # units with too few dossiers follow, unranked, busiest first.
    rows.sort(key=lambda r: (not rankable(r.counts), -(r.index.share or 0) if rankable(r.counts) else 0,
                             -r.counts.received, r.code))
    for i, row in enumerate(r for r in rows if rankable(r.counts)):
        row.rank = i + 1
    return rows


def headline(level: str = "N", scope: str = "", period: Period | None = None) -> Row:
    """One scope's figures, with those national reports quote: dossiers received, online share, on-time share,
    online payments count and amount."""
    period = period or Period.parse(None, None, None)
    counts = counts_by_scope(level, period, scope=scope).get(scope, Counts())
    return Row(scope, "", counts, index(counts))


def trend(level: str, scope: str, year: int, today: date | None = None) -> list[dict]:
    """Month by month: dossiers received, on-time share and online share (for the trend chart); two queries."""
    today = today or timezone.localdate()
    filters = {"level": level, "scope": scope, "month__year": year}
    sums: dict[date, dict] = {row.pop("month"): row for row in KpiCounter.objects.filter(**filters).values(
        "month").annotate(received=Sum("received"), online=Sum("online"), finished_on_time=Sum("finished_on_time"))}
    for row in KpiOpenDue.objects.filter(**filters, due_date__gte=today).values("month").annotate(total=Sum("count")):
        sums.setdefault(row["month"], {})["open_within_deadline"] = row["total"]
    points = []
    for month in sorted(sums):
        values = sums[month]
        received = values.get("received", 0)
        if received:
            on_time = values.get("finished_on_time", 0) + values.get("open_within_deadline", 0)
            points.append({"month": month.month, "received": received, "on_time": min(1.0, on_time / received),
                           "online": values.get("online", 0) / received})
    return points


def names_for(level: str, codes, language: str = "vi") -> dict[str, str]:
    """The names of ``codes`` at ``level`` in ``language`` ("vi" or "en"; places have their Vietnamese names)."""
    name = f"name_{language}"
    if level == "P":
        return {c: d.name for c, d in divisions.provinces().items()}
    if level == "C":
        communes = divisions.communes()
        return {c: communes[c].name for c in codes if c in communes}
    if level == "A":
        return dict(Agency.objects.filter(code__in=list(codes)).values_list("code", name))
    if level in ("F", "PF", "CF", "AF"):
        titles = dict(Procedure.objects.values_list("code", name))
        return {c: titles.get(c.split("|")[-1], c) for c in codes}
    if level == "M":
        return {c: ministries()[c][language] for c in codes if c in ministries()}
    if level == "MS":
        sectors = dict(Procedure.objects.values_list("sector_code", f"sector_{language}"))
        return {c: sectors[c.split("|")[1]] for c in codes if c.count("|") == 1 and c.split("|")[1] in sectors}
    if level == "MF":
        titles = dict(Procedure.objects.values_list("code", name))
        return {c: titles[c.split("|")[1]] for c in codes if c.count("|") == 1 and c.split("|")[1] in titles}
    if level == "MP":
        titles = dict(Procedure.objects.values_list("code", name))
        return {c: province_name(c.split("|")[2], language) for c in codes
                if c.count("|") == 2 and c.split("|")[0] in ministries() and c.split("|")[1] in titles
                and province_name(c.split("|")[2])}
    if level == "MA":
        agencies = dict(Agency.objects.filter(code__in=[c.split("|")[-1] for c in codes]).values_list("code", name))
        return {c: agencies[c.split("|")[-1]] for c in codes if c.split("|")[-1] in agencies}
    return {}


def province_name(code: str, language: str = "vi") -> str:
    """A province's name; for a ministry's own departments, which have none, "central agencies"."""
    if code == CENTRAL:
        return in_language(language, "Cơ quan trung ương", "central agencies")
    province = divisions.provinces().get(code)
    return province.name if province else ""
