"""Reconciling another agency's dataset with the population registry, and the data steward's decisions.

``reconcile`` reads the file (every problem reported by file, line and column; a file with any problem is
refused whole), links each record to the registry with the linkage model (``registries.linkage``: DuckDB, or
Spark), gives each record its outcome (``registries.matching.classify``) and writes the run, its figures and
the findings a steward should see, in one transaction. ``decide`` records a steward's decision on a finding,
append-only: the registry is right (the conflict goes back to the source agency, ``export_for_source``), the
registry is wrong (a correction report to the registry's keeper, ``corrections.open_correction``) or unsure.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.catalog import divisions
from motcua.core.errors import Conflict, Forbidden, Invalid, NotFound
from motcua.identity.actors import Actor
from motcua.registries import datasets, linkage, matching
from motcua.registries.access import log_steward_read
from motcua.registries.corrections import open_correction
from motcua.registries.models import Dataset, DatasetRun, Finding, Person, StewardDecision
from motcua.registries.sources import source

Progress = Callable[[int, int], None]
REGISTRY_COLUMNS = ("id_number", "full_name", "birth_date", "sex", "permanent_commune")
FINAL = {"registry_right", "registry_wrong", "insert", "duplicate"}
RECORD = "record"  # the decision's field when it is about the whole record (unmatched, duplicate)


def _province_of_commune(code: str) -> str | None:
    found = divisions.communes().get(code)
    return found.province_code if found else None


def _sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the registry side -----------------------------------------------------------------------------------

def registry_people(snapshot: str | Path | None = None, batch: int = 50_000) -> Iterator[list[tuple]]:
    """The population registry as (id_number, full_name, birth_date, sex, permanent_commune) rows, in
    batches: read from the database, or from a Parquet snapshot with those columns (national volumes, where
    the registry's keeper exports it)."""
    if snapshot is None:
        rows: list[tuple] = []
        for row in Person.objects.order_by().values_list(*REGISTRY_COLUMNS).iterator(chunk_size=batch):
            rows.append(row)
            if len(rows) >= batch:
                yield rows
                rows = []
        if rows:
            yield rows
        return
    import pyarrow.parquet as pq

    for part in pq.ParquetFile(snapshot).iter_batches(batch_size=batch, columns=list(REGISTRY_COLUMNS)):
        columns = [part.column(name).to_pylist() for name in REGISTRY_COLUMNS]
        yield [(i, n, d if isinstance(d, date) else date.fromisoformat(str(d)), s, c or "")
               for i, n, d, s, c in zip(*columns, strict=True)]


RAW_SCHEMA = pa.schema([("person", pa.string()), ("reg_name", pa.string()), ("reg_dob", pa.string()),
                        ("reg_sex", pa.string()), ("reg_commune", pa.string())])


@dataclass
class RegistrySide:
    linkage: pa.Table
    raw: pa.Table
    size: int


def registry_side(snapshot: str | Path | None = None, progress: Progress | None = None,
                  expected: int | None = None) -> RegistrySide:
    linkage_parts, raw_parts, size = [], [], 0
    total = expected if expected is not None else (Person.objects.count() if snapshot is None else 0)
    for rows in registry_people(snapshot):
        linkage_parts.append(datasets.linkage_table(list(datasets.registry_rows(iter(rows))), _province_of_commune))
        raw_parts.append(pa.table({
            "person": [r[0] for r in rows], "reg_name": [r[1] for r in rows],
            "reg_dob": [r[2].isoformat() for r in rows], "reg_sex": [r[3] for r in rows],
            "reg_commune": [r[4] for r in rows]}, schema=RAW_SCHEMA))
        size += len(rows)
        if progress:
            progress(size, max(total, size))
    if not size:
        raise Invalid("registry_empty", "Cơ sở dữ liệu dân cư chưa có ai: không có gì để đối soát.",
                      "The population registry holds nobody: nothing to reconcile against.")
    return RegistrySide(pa.concat_tables(linkage_parts), pa.concat_tables(raw_parts), size)


# --- a run -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Options:
    engine: str = ""
    threshold: float | None = None
    registry_snapshot: str | None = None
    max_bytes: int | None = None
    spark: Any = None  # a deployment's Spark session; a local one otherwise

    def resolved_engine(self) -> str:
        engine = self.engine or settings.RECONCILE_ENGINE
        if engine not in linkage.ENGINES:
            raise Invalid("unknown_engine", f"Không có bộ máy '{engine}' (duckdb, spark).",
                          f"No engine '{engine}' (duckdb, spark).", "engine")
        return engine


def read_dataset(path: str | Path, mapping: datasets.Mapping, max_bytes: int,
                 progress: Progress | None = None) -> tuple[pa.Table, pa.Table]:
    """The whole file read and checked first: (linkage rows, what each record said)."""
    chunks = list(datasets.read(path, mapping, max_bytes, progress))
    return (pa.concat_tables([c.linkage for c in chunks]), pa.concat_tables([c.source for c in chunks]))


def link(registry: RegistrySide, records: pa.Table, options: Options) -> linkage.Linked:
    engine = options.resolved_engine()
    if engine == "spark":
        spark = options.spark or linkage.spark_session()
        return linkage.link_spark(spark, registry.linkage, records, registry.size, work_dir=settings.RECONCILE_WORK_DIR)
    return linkage.link_duckdb(registry.linkage, records, registry.size, work_dir=settings.RECONCILE_WORK_DIR)


def joined(linked: linkage.Linked, said: pa.Table, registry: RegistrySide) -> Iterator[dict[str, Any]]:
    """Each record with its best candidate's registry values (None where it has none), in file order."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("said", said)
        con.register("best", linked.best)
        con.register("raw", registry.raw)
        result = con.execute("""
            select s.*, b.person, b.probability, r.reg_name, r.reg_dob, r.reg_sex, r.reg_commune
            from said s left join best b on b.record = s.unique_id left join raw r on r.person = b.person
            order by s.line""")
        names = [d[0] for d in result.description]
        while rows := result.fetchmany(10_000):
            for row in rows:
                yield dict(zip(names, row, strict=True))
    finally:
        con.close()


def _facts_of_source(row: dict[str, Any]) -> matching.Facts:
    province = matching.Province(row["province"], bool(row["province_old"])) if row.get("province") else None
    commune = row["commune_raw"] if row["commune_raw"] and row["commune_raw"] in divisions.communes() else None
    return matching.Facts(id_number=row["id_raw"] or None, full_name=row["name_raw"],
                          birth_date=date.fromisoformat(row["dob_raw"]), sex=row["sex_raw"] or None,
                          commune_code=commune, province=province)


def _facts_of_registry(row: dict[str, Any]) -> matching.Facts | None:
    if row["person"] is None:
        return None
    province = _province_of_commune(row["reg_commune"] or "")
    return matching.Facts(id_number=row["person"], full_name=row["reg_name"],
                          birth_date=date.fromisoformat(row["reg_dob"]), sex=row["reg_sex"] or None,
                          commune_code=row["reg_commune"] or None,
                          province=matching.Province(province, False) if province else None)


def _said(row: dict[str, Any]) -> dict[str, Any]:
    return {"key": row["key"], "id_number": row["id_raw"], "full_name": row["name_raw"], "birth_date": row["dob_raw"],
            "sex": row["sex_raw"], "commune_code": row["commune_raw"], "province": row["province_raw"],
            "address": row["address"]}


def _held(row: dict[str, Any]) -> dict[str, Any]:
    if row["person"] is None:
        return {}
    return {"id_number": row["person"], "full_name": row["reg_name"], "birth_date": row["reg_dob"],
            "sex": row["reg_sex"], "commune_code": row["reg_commune"]}


COUNTERS = {"exact": "exact", "conflict": "conflicting", "probable": "probable", "unmatched": "unmatched"}


@dataclass
class Tally:
    records: int = 0
    exact: int = 0
    conflicting: int = 0
    probable: int = 0
    unmatched: int = 0
    duplicates: int = 0


def classify_all(rows: Iterable[dict[str, Any]], threshold: float,
                 progress: Progress | None = None, total: int = 0) -> tuple[Tally, list[Finding], matching.Quality | None]:
    """Every record's outcome; the findings a steward should see (exact matches are only counted, unless the
    record repeats a person an earlier record already is)."""
    tally, findings, truths = Tally(), [], []
    first_line_of: dict[str, int] = {}
    has_truth = False
    for row in rows:
        tally.records += 1
        registry = _facts_of_registry(row)
        outcome = matching.classify(_facts_of_source(row), registry, row["probability"], threshold)
        linked = row["person"] if outcome.kind != matching.UNMATCHED else None
        counter = COUNTERS[outcome.kind]
        setattr(tally, counter, getattr(tally, counter) + 1)
        duplicate_of = first_line_of.get(linked) if linked else None
        if linked and duplicate_of is None:
            first_line_of[linked] = row["line"]
        if duplicate_of is not None:
            tally.duplicates += 1
        if row["truth"] is not None:
            has_truth = True
        truths.append((row["truth"], linked))
        if outcome.kind != matching.EXACT or duplicate_of is not None:
            findings.append(Finding(
                line=row["line"], source_key=(row["key"] or "")[:100], outcome=outcome.kind,
                person_id_number=row["person"] or "",
                probability=row["probability"], conflicts=[c.as_dict() for c in outcome.conflicts],
                source=_said(row), registry=_held(row), duplicate_of_line=duplicate_of))
        if progress and tally.records % 50_000 == 0:
            progress(tally.records, total)
    if progress:
        progress(tally.records, total)
    return tally, findings, matching.quality(truths) if has_truth else None


def _dataset_for(mapping: datasets.Mapping, kind: str = "reconciliation") -> Dataset:
    dataset, _ = Dataset.objects.update_or_create(code=mapping.code, defaults={
        "kind": kind, "name_vi": mapping.name_vi[:255], "name_en": mapping.name_en[:255],
        "source_agency": mapping.agency[:63], "registry": mapping.registry, "mapping": mapping.as_dict()})
    return dataset


@dataclass
class Stages:
    """Progress reporters for each stage of a long run (each called with done, total)."""

    reading: Progress | None = None
    registry: Progress | None = None
    classifying: Progress | None = None
    announce: Callable[[str], None] | None = None

    def say(self, text: str) -> None:
        if self.announce:
            self.announce(text)


def reconcile(path: str | Path, mapping: datasets.Mapping | str | Path, by: str,
              options: Options | None = None, stages: Stages | None = None) -> DatasetRun:
    """Reconcile one file of a dataset with the population registry; returns the run written."""
    options, stages = options or Options(), stages or Stages()
    if not isinstance(mapping, datasets.Mapping):
        mapping = datasets.read_mapping(mapping)
    if mapping.registry != "population":
        raise Invalid("unsupported_registry", "Chỉ đối soát được với cơ sở dữ liệu dân cư.",
                      "Datasets are reconciled with the population registry only.", "registry")
    threshold = options.threshold if options.threshold is not None else settings.RECONCILE_THRESHOLD
    options.resolved_engine()
    started = timezone.now()
    stages.say("reading")
    records, said = read_dataset(path, mapping, options.max_bytes or settings.RECONCILE_MAX_BYTES, stages.reading)
    stages.say("registry")
    registry = registry_side(options.registry_snapshot, stages.registry)
    stages.say("linking")
    linked = link(registry, records, options)
    stages.say("classifying")
    tally, findings, measured = classify_all(joined(linked, said, registry), threshold, stages.classifying,
                                             said.num_rows)
    stages.say("writing")
    with transaction.atomic():
        run = DatasetRun.objects.create(
            dataset=_dataset_for(mapping), file_name=os.path.basename(str(path))[:255], file_sha256=_sha256(path),
            engine=options.resolved_engine(), model_version=linkage.MODEL_VERSION, threshold=threshold,
            started_at=started, started_by=by[:150], records=tally.records, exact=tally.exact,
            conflicting=tally.conflicting, probable=tally.probable, unmatched=tally.unmatched,
            duplicates=tally.duplicates, pairs_scored=linked.pairs_scored,
            precision=measured.precision if measured else None, recall=measured.recall if measured else None)
        write_findings(run, findings)
    return run


def write_findings(run: DatasetRun, findings: list[Finding]) -> None:
    """In the caller's transaction: PostgreSQL's COPY (hundreds of thousands of findings in seconds), bulk
    inserts elsewhere."""
    for finding in findings:
        finding.run = run
    if connection.vendor != "postgresql":
        Finding.objects.bulk_create(findings, batch_size=2000)
        return
    from motcua.registries.synthetic import _copy

    columns = [f.attname for f in Finding._meta.concrete_fields if f.column != "id"]
    for start in range(0, len(findings), 50_000):
        _copy(Finding, [{name: getattr(f, name) for name in columns} for f in findings[start:start + 50_000]])


# --- the steward -----------------------------------------------------------------------------------------

def keeper_agency_of_registry(registry: str) -> str:
    return source(registry).owner_agency


def keeper_agency(dataset: Dataset) -> str:
    return keeper_agency_of_registry(dataset.registry if dataset.kind == "reconciliation" else "civil_status")


def may_steward(actor: Actor, dataset: Dataset) -> bool:
    """Officials of the agency that keeps the registry the dataset is reconciled with."""
    return actor.kind == "official" and actor.agency_code == keeper_agency(dataset)


def stewarded_datasets(actor: Actor) -> list[Dataset]:
    return [d for d in Dataset.objects.order_by("kind", "code") if may_steward(actor, d)]


def runs_of(dataset: Dataset, limit: int = 24) -> list[DatasetRun]:
    """The latest runs, oldest first (the trend)."""
    return list(reversed(dataset.runs.order_by("-started_at", "-id")[:limit]))


def latest_decisions(finding: Finding) -> dict[str, StewardDecision]:
    latest: dict[str, StewardDecision] = {}
    for decision in finding.decisions.order_by("seq"):
        latest[decision.field] = decision
    return latest


def fields_to_decide(finding: Finding) -> list[str]:
    fields = [c["field"] for c in finding.conflicts]
    if finding.outcome in ("unmatched", "duplicate") or (finding.duplicate_of_line and not fields):
        fields.append(RECORD)
    return fields


# Which registry, and which of its fields, a finding's field is: what a correction report names.
CORRECTS = {
    "reconciliation": {"full_name": ("population", "full_name"), "birth_date": ("population", "birth_date"),
                       "sex": ("population", "sex"), "id_number": ("population", "id_number"),
                       "commune_code": ("residence", "permanent_commune")},
    "digitization": {"date": ("civil_status", "date"), "commune_code": ("civil_status", "commune_code"),
                     "other_id_number": ("civil_status", "other_id_number")},
}


def choices_for(finding: Finding, field: str) -> list[str]:
    """The decisions a field allows: the registry can be found wrong only on what a correction can change
    (not a province written as before the 2025 merger, not a record as a whole)."""
    if finding.outcome == "duplicate" and field == RECORD:
        return ["duplicate", "insert", "unsure"]
    if field not in CORRECTS[finding.run.dataset.kind]:
        return ["registry_right", "unsure"]
    return ["registry_right", "registry_wrong", "unsure"]


def finding_for(actor: Actor, finding_id: int) -> Finding:
    finding = Finding.objects.select_related("run__dataset").filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("finding")
    if not may_steward(actor, finding.run.dataset):
        raise Forbidden("not_steward", "Chỉ cán bộ của cơ quan quản lý cơ sở dữ liệu mới được quyết định.",
                        "Only officials of the agency that keeps the registry may decide.")
    return finding


def review(actor: Actor, finding_id: int) -> Finding:
    """A finding for the steward's side-by-side page; the registry data shown is a read of the person's data,
    logged for them ("who read my data")."""
    finding = finding_for(actor, finding_id)
    if finding.person_id_number:
        dataset = finding.run.dataset
        log_steward_read(actor, dataset.registry if dataset.kind == "reconciliation" else "civil_status",
                         finding.person_id_number, dataset.name_vi)
    return finding


def decide(actor: Actor, finding_id: int, field: str, decision: str, reason: str) -> StewardDecision:
    """Record a steward's decision on one field of a finding (append-only). The registry being wrong opens a
    correction report to its keeper, with what the dataset holds as the proposed value."""
    reason = " ".join((reason or "").split())[:2000]
    with transaction.atomic():
        finding = finding_for(actor, finding_id)
        Finding.objects.select_for_update().filter(pk=finding.pk).first()  # decisions on one finding queue up
        if field not in fields_to_decide(finding):
            raise Invalid("unknown_field", "Bản ghi này không có trường đó để quyết định.",
                          "This finding has no such field to decide.", "field")
        if decision not in choices_for(finding, field):
            raise Invalid("unknown_decision", "Quyết định không hợp lệ cho trường này.",
                          "Not a decision for this field.", "decision")
        if decision != "unsure" and not reason:
            raise Invalid("reason_required", "Hãy ghi lý do của quyết định.", "Give the reason for the decision.",
                          "reason")
        latest = latest_decisions(finding).get(field)
        if latest is not None and latest.decision in FINAL:
            raise Conflict("already_decided", "Trường này đã được quyết định.", "This field was already decided.")
        conflict = next((c for c in finding.conflicts if c["field"] == field), None)
        source_value = conflict["source"] if conflict else ""
        registry_value = conflict["registry"] if conflict else ""
        dataset = finding.run.dataset
        correction = None
        if decision == "registry_wrong":
            if not finding.person_id_number:
                raise Invalid("no_person", "Bản ghi không gắn với ai trong cơ sở dữ liệu.",
                              "The record is linked to nobody in the registry.", "field")
            registry, registry_field = CORRECTS[dataset.kind][field]
            correction = open_correction(
                finding.person_id_number, registry, registry_field, registry_value, source_value,
                origin="reconciliation" if dataset.kind == "reconciliation" else "digitization",
                reference=f"finding:{finding.pk}",
                note=f"{dataset.name_vi} ({dataset.source_agency}), {finding.run.file_name}, "
                     f"dòng {finding.line}: {reason}")
        entry = StewardDecision.objects.create(
            dataset=dataset.code, finding=finding, field=field, decision=decision, source_value=source_value[:255],
            registry_value=registry_value[:255], reason=reason, decided_by=actor.id[:150],
            decided_by_name=(actor.name or "")[:255], decided_by_agency=actor.agency_code or "", correction=correction)
        if decision == "insert":
            from motcua.registries.digitization import insert_decided

            insert_decided(finding, actor.id)
        decided = latest_decisions(finding)
        if all(f in decided and decided[f].decision in FINAL for f in fields_to_decide(finding)):
            Finding.objects.filter(pk=finding.pk).update(state="decided")
        return entry


EXPORT_COLUMNS = ("dataset", "file", "line", "key", "field", "dataset_value", "registry_value", "reason",
                  "decided_by", "decided_at")


def export_for_source(run: DatasetRun) -> Iterator[dict[str, str]]:
    """What goes back to the source agency: each field the steward found the registry right on, with the
    registry's value (the right ID number of a probable match among them)."""
    decisions = StewardDecision.objects.filter(finding__run=run).select_related("finding").order_by("finding__line",
                                                                                                    "seq")
    latest: dict[tuple[int, str], StewardDecision] = {}
    for decision in decisions:
        latest[(decision.finding_id, decision.field)] = decision
    for decision in latest.values():
        if decision.decision != "registry_right":
            continue
        finding = decision.finding
        yield {"dataset": run.dataset.code, "file": run.file_name, "line": str(finding.line),
               "key": finding.source_key, "field": decision.field, "dataset_value": decision.source_value,
               "registry_value": decision.registry_value, "reason": decision.reason,
               "decided_by": decision.decided_by, "decided_at": decision.at.isoformat()}


def run_for(actor: Actor, run_id: int) -> DatasetRun:
    run = DatasetRun.objects.select_related("dataset").filter(pk=run_id).first()
    if run is None:
        raise NotFound("run")
    if not may_steward(actor, run.dataset):
        raise Forbidden("not_steward", "Chỉ cán bộ của cơ quan quản lý cơ sở dữ liệu mới được xem.",
                        "Only officials of the agency that keeps the registry may see this.")
    return run


def when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""
