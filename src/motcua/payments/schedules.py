"""Fee schedules as data: what each province's People's Council (or a ministry, for the procedures it decides)
charges per procedure, over time. Pure Python, no Django.

A schedule lists the resolutions it rests on and, per procedure, dated rules: the counter and online rates,
periods in which filing online costs nothing, and the exemptions and reductions (with the documents that prove
them). Every value may be marked ``verified: false`` where it could not be checked against the published text.

:func:`parse_schedule` reads one schedule (from YAML, JSON or CSV, all turned into the same mapping first) and
reports *every* problem with its field path, and the line where the file has one, so an import can list them
all and write nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from motcua.catalog.divisions import provinces

KINDS = ("province", "ministry")
RELIEF_KINDS = ("exemption", "reduction")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path or '(file)'}: {self.message}"


class ScheduleError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included; no end: until further notice."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        return (self.end is None or other.start <= self.end) and (other.end is None or self.start <= other.end)

    def describe(self, language: str) -> str:
        start = day_month_year(self.start)
        if self.end is None:
            return f"từ {start}" if language == "vi" else f"from {start}"
        end = day_month_year(self.end)
        return f"từ {start} đến {end}" if language == "vi" else f"from {start} to {end}"


def day_month_year(day: date) -> str:
    """dd/mm/yyyy, as Vietnamese texts write dates (formatted by hand: strftime costs ten times more)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


@dataclass(frozen=True)
class Amount:
    value: int
    verified: bool = True


@dataclass(frozen=True)
class Resolution:
    """The legal basis of a rate: a People's Council resolution (or a ministry's circular)."""

    number: str
    signed: date
    title: str
    verified: bool = True

    def cite(self, language: str) -> str:
        kind_vi, kind_en = ("Thông tư", "circular") if "/TT-" in self.number else ("Nghị quyết", "resolution")
        if language == "vi":
            return f"{kind_vi} {self.number} ngày {day_month_year(self.signed)}"
        return f"{kind_en} {self.number} of {day_month_year(self.signed)}"


@dataclass(frozen=True)
class OnlineFree:
    """A period in which a dossier filed online pays nothing (to encourage online filing)."""

    period: Period
    basis: str
    verified: bool = True


@dataclass(frozen=True)
class Relief:
    """An exemption (nothing owed) or a reduction (a percentage off, or a fixed lower amount) for a category of
    applicants, on the proof the rule names."""

    code: str
    kind: str
    label_vi: str
    label_en: str
    basis: str
    period: Period | None = None  # None: as long as the rule
    percent: int | None = None  # reduction: the share taken off
    pays: int | None = None  # reduction: the amount paid instead
    proof_vi: str = ""
    proof_en: str = ""
    verified: bool = True

    def apply(self, amount: int) -> int:
        if self.kind == "exemption":
            return 0
        if self.percent is not None:
            return amount * (100 - self.percent) // 100
        return min(amount, self.pays or 0)

    def label(self, language: str) -> str:
        return self.label_vi if language == "vi" else self.label_en


@dataclass(frozen=True)
class FeeRule:
    procedure: str
    period: Period
    counter: Amount
    online: Amount
    basis: str
    online_free: tuple[OnlineFree, ...] = ()
    reliefs: tuple[Relief, ...] = ()
    note: str = ""

    @property
    def verified(self) -> bool:
        return self.counter.verified and self.online.verified

    def relief(self, code: str) -> Relief | None:
        return next((r for r in self.reliefs if r.code == code), None)

    def reliefs_on(self, day: date) -> tuple[Relief, ...]:
        return tuple(r for r in self.reliefs if r.period is None or r.period.covers(day))

    def online_free_on(self, day: date) -> OnlineFree | None:
        return next((f for f in self.online_free if f.period.covers(day)), None)


