"""Reconciling another agency's dataset with the population registry: quality against known truth, the
outcomes and figures, every kind of bad file, the steward's decisions, and the same model on Spark."""

import csv
import json
import shutil
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from motcua.core.chained import AppendOnlyError
from motcua.core.errors import Conflict, Forbidden, Invalid
from motcua.identity.actors import Actor, Role
from motcua.registries import datasets, linkage, reconciliation, synthetic_datasets
from motcua.registries.corrections import keeper_of
from motcua.registries.models import CorrectionReport, DatasetRun, Finding, Person, StewardDecision
from motcua.registries.synthetic import generate

STEWARD = Actor("official", "bocongan.dancu", "Cán bộ quản lý dân cư", "G01", Role.SPECIALIST)
OUTSIDER = Actor("official", "hoankiem.chuyenvien", "Lê Văn Minh", "H01.X00070.UB", Role.SPECIALIST)
MAPPING = """\
dataset: the-cards
name_vi: Thẻ bảo hiểm y tế
name_en: Health-insurance cards
agency: BHXH
columns: {key: MA_THE, id_number: SO_DINH_DANH, full_name: HO_TEN, birth_date: NGAY_SINH, sex: GIOI_TINH}
birth_date_formats: ["%d/%m/%Y"]
"""


@pytest.fixture
def registry(seeded):
    """A few thousand synthetic people besides the demo ones."""
    generate(3000, seed=11, batch_size=3000)
    return Person.objects.order_by("id_number")


def _people(registry, count, step=3):
    return list(registry.values("id_number", "full_name", "birth_date", "sex", "permanent_commune",
                                "permanent_address")[:count * step:step])


@pytest.fixture
def synthetic(registry, tmp_path):
    path = tmp_path / "bhxh.csv"
    synthetic_datasets.write(synthetic_datasets.MinistryDataset(seed=3).records(_people(registry, 700), 700), path)
    return path


def test_quality_on_a_synthetic_dataset_with_known_truth(synthetic):
    run = reconciliation.reconcile(synthetic, synthetic_datasets.mapping_path(synthetic), "test")
    assert run.records == 700 and run.exact + run.conflicting + run.probable + run.unmatched == 700
    print(f"precision {run.precision:.4f} recall {run.recall:.4f}")
    assert run.precision >= 0.99 and run.recall >= 0.97  # a floor on quality, not a timing
    assert run.conflicting and run.probable and run.unmatched and run.duplicates
    kinds = {c["kind"] for f in Finding.objects.filter(run=run) for c in f.conflicts}
    assert {"diacritics", "day_month_swapped", "missing", "old_card", "before_2025"} <= kinds


def test_each_record_gets_its_outcome(registry, tmp_path):
    a, b, c, d = _people(registry, 4, step=50)
    rows = [
        ("T1", a["id_number"], a["full_name"], a["birth_date"].strftime("%d/%m/%Y"), ""),  # exact
        ("T2", b["id_number"], "HO SAI TEN", b["birth_date"].strftime("%d/%m/%Y"), ""),  # ID matches, name does not
        ("T3", "", c["full_name"], c["birth_date"].strftime("%d/%m/%Y"), ""),  # no ID
        ("T4", "123456789", d["full_name"].upper(), d["birth_date"].strftime("%m/%d/%Y")  # old card, swapped date
         if d["birth_date"].day <= 12 else d["birth_date"].strftime("%d/%m/%Y"), ""),
        ("T5", "", "Khổng Tử Nha", "01/01/1901", ""),  # nobody
    ]
    path = tmp_path / "cards.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["MA_THE", "SO_DINH_DANH", "HO_TEN", "NGAY_SINH", "GIOI_TINH"])
        writer.writerows(rows)
    (tmp_path / "cards.yaml").write_text(MAPPING, encoding="utf-8")
    run = reconciliation.reconcile(path, tmp_path / "cards.yaml", "test")
    found = {f.source_key: f for f in Finding.objects.filter(run=run)}
    assert "T1" not in found and run.exact == 1
    assert found["T2"].outcome == "conflict" and found["T2"].conflicts[0]["field"] == "full_name"
    assert found["T2"].conflicts[0]["registry"] == b["full_name"] and found["T2"].person_id_number == b["id_number"]
    assert found["T3"].outcome == "probable" and found["T3"].person_id_number == c["id_number"]
    assert found["T3"].conflicts[0] == {"field": "id_number", "source": "", "registry": c["id_number"],
                                        "kind": "missing"} and found["T3"].probability >= 0.9
    assert found["T4"].outcome == "probable" and found["T4"].conflicts[0]["kind"] == "old_card"
    assert found["T5"].outcome == "unmatched"
    assert (run.exact, run.conflicting, run.probable, run.unmatched) == (1, 1, 2, 1)


