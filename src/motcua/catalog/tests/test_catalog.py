"""The bundled catalog, import/export with versions, form validation, search."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from motcua.catalog import divisions
from motcua.catalog.forms import validate_form
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.services import (
    PROCEDURES_DIR,
    competent_agency,
    export_procedures,
    fold_text,
    import_procedures,
    parse_files,
    spec_of,
)
from motcua.catalog.spec import FormField

BIRTH = PROCEDURES_DIR / "1.001193.yaml"


def test_divisions_are_the_two_tier_ones():
    assert len(divisions.provinces()) == 34
    assert len(divisions.communes()) == 3321


def test_every_bundled_definition_is_valid():
    parsed, errors = parse_files([PROCEDURES_DIR])
    assert errors == []
    assert len(parsed) >= 14
    codes = [spec.code for _path, spec, _raw in parsed]
    assert len(codes) == len(set(codes))
    for path, spec, _raw in parsed:
        assert path.stem == spec.code
        assert spec.name_vi and spec.name_en and spec.sector_vi and spec.sector_en
        assert spec.fees.online <= spec.fees.counter or spec.fees.counter == 0
        assert spec.workflow.steps[spec.workflow.deciding_step].decides


def test_every_bundled_procedure_routes_to_an_agency(seeded):
    for procedure in Procedure.objects.select_related("current_version"):
        spec = spec_of(procedure.current_version)
        agency = competent_agency(spec, commune_code="00070", province_code="01")
        assert agency.agency_type == spec.agency_type and agency.level == spec.level
        if spec.level == "commune":
            assert agency.commune_code == "00070"
        elif spec.level == "province":
            assert agency.province_code == "01"


def write(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True) if isinstance(data, dict) else data, encoding="utf-8")
    return path


def test_import_reports_every_error_and_writes_nothing(seeded, tmp_path):
    good = yaml.safe_load(BIRTH.read_text(encoding="utf-8"))
    write(tmp_path, "good.yaml", {**good, "code": "9.000001"})
    write(tmp_path, "no_name.yaml", {**good, "code": "9.000002", "name": {"vi": "Tên"}})
    bad_fields = {**good, "code": "9.000003", "level": "district", "statutory_days": -1,
                  "fields": [{"name": "x", "type": "colour", "label": {"vi": "a", "en": "b"}}]}
    write(tmp_path, "bad_fields.yaml", bad_fields)
    write(tmp_path, "broken.yaml", "code: [unclosed")
    write(tmp_path, "dup.yaml", {**good, "code": "9.000001"})
    before = (Procedure.objects.count(), ProcedureVersion.objects.count())
    report = import_procedures([tmp_path])
    assert not report.ok
    where = {(Path(path).name, issue.path) for path, issue in report.errors}
    assert ("no_name.yaml", "name.en") in where
    assert ("bad_fields.yaml", "level") in where
    assert ("bad_fields.yaml", "statutory_days") in where
    assert ("bad_fields.yaml", "fields[0].type") in where
    assert any(name == "broken.yaml" for name, _ in where)
    assert ("dup.yaml", "code") in where or ("good.yaml", "code") in where
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == before


def test_versions(seeded, tmp_path):
    shutil.copy(BIRTH, tmp_path / BIRTH.name)
    assert import_procedures([tmp_path]).unchanged == ["1.001193"]
    procedure = Procedure.objects.get(code="1.001193")
    first = procedure.current_version
    data = yaml.safe_load(BIRTH.read_text(encoding="utf-8"))
    data["statutory_days"] = 1
    write(tmp_path, BIRTH.name, data)
    assert import_procedures([tmp_path]).updated == ["1.001193"]
    procedure.refresh_from_db()
    assert procedure.current_version.number == first.number + 1 and procedure.statutory_days == 1
    first.refresh_from_db()
    assert first.definition["statutory_days"] == 0  # the old version is untouched


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_round_trips(seeded, tmp_path, fmt):
    written = export_procedures(tmp_path, fmt)
    assert len(written) == Procedure.objects.count()
    if fmt == "json":
        json.loads(written[0].read_text(encoding="utf-8"))
    report = import_procedures([tmp_path])
    assert report.ok and not report.created and not report.updated
    assert len(report.unchanged) == len(written)


FIELDS = (
    FormField("name", "text", "Tên", "Name", required=True, max_length=5),
    FormField("born", "date", "Ngày sinh", "Born"),
    FormField("sex", "choice", "Giới tính", "Sex", choices=(("M", "Nam", "Male"), ("F", "Nữ", "Female"))),
    FormField("id", "id_number", "Số định danh", "ID"),
    FormField("count", "number", "Số", "Count", min_value=1, max_value=3),
    FormField("ok", "boolean", "Đồng ý", "Agree"),
    FormField("mail", "email", "Thư", "Mail"),
)


@pytest.mark.parametrize("data, field, code", [
    ({}, "form.name", "required"),
    ({"name": "abcdef"}, "form.name", "too_long"),
    ({"name": "a", "born": "2026-02-30"}, "form.born", "invalid_date"),
    ({"name": "a", "sex": "X"}, "form.sex", "invalid_choice"),
    ({"name": "a", "id": "12345"}, "form.id", "wrong_length"),
    ({"name": "a", "id": "003090012345"}, "form.id", "unknown_province"),
    ({"name": "a", "count": 9}, "form.count", "too_large"),
    ({"name": "a", "count": "many"}, "form.count", "invalid_number"),
    ({"name": "a", "ok": "perhaps"}, "form.ok", "invalid_boolean"),
    ({"name": "a", "mail": "nobody"}, "form.mail", "invalid_email"),
    ({"name": "a", "extra": 1}, "form.extra", "unknown_field"),
])
def test_form_validation_errors(data, field, code):
    _clean, errors = validate_form(FIELDS, data)
    assert (field, code) in [(e.field, e.code) for e in errors]
    assert all(e.vi and e.en for e in errors)


def test_form_validation_cleans_values():
    clean, errors = validate_form(FIELDS, {"name": " An ", "born": "2026-01-02", "count": "2", "ok": "on"})
    assert errors == []
    assert clean == {"name": "An", "born": "2026-01-02", "count": 2, "ok": True}


def test_accent_folding():
    assert fold_text("Đăng ký KHAI SINH") == "dang ky khai sinh"


def test_api_search_without_accents(client, seeded):
    items = client.get("/api/procedures", {"q": "thuong tru"}).json()["items"]
    assert [p["code"] for p in items] == ["1.004194"]
    assert client.get("/api/procedures", {"level": "province"}).json()["count"] >= 3
