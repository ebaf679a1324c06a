"""Fee schedules in the database: import (all files valid, or nothing written), export, the version current at a
moment, and the quotes made from them for a dossier, a procedure page or the API."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml
from django.db import connection, transaction
from django.utils import timezone

from motcua.catalog.divisions import provinces
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import FEES_DIR, RoutingError, competent_agency, spec_of
from motcua.catalog.spec import ProcedureSpec
from motcua.core.errors import NotFound
from motcua.core.vietnamese import Key, collation_key
from motcua.dossiers.lifecycle import LOCAL_TZ
from motcua.dossiers.models import Dossier
from motcua.payments import fees
from motcua.payments.models import FeeSchedule as StoredSchedule
from motcua.payments.schedules import (
    FeeRule,
    FeeSchedule,
    Problem,
    Relief,
    ScheduleError,
    csv_problems,
    parse_schedule,
    read_csv,
    read_yaml,
    to_csv,
    to_document,
)

SUFFIXES = (".yaml", ".yml", ".json", ".csv")


def authority_of(agency: Agency) -> str:
    """Whose schedule applies to a dossier the agency decides: its ministry's, or its province's. A ministry's
    departments charge by their ministry's schedule: a department's code extends its ministry's, as in the national
    list of agency codes (the Immigration Department G01.QLXNC is a unit of G01, the Ministry of Public Security)."""
    return agency.code.partition(".")[0] if agency.level == "ministry" else agency.province_code


# --- files -------------------------------------------------------------------------------------------------

def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out += sorted(p for p in path.iterdir() if p.suffix in SUFFIXES) if path.is_dir() else [path]
    return out


def parse_file(path: Path, procedures: set[str]) -> FeeSchedule:
    """One schedule file, or :class:`ScheduleError` listing every problem with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError([Problem("", f"cannot be read: {exc}")]) from exc
    if path.suffix == ".csv":
        data, lines = read_csv(text)
        shape = csv_problems(data, lines)
        if shape:
            raise ScheduleError(shape)
    else:
        try:
            data, lines = read_yaml(text)  # JSON is YAML
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ScheduleError([Problem("", f"is not valid YAML/JSON: {getattr(exc, 'problem', exc)}",
                                         mark.line + 1 if mark else None)]) from exc
    return parse_schedule(data, lines, procedures)


def parse_files(paths: list[Path]) -> tuple[list[tuple[Path, FeeSchedule]], list[tuple[Path, Problem]]]:
    procedures = set(Procedure.objects.values_list("code", flat=True))
    parsed, problems = [], []
    for path in _files(paths):
        try:
            parsed.append((path, parse_file(path, procedures)))
        except ScheduleError as exc:
            problems += [(path, p) for p in exc.problems]
    ministries = set(Agency.objects.filter(level="ministry").exclude(code__contains=".").values_list("code", flat=True))
    seen: dict[str, Path] = {}
    for path, schedule in parsed:
        if schedule.kind == "ministry" and schedule.authority not in ministries:
            problems.append((path, Problem("authority", f"is not a ministry's agency code ('{schedule.authority}'; a "
                                                        "department charges by its ministry's schedule)")))
        if schedule.authority in seen:
            problems.append((path, Problem("authority", f"'{schedule.authority}' is also the authority of "
                                                        f"{seen[schedule.authority].name}: one file per schedule")))
        seen[schedule.authority] = path
    return parsed, problems


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[tuple[Path, Problem]] = field(default_factory=list)


