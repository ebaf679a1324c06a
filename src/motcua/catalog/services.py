"""Catalog import/export, agency seeding and routing to the competent agency."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import QuerySet

from motcua.catalog import divisions
from motcua.catalog.groups import RESULT_DOCUMENT, GroupSpec, parse_group
from motcua.catalog.models import Agency, Procedure, ProcedureVersion
from motcua.catalog.spec import EFFECT_RESULTS, ProcedureSpec, SpecError, SpecIssue, parse_procedure
from motcua.core.errors import Invalid

DATA_DIR = Path(__file__).resolve().parent / "data"
PROCEDURES_DIR = DATA_DIR / "procedures"
GROUPS_DIR = DATA_DIR / "groups"
FEES_DIR = DATA_DIR / "fees"  # fee schedules of provinces and ministries, read by the payments capability


def fold_text(text: str) -> str:
    """Lower-case and strip Vietnamese accents, so 'khai sinh' finds 'Khai Sinh' and 'khai sính'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


LEVELS = ("ministry", "province", "commune")
ONLINE_LEVELS = ("full", "partial")


def search_procedures(q: str = "", level: str | None = None, sector: str | None = None,
                      online_level: str | None = None) -> QuerySet[Procedure]:
    """Procedures whose name, code or sector hold every word of ``q`` (accents optional), by name; a level
    or online level that is not one of the known values filters nothing."""
    found = Procedure.objects.all()
    for word in fold_text(q).split():
        found = found.filter(search_text__contains=word)
    if level in LEVELS:
        found = found.filter(level=level)
    if online_level in ONLINE_LEVELS:
        found = found.filter(online_level=online_level)
    if sector:
        found = found.filter(sector_code=sector)
    return found.order_by("name_vi")