def test_csv_json_lines_and_parquet_read_alike(synthetic, tmp_path):
    rows = list(csv.DictReader(synthetic.read_text(encoding="utf-8").splitlines()))[:120]
    jsonl = tmp_path / "same.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    parquet = tmp_path / "same.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    small = tmp_path / "same.csv"
    with open(small, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=synthetic_datasets.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    mapping = datasets.read_mapping(synthetic_datasets.mapping_path(synthetic))
    figures = set()
    for path in (small, jsonl, parquet):
        run = reconciliation.reconcile(path, mapping, "test")
        figures.add((run.records, run.exact, run.conflicting, run.probable, run.unmatched))
    assert len(figures) == 1


def _rejected(path, mapping_text=MAPPING, max_bytes=None):
    mapping = tmp_mapping = path.with_name("bad.yaml")
    tmp_mapping.write_text(mapping_text, encoding="utf-8")
    with pytest.raises(datasets.DatasetRejected) as raised:
        reconciliation.reconcile(path, mapping, "test", reconciliation.Options(max_bytes=max_bytes))
    assert not DatasetRun.objects.exists() and not Finding.objects.exists()  # nothing half-imported
    return raised.value


HEADER = "MA_THE,SO_DINH_DANH,HO_TEN,NGAY_SINH,GIOI_TINH\n"


@pytest.mark.parametrize(("name", "content", "code", "where", "vi"), [
    ("empty.csv", b"", "file_empty", "empty.csv", "rỗng"),
    ("cols.csv", b"MA,TEN,NGAY\n1,An,01/01/1990\n", "missing_column", "cols.csv:1:MA_THE", "Thiếu cột"),
    ("enc.csv", (HEADER + "1,,Nguyễn An,01/01/1990,Nam\n").encode() + b"2,,Tr\xe2\xccn B\xecnh,02/02/1990,N\xfd\xde\n",  # Windows-1258,
     "bad_encoding", "enc.csv:3", "bảng mã"),
    ("fields.csv", (HEADER + "1,,An,01/01/1990\n").encode(), "wrong_field_count", "fields.csv:2", "trường"),
    ("date.csv", (HEADER + "1,,An,1990-31-01,Nam\n").encode(), "bad_date", "date.csv:2:NGAY_SINH", "ngày sinh"),
    ("quote.csv", (HEADER + '1,,"An,01/01/1990,Nam\n').encode(), "wrong_field_count", "quote.csv:2", "trường"),
    ("header.csv", HEADER.encode(), "no_records", "header.csv", "không có bản ghi"),
    ("nul.csv", b"\x00\x01\x02" * 10, "binary_content", "nul.csv:1", "NUL"),
    ("data.parquet", b"PAR1 not really", "bad_parquet", "data.parquet", "Parquet"),
    ("data.xlsx", b"PK\x03\x04", "unknown_format", "data.xlsx", "định dạng"),
    ("lines.jsonl", b'{"HO_TEN": "An", "NGAY_SINH": "01/01/1990", "MA_THE": "1", "SO_DINH_DANH": "", '
                    b'"GIOI_TINH": "Nam"}\n{not json\n', "bad_json", "lines.jsonl:2", "JSON"),
])
def test_bad_files_are_refused_whole_with_file_line_and_column(seeded, tmp_path, name, content, code, where, vi):
    path = tmp_path / name
    path.write_bytes(content)
    problem = _rejected(path)
    first = problem.errors[0]
    assert (first.code, first.field) == (code, where)
    assert vi in first.vi and first.en and problem.status == 422


def test_a_huge_file_is_refused_before_it_is_read(seeded, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + "1,,Nguyễn An,01/01/1990,Nam\n" * 1000, encoding="utf-8")
    problem = _rejected(path, max_bytes=1000)
    assert problem.errors[0].code == "file_too_large" and "1,000" in problem.en


def test_a_bad_mapping_is_reported_by_field(seeded, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(HEADER + "1,,Nguyễn An,01/01/1990,Nam\n", encoding="utf-8")
    problem = _rejected(path, "dataset: x\ncolumns: {name: HO_TEN}\nformat: xls\nregistry: land\n")
    assert {(e.code, e.field) for e in problem.errors} >= {
        ("mapping_missing", "bad.yaml:agency"), ("mapping_unknown_field", "bad.yaml:columns.name"),
        ("mapping_missing", "bad.yaml:columns.full_name"), ("mapping_invalid", "bad.yaml:format"),
        ("mapping_invalid", "bad.yaml:registry")}


def test_the_command_prints_the_report_in_both_languages_and_no_traceback(seeded, tmp_path, capsys):
    path = tmp_path / "cards.csv"
    path.write_text(HEADER + "1,,An,31/02/1990,Nam\n2,,,01/01/1990,Ba\n", encoding="utf-8")
    (tmp_path / "cards.yaml").write_text(MAPPING, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("registries", "reconcile", str(path))
    err = capsys.readouterr().err
    assert "cards.csv:2:NGAY_SINH: Dòng 2: ngày sinh '31/02/1990'" in err and "Line 2: birth date" in err
    assert "cards.csv:3:HO_TEN" in err and "cards.csv:3:GIOI_TINH" in err and "Traceback" not in err
    assert "không được nhập" in str(raised.value) and "was not imported" in str(raised.value)
    assert not DatasetRun.objects.exists()


def test_the_command_reconciles_and_prints_the_figures(synthetic, capsys):
    call_command("registries", "reconcile", str(synthetic), "--by", "steward")
    out = capsys.readouterr().out
    assert "700 records" in out and "precision" in out and "unmatched / không khớp" in out


def _run_with_findings(synthetic):
    return reconciliation.reconcile(synthetic, synthetic_datasets.mapping_path(synthetic), "test")


def test_the_steward_decides_and_every_decision_is_journalled(synthetic):
    run = _run_with_findings(synthetic)
    conflict = next(f for f in Finding.objects.filter(run=run, outcome="conflict").order_by("line")
                    if f.conflicts[0]["field"] in ("full_name", "birth_date"))
    field = conflict.conflicts[0]["field"]
    with pytest.raises(Forbidden):
        reconciliation.decide(OUTSIDER, conflict.pk, field, "registry_right", "x")
    with pytest.raises(Invalid):
        reconciliation.decide(STEWARD, conflict.pk, field, "registry_wrong", "")  # why, always
    with pytest.raises(Invalid):
        reconciliation.decide(STEWARD, conflict.pk, "nothing", "registry_right", "x")
    reconciliation.decide(STEWARD, conflict.pk, field, "unsure", "")
    wrong = reconciliation.decide(STEWARD, conflict.pk, field, "registry_wrong", "Giấy khai sinh bản gốc")
    report = CorrectionReport.objects.get(pk=wrong.correction_id)
    assert (report.origin, report.reference, report.registry, report.field, report.owner_agency) == (
        "reconciliation", f"finding:{conflict.pk}", "population", field,
        keeper_of("population", conflict.person_id_number))  # the local keeper where the person lives
    assert report.recorded_value == conflict.conflicts[0]["registry"]
    assert report.proposed_value == conflict.conflicts[0]["source"] and report.due_on
    with pytest.raises(Conflict):
        reconciliation.decide(STEWARD, conflict.pk, field, "registry_right", "changed my mind")
    merged = next(f for f in Finding.objects.filter(run=run, outcome="conflict")
                  if f.conflicts[0]["kind"] == "before_2025")
    with pytest.raises(Invalid):  # a province written as before the merger: nothing to correct in the registry
        reconciliation.decide(STEWARD, merged.pk, "province", "registry_wrong", "x")
    probable = Finding.objects.filter(run=run, outcome="probable").first()
    reconciliation.decide(STEWARD, probable.pk, "id_number", "registry_right", "Số định danh trong CSDL là đúng")
    exported = list(reconciliation.export_for_source(run))
    assert [(r["key"], r["field"], r["registry_value"]) for r in exported] == [
        (probable.source_key, "id_number", probable.person_id_number)]
    journal = list(StewardDecision.objects.filter(dataset=run.dataset.code).order_by("seq"))
    assert [(d.decision, d.decided_by) for d in journal] == [
        ("unsure", "bocongan.dancu"), ("registry_wrong", "bocongan.dancu"), ("registry_right", "bocongan.dancu")]
    assert journal[1].prev_digest == journal[0].digest and journal[1].reason == "Giấy khai sinh bản gốc"
    with pytest.raises(AppendOnlyError):
        journal[0].save()
    if len(conflict.conflicts) == 1:
        conflict.refresh_from_db()
        assert conflict.state == "decided"


def test_export_command_writes_what_goes_back_to_the_source(synthetic, tmp_path):
    run = _run_with_findings(synthetic)
    probable = Finding.objects.filter(run=run, outcome="probable").first()
    reconciliation.decide(STEWARD, probable.pk, "id_number", "registry_right", "Đúng theo CSDL")
    out = tmp_path / "back.csv"
    call_command("registries", "export-findings", str(run.pk), "--output", str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0]["key"] == probable.source_key and rows[0]["registry_value"] == probable.person_id_number


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime, and none is installed here")
def test_the_same_model_runs_on_spark(registry, tmp_path):
    """A tiny linkage on a local Spark gives the links DuckDB gives."""
    people = _people(registry, 40, step=60)
    path = tmp_path / "tiny.csv"
    synthetic_datasets.write(synthetic_datasets.MinistryDataset(seed=5).records(people, 40), path)
    mapping = datasets.read_mapping(synthetic_datasets.mapping_path(path))
    records, _ = reconciliation.read_dataset(path, mapping, 10**9)
    side = reconciliation.registry_side()
    on_duckdb = linkage.link_duckdb(side.linkage, records, side.size)
    spark = linkage.spark_session("motcua-test", cores=1, memory="1g", small=True)
    try:
        on_spark = linkage.link_spark(spark, side.linkage, records, side.size)
    finally:
        spark.stop()

    def links(linked):
        return {(r["record"], r["person"]) for r in linked.best.to_pylist() if r["probability"] >= 0.9}

    assert links(on_spark) == links(on_duckdb) and len(links(on_duckdb)) >= 35


def test_a_registry_snapshot_in_parquet_stands_in_for_the_database(synthetic, tmp_path):
    rows = list(Person.objects.values(*reconciliation.REGISTRY_COLUMNS))
    snapshot = tmp_path / "population.parquet"
    pq.write_table(pa.Table.from_pylist(rows), snapshot)
    from_db = reconciliation.reconcile(synthetic, synthetic_datasets.mapping_path(synthetic), "test")
    from_file = reconciliation.reconcile(synthetic, synthetic_datasets.mapping_path(synthetic), "test",
                                         reconciliation.Options(registry_snapshot=str(snapshot)))
    assert (from_db.exact, from_db.conflicting, from_db.probable, from_db.unmatched) == (
        from_file.exact, from_file.conflicting, from_file.probable, from_file.unmatched)
    assert date.today() >= from_file.started_at.date()


def test_the_synthetic_dataset_command_writes_a_file_and_its_mapping(registry, tmp_path, capsys):
    out = tmp_path / "ministry.parquet"
    call_command("registries", "synthetic-dataset", str(out), "--records", "80", "--code", "the-ministry")
    assert "80 records written" in capsys.readouterr().out
    assert pq.read_table(out).num_rows == 80 and "dataset: the-ministry" in out.with_suffix(".yaml").read_text()
    call_command("registries", "reconcile", str(out))
    run = DatasetRun.objects.get(dataset__code="the-ministry")
    assert run.records == 80 and run.precision >= 0.95