def _digest(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def import_schedules(paths: list[Path] | None = None) -> ImportReport:
    """A new version of each schedule that changed; nothing at all when any file has a problem."""
    parsed, problems = parse_files(paths or [FEES_DIR])
    report = ImportReport(problems=problems)
    if problems:
        return report
    with transaction.atomic():
        for path, schedule in parsed:
            document = to_document(schedule)
            digest = _digest(document)
            latest = StoredSchedule.objects.select_for_update().filter(
                authority=schedule.authority).order_by("-number").first()
            if latest and latest.digest == digest:
                report.unchanged.append(schedule.authority)
                continue
            StoredSchedule.objects.create(authority=schedule.authority, number=latest.number + 1 if latest else 1,
                                          document=document, digest=digest, source=path.name,
                                          imported_at=timezone.now())
            report.created.append(schedule.authority)
    return report


def export_schedule(authority: str, target: Path, fmt: str = "yaml") -> Path:
    """The current version of a schedule, written to ``target`` (a folder: ``<authority>.<fmt>``)."""
    schedule = current_schedule(authority)
    if schedule is None:
        raise NotFound(authority)
    path = target / f"{authority}.{fmt}" if target.is_dir() else target
    if fmt == "csv":
        path.write_text(to_csv(schedule), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(to_document(schedule), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    return path


# --- versions ----------------------------------------------------------------------------------------------

_parsed: dict[str, FeeSchedule] = {}  # by digest: a stored version never changes, so it is parsed once a process


def _schedule(digest: str | None) -> FeeSchedule | None:
    """The stored version of that digest, its document read from the database only the first time."""
    if digest is None:
        return None
    if digest not in _parsed:
        document = StoredSchedule.objects.filter(digest=digest).values_list("document", flat=True).first()
        _parsed[digest] = parse_schedule(document)
    return _parsed[digest]


# Every quote asks which version was current at a moment: one narrow statement, written out because building
# it through the ORM costs several times its own round trip. Versions are numbered in the order they were
# imported: the highest number imported by then comes first; without any, the lowest (the first version).
_VERSION_AT = (f"SELECT digest FROM {StoredSchedule._meta.db_table} WHERE authority = %s "
               "ORDER BY CASE WHEN imported_at <= %s THEN -number ELSE number END LIMIT 1")


def current_schedule(authority: str, at: datetime | None = None) -> FeeSchedule | None:
    """The version current at ``at`` (now by default): the last imported by then. A dossier submitted before
    the first import is charged by the first version, whose dated rules cover the past it knows."""
    at = at or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_AT, [authority, at])
        row = cursor.fetchone()
    return _schedule(row[0] if row else None)


def current_schedules() -> list[FeeSchedule]:
    """The current version of every authority's schedule, in one query."""
    latest: dict[str, str] = {}
    for authority, digest in StoredSchedule.objects.order_by("imported_at", "number").values_list(
            "authority", "digest"):
        latest[authority] = digest
    return [s for a in sorted(latest) if (s := _schedule(latest[a]))]


# --- quotes ------------------------------------------------------------------------------------------------

def quote_for(spec: ProcedureSpec, schedule: FeeSchedule | None, channel: str, day: date,
              relief: str = "") -> fees.FeeQuote:
    rule = schedule.rule_in_force(spec.code, day) if schedule else None
    if schedule is None or rule is None:
        return fees.quote(spec.fees, channel, relief)
    return fees.quote_rule(schedule, rule, channel, day, relief)


def dossier_quote(dossier: Dossier, relief: str = "") -> fees.FeeQuote:
    """What the dossier owes: the rule in force on the day it was submitted, in the schedule then current for
    its competent agency (its province's, or its ministry's)."""
    submitted = dossier.submitted_at
    schedule = current_schedule(authority_of(dossier.competent_agency), submitted)
    return quote_for(spec_of(dossier.procedure_version), schedule, dossier.channel,
                     submitted.astimezone(LOCAL_TZ).date(), relief)


def claimed_relief(dossier: Dossier) -> str:
    """The exemption or reduction the applicant claimed when filing (its code), or ""."""
    submitted = dossier.actions.filter(kind="submit").values_list("data", flat=True).first() or {}
    return submitted.get("fee_claim", "")


def requested_quote(dossier: Dossier, request_seq: int | None) -> fees.FeeQuote:
    """The quote behind a payment request (the journal entry ``request_seq``), with the exemption or reduction
    it recorded; before any request, the one the applicant claimed (what the applicant is told to expect)."""
    if request_seq is None:
        return dossier_quote(dossier, claimed_relief(dossier))
    request = dossier.actions.filter(seq=request_seq).first()
    return dossier_quote(dossier, request.data.get("exemption", "") if request else "")


@dataclass(frozen=True)
class ReliefChoice:
    code: str
    label_vi: str
    label_en: str
    proof_vi: str = ""  # the document that proves it; none named: nothing to attach
    proof_en: str = ""
    basis_vi: str = ""  # the resolution that grants it, cited
    basis_en: str = ""


def reliefs_in_force(spec: ProcedureSpec, schedule: FeeSchedule | None, day: date) -> list[ReliefChoice]:
    """The exemptions and reductions a dossier may claim on ``day``: its rule's in ``schedule``, or the
    catalog's exemptions where no schedule covers the procedure."""
    rule = schedule.rule_in_force(spec.code, day) if schedule else None
    if schedule is None or rule is None:
        return [ReliefChoice(x, x, x) for x in spec.fees.exemptions]
    out = []
    for r in rule.reliefs_on(day):
        basis = schedule.resolution(r.basis)
        out.append(ReliefChoice(r.code, r.label_vi, r.label_en, r.proof_vi, r.proof_en,
                                basis.cite("vi") if basis else r.basis, basis.cite("en") if basis else r.basis))
    return out


def dossier_reliefs(dossier: Dossier) -> list[ReliefChoice]:
    """The exemptions and reductions in force at the dossier's submission for its competent agency."""
    submitted = dossier.submitted_at
    schedule = current_schedule(authority_of(dossier.competent_agency), submitted)
    return reliefs_in_force(spec_of(dossier.procedure_version), schedule, submitted.astimezone(LOCAL_TZ).date())


@dataclass(frozen=True)
class FeeClaim:
    """The exemption or reduction the applicant claimed when filing, and what became of it."""

    relief: ReliefChoice
    # "claimed": no fee asked yet (an accepted exemption asks none); "accepted" or "refused" once it is asked
    decision: str
    quote: fees.FeeQuote  # until the fee is asked, what the claim leaves owed; then what was asked

    @property
    def pending(self) -> bool:
        return self.decision == "claimed"


def fee_claim(dossier: Dossier, fee_request: int) -> FeeClaim | None:
    """The applicant's claim, with the rule it names (``fee_request``: the journal entry of the last payment
    request, 0 if none), or None when nothing (known) was claimed."""
    code = claimed_relief(dossier)
    relief = next((x for x in dossier_reliefs(dossier) if x.code == code), None) if code else None
    if relief is None:
        return None
    if not fee_request:
        return FeeClaim(relief, "claimed", requested_quote(dossier, None))
    request = dossier.actions.filter(seq=fee_request).values_list("data", flat=True).first() or {}
    return FeeClaim(relief, "refused" if request.get("fee_claim_refused") else "accepted",
                    requested_quote(dossier, fee_request))


@dataclass(frozen=True)
class ClaimChoices:
    """What a dossier's form offers to claim today: the exemptions and reductions in force by schedule, and one
    choice for each code."""

    local: list[LocalReliefs]
    choices: list[ReliefChoice]


def claim_choices(spec: ProcedureSpec, authority: str | None = None) -> ClaimChoices:
    """Every schedule's, or only ``authority``'s (as at an agency's counter)."""
    local = [found for found in procedure_reliefs(spec) if authority is None or found.schedule.authority == authority]
    choices = {x.code: x for found in reversed(local) for x in found.reliefs}
    return ClaimChoices(local, sorted(choices.values(), key=lambda x: x.label_vi))


@dataclass(frozen=True)
class LocalReliefs:
    """What a procedure's applicants may claim in one schedule on one day, as its form shows it."""

    schedule: FeeSchedule
    reliefs: list[ReliefChoice]


def procedure_reliefs(spec: ProcedureSpec, day: date | None = None) -> list[LocalReliefs]:
    """For each schedule with a rule for the procedure today, its exemptions and reductions in force."""
    day = day or timezone.localdate()
    return [LocalReliefs(s, found) for s in current_schedules()
            if s.rule_in_force(spec.code, day) and (found := reliefs_in_force(spec, s, day))]


@dataclass(frozen=True)
class LocalRates:
    """A procedure's rates on one day, both channels: under one schedule's rule, or (``schedule`` None) the
    catalog's national rates, which apply wherever no schedule has a rule for the procedure."""

    schedule: FeeSchedule | None
    counter: fees.FeeQuote
    online: fees.FeeQuote


def rates_under(spec: ProcedureSpec, schedule: FeeSchedule | None, day: date) -> LocalRates:
    ruled = schedule if schedule and schedule.rule_in_force(spec.code, day) else None
    return LocalRates(ruled, quote_for(spec, ruled, "counter", day), quote_for(spec, ruled, "online", day))


def _listed(schedule: FeeSchedule) -> tuple[bool, Key]:
    """Ministries first, then provinces in Vietnamese order of their names (Hà Nội under H)."""
    province = provinces().get(schedule.authority) if schedule.kind == "province" else None
    return province is not None, collation_key(province.bare if province else schedule.name_vi)


@dataclass(frozen=True)
class FeeOutlook:
    """What filing a procedure costs, as the citizen is told before filing. Where the fee is known — a ministry
    decides the procedure, the citizen chose the province, or no schedule has a rule for it (the national rate
    applies everywhere) — ``here`` holds the rates and the rule they come from; otherwise ``local`` lists each
    schedule with a rule for the procedure today, and ``national`` the rates everywhere else."""

    here: LocalRates | None
    local: list[LocalRates]
    national: LocalRates
    place: str = ""  # the province ``here`` applies to, when the citizen chose it
    varies: bool = False  # the fee depends on the province that decides the dossier


def fee_outlook(spec: ProcedureSpec, province_code: str = "", day: date | None = None) -> FeeOutlook:
    day = day or timezone.localdate()
    national = rates_under(spec, None, day)
    if spec.level == "ministry":
        try:
            authority = authority_of(competent_agency(spec))
        except RoutingError:  # no agency seeded for it yet: the catalog's rates
            return FeeOutlook(national, [], national)
        return FeeOutlook(rates_under(spec, current_schedule(authority), day), [], national)
    ruled = sorted((s for s in current_schedules() if s.rule_in_force(spec.code, day)), key=_listed)
    if province_code in provinces():
        return FeeOutlook(rates_under(spec, current_schedule(province_code), day), [], national,
                          provinces()[province_code].bare, varies=bool(ruled))
    if not ruled:
        return FeeOutlook(national, [], national)
    return FeeOutlook(None, [rates_under(spec, s, day) for s in ruled], national, varies=True)


@dataclass(frozen=True)
class RuleInForce:
    """One procedure's line of a schedule on a day: the rule, the rates it gives and why."""

    procedure: str
    name_vi: str
    name_en: str
    rule: FeeRule
    counter: fees.FeeQuote
    online: fees.FeeQuote
    reliefs: tuple[Relief, ...]


def schedule_in_force(authority: str, day: date | None = None) -> tuple[FeeSchedule, list[RuleInForce]]:
    """The current schedule of ``authority`` and its rules in force on ``day`` (today by default)."""
    schedule = current_schedule(authority)
    if schedule is None:
        raise NotFound(authority)
    day = day or timezone.localdate()
    names = {p.code: p for p in Procedure.objects.filter(code__in={r.procedure for r in schedule.rules})}
    lines = []
    for rule in schedule.in_force(day):
        procedure = names.get(rule.procedure)
        lines.append(RuleInForce(
            rule.procedure, procedure.name_vi if procedure else rule.procedure,
            procedure.name_en if procedure else rule.procedure, rule,
            fees.quote_rule(schedule, rule, "counter", day), fees.quote_rule(schedule, rule, "online", day),
            rule.reliefs_on(day)))
    return schedule, sorted(lines, key=lambda line: line.procedure)