def _load_file(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


@cache
def shared_workflows() -> dict[str, list]:
    return _load_file(DATA_DIR / "workflows.yaml")


@cache
def agency_types() -> dict[str, dict]:
    return _load_file(DATA_DIR / "agency_types.yaml")


@cache
def ministries() -> dict[str, dict[str, str]]:
    """The Government's ministries and ministerial-level agencies: code → {vi, en}."""
    return _load_file(DATA_DIR / "ministries.yaml")


@cache
def unit_ministry(agency_type: str) -> str:
    """The ministry whose own unit an agency of this type is (a department of the ministry, or a vertical office
    such as the provincial police or tax office); "" for a local authority's agency."""
    return next((t.get("ministry", "") for level in agency_types().values() for key, t in level.items()
                 if key == agency_type), "")


def ministries_of(spec: ProcedureSpec, agency_type: str) -> list[str]:
    """The ministries a dossier counts for, as the national index ranks them: the one governing its procedure,
    and the one whose own unit decides it (a department, or a vertical office such as the provincial police)."""
    return sorted({m for m in (spec.ministry_code, unit_ministry(agency_type)) if m})


def catalog_issues(specs: Iterable[tuple[Path, ProcedureSpec]]) -> list[tuple[str, SpecIssue]]:
    """What no single definition shows: agency types naming an unknown ministry, and a sector named or governed
    differently by two procedures (a sector belongs to one ministry, as in the national database)."""
    errors = [("agency_types.yaml", SpecIssue(f"{level}.{key}.ministry", f"unknown ministry '{t['ministry']}'"))
              for level, types in agency_types().items() for key, t in types.items()
              if t.get("ministry") and t["ministry"] not in ministries()]
    first: dict[str, tuple[Path, ProcedureSpec]] = {}
    for path, spec in specs:
        seen = first.setdefault(spec.sector_code, (path, spec))[1]
        if (seen.sector_vi, seen.sector_en) != (spec.sector_vi, spec.sector_en):
            errors.append((str(path), SpecIssue("sector.name", f"sector '{spec.sector_code}' is named "
                                                               f"'{seen.sector_vi}' in {first[spec.sector_code][0]}")))
        if seen.ministry_code != spec.ministry_code:
            errors.append((str(path), SpecIssue("ministry.code", f"sector '{spec.sector_code}' is governed by "
                                                                 f"{seen.ministry_code} in {first[spec.sector_code][0]}")))
    return errors


# The base registries a definition may name as a source. They stand above the catalog, which must not import
# them: the registries app hands over its (lazily discovered) keys at start-up.
_sources: Iterable[str] = ()


def use_sources(keys: Iterable[str]) -> None:
    global _sources
    _sources = keys


@dataclass
class ImportReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[tuple[str, SpecIssue]]

    @property
    def ok(self) -> bool:
        return not self.errors


def _definition_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
        else:
            files.append(path)
    return files


def parse_files(paths: list[Path]) -> tuple[list[tuple[Path, ProcedureSpec, dict]], list[tuple[str, SpecIssue]]]:
    """Parse every file; return the good ones and every problem of the bad ones."""
    parsed, errors = [], []
    seen: dict[str, Path] = {}
    known_types = {t for level in agency_types().values() for t in level}
    sources = frozenset(_sources)
    for path in _definition_files(paths):
        try:
            data = _load_file(path)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            errors.append((str(path), SpecIssue("", f"cannot be read: {exc}")))
            continue
        try:  # definitions are stored as JSON: YAML-only values (an unquoted date) are refused here
            data = json.loads(json.dumps(data))
        except TypeError as exc:
            errors.append((str(path), SpecIssue("", f"holds a value that is not plain data: {exc}")))
            continue
        try:
            spec = parse_procedure(data, shared_workflows(), sources=sources, ministries=ministries())
        except SpecError as exc:
            errors += [(str(path), issue) for issue in exc.issues]
            continue
        if spec.agency_type not in agency_types().get(spec.level, {}):
            hint = "" if spec.agency_type in known_types else " (unknown agency type)"
            errors.append((str(path), SpecIssue("agency_type", f"'{spec.agency_type}' is not a {spec.level}-level agency type{hint}")))
            continue
        if spec.code in seen:
            errors.append((str(path), SpecIssue("code", f"'{spec.code}' is also defined in {seen[spec.code]}")))
            continue
        seen[spec.code] = path
        resolved = dict(data)
        resolved["workflow"] = data["workflow"] if isinstance(data["workflow"], list) else shared_workflows()[data["workflow"]]
        parsed.append((path, spec, resolved))
    errors += catalog_issues((path, spec) for path, spec, _definition in parsed)
    return parsed, errors


def _digest(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def import_procedures(paths: list[Path]) -> ImportReport:
    """All or nothing: if any file has a problem, nothing is written."""
    parsed, errors = parse_files(paths)
    report = ImportReport([], [], [], errors)
    if errors:
        return report
    with transaction.atomic():
        for _path, spec, definition in parsed:
            _publish(spec, definition, report)
    procedure_groups.cache_clear()
    return report


def _publish(spec: ProcedureSpec, definition: dict, report: ImportReport) -> None:
    digest = _digest(definition)
    fields = dict(
        name_vi=spec.name_vi, name_en=spec.name_en, sector_code=spec.sector_code,
        sector_vi=spec.sector_vi, sector_en=spec.sector_en, level=spec.level,
        online_level=spec.online_level, statutory_days=spec.statutory_days, eid_level=spec.eid_level,
        counter_fee=spec.fees.counter, online_fee=spec.fees.online,
        search_text=fold_text(f"{spec.code} {spec.name_vi} {spec.name_en} {spec.sector_vi} {spec.sector_en}"),
    )
    procedure, created = Procedure.objects.select_for_update().get_or_create(code=spec.code, defaults=fields)
    current = procedure.current_version
    if current is not None and current.digest == digest:
        report.unchanged.append(spec.code)
        return
    number = 1 if current is None else current.number + 1
    version = ProcedureVersion.objects.create(procedure=procedure, number=number, definition=definition, digest=digest)
    for key, value in fields.items():
        setattr(procedure, key, value)
    procedure.current_version = version
    procedure.save()
    (report.created if created else report.updated).append(spec.code)


def export_procedures(target: Path, fmt: str = "yaml") -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for procedure in Procedure.objects.select_related("current_version").order_by("code"):
        assert procedure.current_version is not None, "an imported procedure has a current version"
        definition = procedure.current_version.definition
        path = target / f"{procedure.code}.{fmt}"
        if fmt == "json":
            path.write_text(json.dumps(definition, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8")
        written.append(path)
    return written


_parsed_versions: dict[tuple[int, str], ProcedureSpec] = {}


def spec_of(version: ProcedureVersion) -> ProcedureSpec:
    """The parsed definition of a version (cached: published versions never change)."""
    key = (version.pk, version.digest)
    spec = _parsed_versions.get(key)
    if spec is None:
        spec = _parsed_versions[key] = parse_procedure(version.definition, sources=frozenset(_sources))
    return spec


# --- agencies -------------------------------------------------------------------------------------

def province_agency_code(suffix: str, province_code: str) -> str:
    return f"H{province_code}.{suffix}"


def commune_agency_code(suffix: str, commune: divisions.Division) -> str:
    return f"H{commune.province_code}.X{commune.code}.{suffix}"


def seed_agencies() -> int:
    """Create every agency of every type for the 34 provinces and 3,321 communes (idempotent: an agency whose
    code exists is left as it is, so a type added to ``agency_types.yaml`` is seeded by the next run)."""
    types = agency_types()
    rows = []
    for key, t in types.get("ministry", {}).items():
        rows.append(Agency(code=t["code"], name_vi=t["vi"], name_en=t["en"], level="ministry", agency_type=key))
    for p in divisions.provinces().values():
        for key, t in types.get("province", {}).items():
            rows.append(Agency(code=province_agency_code(t["suffix"], p.code),
                               name_vi=t["vi"].format(name=p.name, province=p.titled),
                               name_en=t["en"].format(name=p.name, province=p.titled), level="province",
                               agency_type=key, province_code=p.code))
    for c in divisions.communes().values():
        for key, t in types.get("commune", {}).items():
            rows.append(Agency(code=commune_agency_code(t["suffix"], c), name_vi=t["vi"].format(name=c.name),
                               name_en=t["en"].format(name=c.name), level="commune", agency_type=key,
                               province_code=c.province_code, commune_code=c.code))
    existing = set(Agency.objects.values_list("code", flat=True))
    new = [a for a in rows if a.code not in existing]
    Agency.objects.bulk_create(new, batch_size=2000)  # sends no post_save: forget cached lookups here
    forget_agencies()
    return len(new)


@cache
def _agencies_by_place() -> dict[tuple[str, str, str, str], Agency]:
    """Every agency under (level, type, province, commune) and under the shorter keys lookups use (province or
    commune left empty: any), each key to the first agency by id. Agencies are reference data: read in one query
    once per process (forgotten when they change), where a lookup per place cost a query each."""
    index: dict[tuple[str, str, str, str], Agency] = {}
    for a in Agency.objects.order_by("pk"):
        for province in ("", a.province_code):
            for commune in ("", a.commune_code):
                index.setdefault((a.level, a.agency_type, province, commune), a)
    return index


def agency_of(level: str, agency_type: str, province_code: str = "", commune_code: str = "") -> Agency | None:
    """The first agency of that level and type in the province and commune given (either may be empty: any)."""
    return _agencies_by_place().get((level, agency_type, province_code, commune_code))


def forget_agencies() -> None:
    _agencies_by_place.cache_clear()


class RoutingError(Invalid):
    """No competent agency for the place chosen."""

    def __init__(self, field: str, vi: str, en: str) -> None:
        super().__init__("routing", vi, en, field)


def competent_agency(spec: ProcedureSpec, commune_code: str = "", province_code: str = "") -> Agency:
    """The agency competent for ``spec`` for an applicant of the given commune/province.

    Submission has no administrative boundary: any commune or province may be chosen."""
    if spec.level == "ministry":
        filters = {}
    elif spec.level == "province":
        if commune_code and not province_code:
            commune = divisions.communes().get(commune_code)
            province_code = commune.province_code if commune else ""
        if province_code not in divisions.provinces():
            raise RoutingError("province_code", "Chọn tỉnh/thành phố giải quyết hồ sơ.",
                               "Choose the province that will handle the dossier.")
        filters = {"province_code": province_code}
    else:
        if commune_code not in divisions.communes():
            raise RoutingError("commune_code", "Chọn xã/phường giải quyết hồ sơ.",
                               "Choose the commune that will handle the dossier.")
        filters = {"commune_code": commune_code}
    agency = agency_of(spec.level, spec.agency_type, filters.get("province_code", ""),
                       filters.get("commune_code", ""))
    if agency is None:
        raise RoutingError("procedure_code", "Chưa có cơ quan giải quyết thủ tục này tại địa bàn đã chọn.",
                           "No agency handles this procedure in the chosen area yet.")
    return agency


# --- interlinked groups ---------------------------------------------------------------------------

def result_keys(spec: ProcedureSpec) -> frozenset[str]:
    """What a result of ``spec`` allots that a later group member may be passed."""
    return frozenset({RESULT_DOCUMENT}).union(*(EFFECT_RESULTS[e.kind] for e in spec.registry_effects))


def parse_group_files(paths: list[Path], procedures: dict[str, ProcedureSpec]
                      ) -> tuple[list[GroupSpec], list[tuple[str, SpecIssue]]]:
    """Every group file checked against ``procedures``; the good ones and every problem of the bad ones."""
    keys = {code: result_keys(spec) for code, spec in procedures.items()}
    parsed: list[GroupSpec] = []
    errors: list[tuple[str, SpecIssue]] = []
    for path in _definition_files(paths):
        try:
            group = parse_group(_load_file(path), procedures, keys)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            errors.append((str(path), SpecIssue("", f"cannot be read: {exc}")))
            continue
        except SpecError as exc:
            errors += [(str(path), issue) for issue in exc.issues]
            continue
        if any(g.code == group.code for g in parsed):
            errors.append((str(path), SpecIssue("code", f"'{group.code}' is defined twice")))
            continue
        parsed.append(group)
    return parsed, errors


@cache
def procedure_groups() -> dict[str, GroupSpec]:
    """The interlinked groups, checked against the procedures published now (a group naming a procedure the
    catalog does not publish is left out; ``motcua catalog check`` says why)."""
    published = {p.code: spec_of(p.current_version)
                 for p in Procedure.objects.select_related("current_version") if p.current_version is not None}
    groups, _errors = parse_group_files([GROUPS_DIR], published)
    return {g.code: g for g in groups}


def published_spec(code: str) -> ProcedureSpec:
    procedure = Procedure.objects.select_related("current_version").get(code=code)
    assert procedure.current_version is not None, "a group names published procedures only"
    return spec_of(procedure.current_version)