@dataclass(frozen=True)
class FeeSchedule:
    authority: str  # a province's 2-digit code, or a ministry's agency code
    kind: str
    name_vi: str
    name_en: str
    resolutions: tuple[Resolution, ...]
    rules: tuple[FeeRule, ...]
    # Quotes already explained, by (rule, channel, zero-fee period, relief) — all parts of this immutable
    # schedule, so the explanation (formatted text) is written once, not at each quote.
    explained: dict[tuple[int, str, int, int], Any] = field(default_factory=dict, compare=False, repr=False,
                                                            hash=False)

    def resolution(self, number: str) -> Resolution | None:
        return next((r for r in self.resolutions if r.number == number), None)

    def rule_in_force(self, procedure: str, day: date) -> FeeRule | None:
        """The rule for ``procedure`` on ``day``; rules of one procedure never overlap (checked on import)."""
        return next((r for r in self.rules if r.procedure == procedure and r.period.covers(day)), None)

    def in_force(self, day: date) -> list[FeeRule]:
        return [r for r in self.rules if r.period.covers(day)]

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en


# --- reading -----------------------------------------------------------------------------------------------

class _Reader:
    """Typed reads from the schedule mapping, every problem kept with its path (and line, when known)."""

    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        line = self.lines.get(path)
        probe = path
        while line is None and probe:  # a missing key is reported at the line of the entry holding it
            probe = probe.rpartition(".")[0] if "." in probe else probe.rpartition("[")[0]
            line = self.lines.get(probe)
        self.problems.append(Problem(path, message, line))

    def value(self, data: Any, key: str, path: str, kind: type | tuple[type, ...], required: bool = True,
              default: Any = None) -> Any:
        where = f"{path}.{key}" if path else key
        if not isinstance(data, dict):
            self.fail(path, "must be a mapping")
            return default
        found = data.get(key)
        if found is None or found == "":
            if required:
                self.fail(where, "is required")
            return default
        if kind is int and isinstance(found, str) and found.strip().isdigit():
            found = int(found)  # CSV cells are text
        if kind is bool and isinstance(found, str) and found.lower() in ("true", "false"):
            found = found.lower() == "true"
        if isinstance(found, bool) and kind is not bool or not isinstance(found, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(where, f"must be {names}, got {type(found).__name__}")
            return default
        return found

    def text(self, data: Any, key: str, path: str, required: bool = True) -> str:
        return str(self.value(data, key, path, str, required, "")).strip()

    def day(self, data: Any, key: str, path: str, required: bool = True) -> date | None:
        found = self.value(data, key, path, (date, str), required)
        if isinstance(found, str):
            try:
                return date.fromisoformat(found.strip())
            except ValueError:
                self.fail(f"{path}.{key}", f"must be a date YYYY-MM-DD, got '{found}'")
                return None
        return found if isinstance(found, date) else None

    def period(self, data: Any, path: str, required: bool = True) -> Period | None:
        start, end = self.day(data, "from", path, required), self.day(data, "to", path, False)
        if start and end and end < start:
            self.fail(f"{path}.to", "must not be before from")
        return Period(start, end) if start else None

    def amount(self, data: Any, key: str, path: str) -> Amount:
        """``75000`` or ``{value: 75000, verified: false}``."""
        where = f"{path}.{key}"
        raw = data.get(key) if isinstance(data, dict) else None
        if isinstance(raw, dict):
            value = self.value(raw, "value", where, int, True, 0)
            verified = self.value(raw, "verified", where, bool, False, True)
        else:
            value, verified = self.value(data, key, path, int, True, 0), True
        if value < 0:
            self.fail(where, "must be >= 0")
        return Amount(value, verified)

    def label(self, data: Any, key: str, path: str, required: bool = True) -> tuple[str, str]:
        found = self.value(data, key, path, dict, required, {})
        where = f"{path}.{key}" if path else key
        return self.text(found, "vi", where, required), self.text(found, "en", where, required)

    def basis(self, data: Any, path: str, numbers: Collection[str]) -> str:
        number = self.text(data, "basis", path)
        if number and number not in numbers:
            self.fail(f"{path}.basis", f"names no resolution listed in this schedule ('{number}')")
        return number


def parse_schedule(data: Any, lines: dict[str, int] | None = None,
                   procedures: Collection[str] | None = None) -> FeeSchedule:
    """The schedule, or :class:`ScheduleError` with every problem. ``procedures``: the codes it may name."""
    r = _Reader(lines or {})
    if not isinstance(data, dict):
        raise ScheduleError([Problem("", "a schedule must be a mapping")])
    kind = r.text(data, "kind", "")
    if kind and kind not in KINDS:
        r.fail("kind", f"must be one of {', '.join(KINDS)}")
    authority = r.text(data, "authority", "")
    if kind == "province" and authority and authority not in provinces():
        r.fail("authority", f"is not a province code ('{authority}')")
    name_vi, name_en = r.label(data, "name", "")
    resolutions = []
    for i, item in enumerate(r.value(data, "resolutions", "", list, True, [])):
        p = f"resolutions[{i}]"
        resolutions.append(Resolution(r.text(item, "number", p), r.day(item, "date", p) or date.min,
                                      r.text(item, "title", p), r.value(item, "verified", p, bool, False, True)))
    numbers = [x.number for x in resolutions]
    for i, number in enumerate(numbers):
        if number in numbers[:i]:
            r.fail(f"resolutions[{i}].number", f"duplicate resolution '{number}'")
    rules = [_rule(r, item, f"rules[{i}]", numbers, procedures)
             for i, item in enumerate(r.value(data, "rules", "", list, True, []))]
    for i, rule in enumerate(rules):
        for other in rules[:i]:
            if rule.procedure == other.procedure and rule.period.overlaps(other.period):
                r.fail(f"rules[{i}].from", f"overlaps another rule of procedure {rule.procedure}: one rule is in "
                                           "force on a day")
                break
    if r.problems:
        raise ScheduleError(r.problems)
    return FeeSchedule(authority, kind, name_vi, name_en, tuple(resolutions), tuple(rules))


def _rule(r: _Reader, item: Any, p: str, numbers: list[str], procedures: Collection[str] | None) -> FeeRule:
    code = r.text(item, "procedure", p)
    if code and procedures is not None and code not in procedures:
        r.fail(f"{p}.procedure", f"is not a procedure of the catalog ('{code}')")
    period = r.period(item, p) or Period(date.min)
    free = []
    for j, entry in enumerate(r.value(item, "online_free", p, list, False, [])):
        q = f"{p}.online_free[{j}]"
        free.append(OnlineFree(r.period(entry, q) or Period(date.min), r.basis(entry, q, numbers),
                               r.value(entry, "verified", q, bool, False, True)))
    reliefs = []
    for j, entry in enumerate(r.value(item, "reliefs", p, list, False, [])):
        reliefs.append(_relief(r, entry, f"{p}.reliefs[{j}]", numbers))
    codes = [x.code for x in reliefs]
    for j, relief_code in enumerate(codes):
        if relief_code in codes[:j]:
            r.fail(f"{p}.reliefs[{j}].code", f"duplicate relief '{relief_code}'")
    return FeeRule(code, period, r.amount(item, "counter", p), r.amount(item, "online", p),
                   r.basis(item, p, numbers), tuple(free), tuple(reliefs), r.text(item, "note", p, False))


def _relief(r: _Reader, entry: Any, q: str, numbers: list[str]) -> Relief:
    kind = r.text(entry, "kind", q)
    if kind and kind not in RELIEF_KINDS:
        r.fail(f"{q}.kind", f"must be one of {', '.join(RELIEF_KINDS)}")
    percent = r.value(entry, "percent", q, int, False)
    pays = r.value(entry, "pays", q, int, False)
    if kind == "reduction" and (percent is None) == (pays is None):
        r.fail(q, "a reduction gives either percent or pays")
    if kind == "exemption" and (percent is not None or pays is not None):
        r.fail(q, "an exemption owes nothing: neither percent nor pays")
    if percent is not None and not 0 < percent <= 100:
        r.fail(f"{q}.percent", "must be between 1 and 100")
    if pays is not None and pays < 0:
        r.fail(f"{q}.pays", "must be >= 0")
    label_vi, label_en = r.label(entry, "label", q)
    proof_vi, proof_en = r.label(entry, "proof", q, False)
    has_dates = isinstance(entry, dict) and ("from" in entry or "to" in entry)
    return Relief(r.text(entry, "code", q), kind, label_vi, label_en, r.basis(entry, q, numbers),
                  r.period(entry, q) if has_dates else None, percent, pays, proof_vi, proof_en,
                  r.value(entry, "verified", q, bool, False, True))


# --- files: YAML with its lines, CSV as records ------------------------------------------------------------

class _TextDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when built
    """Dates stay text, so that a wrong one (2026-13-01) is reported at its field instead of failing the file."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """The document and the line (1-based) of each value's path, for messages that point into the file."""
    node = yaml.compose(text, Loader=_TextDates)
    lines: dict[str, int] = {}

    def walk(n: yaml.Node, path: str) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, child in n.value:
                walk(child, f"{path}.{key.value}" if path else str(key.value))
        elif isinstance(n, yaml.SequenceNode):
            for i, child in enumerate(n.value):
                walk(child, f"{path}[{i}]")

    if node is not None:
        walk(node, "")
    return yaml.load(text, Loader=_TextDates), lines  # noqa: S506 — a safe loader


CSV_COLUMNS = ("record", "procedure", "code", "kind", "from", "to", "counter", "online", "percent", "pays",
               "basis", "label_vi", "label_en", "proof_vi", "proof_en", "unverified", "note")


def read_csv(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """One record a row (``schedule``, ``resolution``, ``rule``, ``online_free``, ``relief``): an
    ``online_free`` or ``relief`` row belongs to the ``rule`` row above it. ``unverified`` names the values
    that could not be verified (``counter online``, or ``yes`` for the whole row). Returns the same mapping a
    YAML schedule gives, with the line of each path."""
    rows = csv.DictReader(io.StringIO(text))
    data: dict[str, Any] = {"resolutions": [], "rules": []}
    lines: dict[str, int] = {}
    if "record" not in (rows.fieldnames or []):
        return {"__csv__": "the header must name the columns " + ", ".join(CSV_COLUMNS)}, {}
    for row in rows:
        line = rows.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        record, unverified = cells.get("record", ""), set(cells.get("unverified", "").split())
        whole = "yes" not in unverified
        if record == "schedule":
            data.update(authority=cells.get("code"), kind=cells.get("kind"),
                        name={"vi": cells.get("label_vi"), "en": cells.get("label_en")})
            for key in ("authority", "kind", "name"):
                lines[key] = line
            continue
        if record == "resolution":
            path = f"resolutions[{len(data['resolutions'])}]"
            data["resolutions"].append({"number": cells.get("code"), "date": cells.get("from"),
                                        "title": cells.get("label_vi"), "verified": whole})
        elif record == "rule":
            path = f"rules[{len(data['rules'])}]"
            data["rules"].append({
                "procedure": cells.get("procedure"), "from": cells.get("from"), "to": cells.get("to"),
                "counter": _cell_amount(cells.get("counter"), whole and "counter" not in unverified),
                "online": _cell_amount(cells.get("online"), whole and "online" not in unverified),
                "basis": cells.get("basis"), "note": cells.get("note"), "online_free": [], "reliefs": []})
        elif record in ("online_free", "relief") and data["rules"]:
            rule = data["rules"][-1]
            if record == "online_free":
                path = f"rules[{len(data['rules']) - 1}].online_free[{len(rule['online_free'])}]"
                rule["online_free"].append({"from": cells.get("from"), "to": cells.get("to"),
                                            "basis": cells.get("basis"), "verified": whole})
            else:
                path = f"rules[{len(data['rules']) - 1}].reliefs[{len(rule['reliefs'])}]"
                relief = {"code": cells.get("code"), "kind": cells.get("kind"), "percent": cells.get("percent"),
                          "pays": cells.get("pays"), "basis": cells.get("basis"), "verified": whole,
                          "label": {"vi": cells.get("label_vi"), "en": cells.get("label_en")}}
                if cells.get("proof_vi") or cells.get("proof_en"):
                    relief["proof"] = {"vi": cells.get("proof_vi"), "en": cells.get("proof_en")}
                if cells.get("from") or cells.get("to"):
                    relief.update({"from": cells.get("from"), "to": cells.get("to")})
                rule["reliefs"].append(relief)
        else:
            key = f"row{line}"
            data.setdefault("__rows__", []).append(key)
            lines[key] = line
            continue
        for sub in _paths(data, path):
            lines[sub] = line
    return data, lines


def _cell_amount(cell: str | None, verified: bool) -> Any:
    return cell if verified else {"value": cell, "verified": False}


def _paths(data: dict[str, Any], path: str) -> Iterator[str]:
    """The path of a CSV record and of its fields, all on the record's line."""
    yield path
    target: Any = data
    for part in path.replace("]", "").replace("[", ".").split("."):
        target = target[int(part)] if part.isdigit() else target[part]
    for key, value in target.items():
        yield f"{path}.{key}"
        if isinstance(value, dict):
            yield from (f"{path}.{key}.{k}" for k in value)


def csv_problems(data: dict[str, Any], lines: dict[str, int]) -> list[Problem]:
    """What a CSV file's shape gets wrong before its values are checked: no header, unknown records."""
    if "__csv__" in data:
        return [Problem("", data["__csv__"], 1)]
    return [Problem("record", "must be one of schedule, resolution, rule, online_free, relief (an online_free or "
                              "relief row follows its rule row)", lines[key]) for key in data.get("__rows__", [])]


def to_document(schedule: FeeSchedule) -> dict[str, Any]:
    """The schedule as a YAML/JSON mapping, read back by :func:`parse_schedule` into the same schedule."""

    def amount(a: Amount) -> Any:
        return a.value if a.verified else {"value": a.value, "verified": False}

    def period(p: Period | None) -> dict[str, str]:
        if p is None:
            return {}
        return {"from": p.start.isoformat(), **({"to": p.end.isoformat()} if p.end else {})}

    def flag(verified: bool) -> dict[str, bool]:
        return {} if verified else {"verified": False}

    return {
        "authority": schedule.authority, "kind": schedule.kind,
        "name": {"vi": schedule.name_vi, "en": schedule.name_en},
        "resolutions": [{"number": x.number, "date": x.signed.isoformat(), "title": x.title, **flag(x.verified)}
                        for x in schedule.resolutions],
        "rules": [{
            "procedure": rule.procedure, **period(rule.period), "counter": amount(rule.counter),
            "online": amount(rule.online), "basis": rule.basis, **({"note": rule.note} if rule.note else {}),
            **({"online_free": [{**period(f.period), "basis": f.basis, **flag(f.verified)}
                                for f in rule.online_free]} if rule.online_free else {}),
            **({"reliefs": [{
                "code": x.code, "kind": x.kind, "label": {"vi": x.label_vi, "en": x.label_en}, "basis": x.basis,
                **period(x.period), **({"percent": x.percent} if x.percent is not None else {}),
                **({"pays": x.pays} if x.pays is not None else {}),
                **({"proof": {"vi": x.proof_vi, "en": x.proof_en}} if x.proof_vi or x.proof_en else {}),
                **flag(x.verified)} for x in rule.reliefs]} if rule.reliefs else {}),
        } for rule in schedule.rules],
    }


def to_csv(schedule: FeeSchedule) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()

    def row(**cells: Any) -> None:
        writer.writerow({k: "" if v is None else v for k, v in cells.items()})

    def dates(p: Period | None) -> dict[str, Any]:
        return {"from": p.start.isoformat(), "to": p.end.isoformat() if p.end else ""} if p else {}

    def unverified(*names: tuple[str, bool]) -> str:
        return " ".join(name for name, verified in names if not verified)

    row(record="schedule", code=schedule.authority, kind=schedule.kind, label_vi=schedule.name_vi,
        label_en=schedule.name_en)
    for resolution in schedule.resolutions:
        row(record="resolution", code=resolution.number, label_vi=resolution.title,
            unverified=unverified(("yes", resolution.verified)), **{"from": resolution.signed.isoformat()})
    for rule in schedule.rules:
        row(record="rule", procedure=rule.procedure, counter=rule.counter.value, online=rule.online.value,
            basis=rule.basis, note=rule.note,
            unverified=unverified(("counter", rule.counter.verified), ("online", rule.online.verified)),
            **dates(rule.period))
        for f in rule.online_free:
            row(record="online_free", basis=f.basis, unverified=unverified(("yes", f.verified)), **dates(f.period))
        for x in rule.reliefs:
            row(record="relief", code=x.code, kind=x.kind, percent=x.percent, pays=x.pays, basis=x.basis,
                label_vi=x.label_vi, label_en=x.label_en, proof_vi=x.proof_vi, proof_en=x.proof_en,
                unverified=unverified(("yes", x.verified)), **dates(x.period))
    return out.getvalue()
