"""Import (all or nothing, every error reported), versions, export round trip, form validation, search."""

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from motcua.catalog import divisions
from motcua.catalog.forms import validate_form
from motcua.catalog.models import Agency, Procedure, ProcedureVersion
from motcua.catalog.services import (
    PROCEDURES_DIR,
    export_procedures,
    fold_text,
    import_procedures,
    parse_files,
    seed_agencies,
    spec_of,
)
from motcua.catalog.spec import FormField

BIRTH = PROCEDURES_DIR / "1.001193.yaml"
PERMIT = PROCEDURES_DIR / "1.013225.yaml"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True) if isinstance(data, dict) else data, encoding="utf-8")
    return path


def counts() -> tuple[int, int]:
    return Procedure.objects.count(), ProcedureVersion.objects.count()


def test_divisions_are_the_two_tier_ones():
    assert len(divisions.provinces()) == 34
    assert len(divisions.communes()) == 3321


def test_every_province_has_its_social_security_office_and_seeding_again_adds_nothing(seeded):
    offices = Agency.objects.filter(level="province", agency_type="bao_hiem_xa_hoi_tinh")
    assert sorted(offices.values_list("province_code", flat=True)) == sorted(divisions.provinces())
    names = dict(offices.values_list("code", "name_vi"))
    assert names["H01.BHXH"] == "Bảo hiểm xã hội thành phố Hà Nội"
    assert names["H04.BHXH"] == "Bảo hiểm xã hội tỉnh Cao Bằng"
    assert Agency.objects.get(code="H01.STP").name_vi == "Sở Tư pháp Thành phố Hà Nội"  # {name} is as it was
    before = Agency.objects.count()
    assert seed_agencies() == 0 and Agency.objects.count() == before


# --- import: all or nothing ------------------------------------------------------------------------

@pytest.fixture
def broken_folder(tmp_path):
    good = load(BIRTH)
    permit = load(PERMIT)
    write(tmp_path, "a_good.yaml", {**good, "code": "9.000001"})
    write(tmp_path, "no_name.yaml", {**good, "code": "9.000002", "name": {"vi": "Tên"}})
    write(tmp_path, "bad_fields.yaml", {
        **good, "code": "9.000003", "level": "district", "statutory_days": -1,
        "fields": [{"name": "x", "type": "colour", "label": {"vi": "a", "en": "b"}},
                   {"name": "Bad Name", "type": "choice", "label": {"vi": "a", "en": "b"}, "choices": []}],
        "evidence": [{"code": "e", "label": {"vi": "a", "en": "b"}, "source": "tax_office"}],
    })
    write(tmp_path, "broken.yaml", "code: [unclosed")
    write(tmp_path, "dup.yaml", {**good, "code": "9.000001"})
    write(tmp_path, "agency.yaml", {**permit, "code": "9.000004", "agency_type": "phong_kinh_te_huyen"})
    write(tmp_path, "workflow_name.yaml", {**good, "code": "9.000005", "workflow": "no_such_workflow"})
    steps = [dict(step, decides=True) for step in permit["workflow"]]
    write(tmp_path, "two_deciders.yaml", {**permit, "code": "9.000006", "workflow": steps})
    write(tmp_path, "fees.yaml", {**good, "code": "9.000007", "fees": {"counter": "free", "online": -5}})
    write(tmp_path, "counts.yaml", {**good, "code": "9.000008", "fields": [
        {"name": "pages", "type": "integer", "min": 0.5, "label": {"vi": "Số trang", "en": "Pages"}},
        {"name": "copies", "type": "integer", "min": 5, "max": 2, "label": {"vi": "Số bản", "en": "Copies"}}]})
    write(tmp_path, "filing.yaml", {**good, "code": "9.000009", "own_filing_only": True, "for_deceased": True})
    write(tmp_path, "filing_type.yaml", {**good, "code": "9.000010", "own_filing_only": "yes"})
    declaration = {"code": "to_khai", "label": {"vi": "Tờ khai", "en": "Declaration"}, "filled_online": True}
    write(tmp_path, "declarations.yaml", {**good, "code": "9.000012", "evidence": [
        {**declaration, "required": False}, {**declaration, "code": "to_khai_2"},
        {**declaration, "code": "giay_chung_sinh", "source": "documents"}]})
    return tmp_path


def test_import_reports_every_error_with_file_and_path_and_writes_nothing(seeded, broken_folder):
    before = counts()
    report = import_procedures([broken_folder])
    assert not report.ok and not report.created and not report.updated and not report.unchanged
    where = {(Path(path).name, issue.path) for path, issue in report.errors}
    expected = {
        ("no_name.yaml", "name.en"),
        ("bad_fields.yaml", "level"), ("bad_fields.yaml", "statutory_days"),
        ("bad_fields.yaml", "fields[0].type"), ("bad_fields.yaml", "fields[1].name"),
        ("bad_fields.yaml", "fields[1].choices"), ("bad_fields.yaml", "evidence[0].source"),
        ("broken.yaml", ""),
        ("dup.yaml", "code"),
        ("agency.yaml", "agency_type"),
        ("workflow_name.yaml", "workflow"),
        ("two_deciders.yaml", "workflow"),
        ("fees.yaml", "fees.counter"), ("fees.yaml", "fees"),
        ("counts.yaml", "fields[0].min"), ("counts.yaml", "fields[1].max"),
        ("filing.yaml", "own_filing_only"), ("filing_type.yaml", "own_filing_only"),
        ("declarations.yaml", "evidence[0].required"), ("declarations.yaml", "evidence[1].filled_online"),
        ("declarations.yaml", "evidence[2].filled_online"),
    }
    assert expected <= where, sorted(expected - where)
    assert {name for name, _path in where} == {p.name for p in broken_folder.iterdir()} - {"a_good.yaml"}
    assert all(issue.message for _path, issue in report.errors)
    assert counts() == before  # the good file was not imported either
    assert not Procedure.objects.filter(code="9.000001").exists()


def test_import_command_lists_the_errors_and_fails(seeded, broken_folder, capsys):
    before = counts()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("catalog", "import", str(broken_folder))
    err = capsys.readouterr().err
    assert "no_name.yaml: name.en: is required" in err
    assert "agency.yaml: agency_type:" in err and "broken.yaml: (file):" in err
    assert counts() == before


def test_check_command_accepts_the_bundled_folder(capsys):
    call_command("catalog", "check")
    parsed, _errors = parse_files([PROCEDURES_DIR])
    assert f"{len(parsed)} definitions and 2 interlinked groups are valid" in capsys.readouterr().out


# --- versions --------------------------------------------------------------------------------------

def test_reimport_unchanged_creates_no_version_and_a_change_creates_version_2(seeded, tmp_path):
    shutil.copy(BIRTH, tmp_path / BIRTH.name)
    procedure = Procedure.objects.get(code="1.001193")
    first = procedure.current_version
    assert first.number == 1
    before = counts()
    report = import_procedures([tmp_path])
    assert report.unchanged == ["1.001193"] and not report.created and not report.updated
    assert counts() == before

    data = load(BIRTH)
    data["statutory_days"] = 1
    data["name"] = {**data["name"], "en": "Birth registration (changed)"}
    write(tmp_path, BIRTH.name, data)
    assert import_procedures([tmp_path]).updated == ["1.001193"]
    procedure.refresh_from_db()
    second = procedure.current_version
    assert second.number == 2 and procedure.statutory_days == 1 and procedure.name_en.endswith("(changed)")
    assert spec_of(second).statutory_days == 1
    first.refresh_from_db()
    assert first.definition["statutory_days"] == 0 and first.definition["name"]["en"] == "Birth registration"
    assert spec_of(first).statutory_days == 0  # the old version still parses to what it was
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 2

    assert import_procedures([tmp_path]).unchanged == ["1.001193"]  # the new version is stable too
    shutil.copy(BIRTH, tmp_path / BIRTH.name)  # going back is a new version, not a rewrite of history
    assert import_procedures([tmp_path]).updated == ["1.001193"]
    procedure.refresh_from_db()
    assert procedure.current_version.number == 3


def test_stored_definitions_hold_the_resolved_workflow(seeded):
    version = Procedure.objects.get(code="1.001193").current_version
    assert isinstance(version.definition["workflow"], list)  # stored resolved, so old versions keep their steps


# --- export round trip -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_round_trips(seeded, tmp_path, fmt):
    written = export_procedures(tmp_path, fmt)
    assert len(written) == Procedure.objects.count() and all(p.suffix == f".{fmt}" for p in written)
    for path in written:
        data = json.loads(path.read_text(encoding="utf-8")) if fmt == "json" else load(path)
        assert data == Procedure.objects.get(code=path.stem).current_version.definition
    before = counts()
    report = import_procedures([tmp_path])
    assert report.ok and not report.created and not report.updated
    assert sorted(report.unchanged) == sorted(p.stem for p in written)
    assert counts() == before


# --- form validation -------------------------------------------------------------------------------

FIELDS = (
    FormField("name", "text", "Tên", "Name", required=True, max_length=5),
    FormField("born", "date", "Ngày sinh", "Born"),
    FormField("sex", "choice", "Giới tính", "Sex", choices=(("M", "Nam", "Male"), ("F", "Nữ", "Female"))),
    FormField("id", "id_number", "Số định danh", "ID"),
    FormField("count", "number", "Số", "Count", min_value=1, max_value=3),
    FormField("ok", "boolean", "Đồng ý", "Agree"),
    FormField("mail", "email", "Thư", "Mail"),
    FormField("phone", "phone", "Điện thoại", "Phone"),
    FormField("place", "commune", "Xã", "Commune"),
    FormField("pages", "integer", "Số trang", "Pages", min_value=1, max_value=500),
    FormField("note", "textarea", "Ghi chú", "Note"),
)
# What fonts for Vietnamese print: Latin-1 and the Vietnamese letters.
PRINTABLE = frozenset(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x1EA0, 0x1EFA)])) | set("ĂăĐđĨĩŨũƠơƯư")


@pytest.mark.parametrize(("data", "field", "code"), [
    ({}, "form.name", "required"),
    ({"name": "   "}, "form.name", "required"),
    ({"name": "abcdef"}, "form.name", "too_long"),
    ({"name": "a", "born": "2026-02-30"}, "form.born", "invalid_date"),
    ({"name": "a", "born": "30/01/2026"}, "form.born", "invalid_date"),
    ({"name": "a", "sex": "X"}, "form.sex", "invalid_choice"),
    ({"name": "a", "id": "12345"}, "form.id", "wrong_length"),
    ({"name": "a", "id": "003090012345"}, "form.id", "unknown_province"),
    ({"name": "a", "count": 9}, "form.count", "too_large"),
    ({"name": "a", "count": 0}, "form.count", "too_small"),
    ({"name": "a", "count": "many"}, "form.count", "invalid_number"),
    ({"name": "a", "count": True}, "form.count", "invalid_number"),
    ({"name": "a", "ok": "perhaps"}, "form.ok", "invalid_boolean"),
    ({"name": "a", "mail": "nobody"}, "form.mail", "invalid_email"),
    ({"name": "a", "phone": "12345"}, "form.phone", "invalid_phone"),
    ({"name": "a", "extra": 1}, "form.extra", "unknown_field"),
    ({"name": "a", "pages": 2.5}, "form.pages", "invalid_integer"),
    ({"name": "a", "pages": "2.5"}, "form.pages", "invalid_integer"),
    ({"name": "a", "pages": True}, "form.pages", "invalid_integer"),
    ({"name": "a", "pages": 2**60}, "form.pages", "invalid_integer"),
    ({"name": "a", "pages": "0"}, "form.pages", "too_small"),
    ({"name": "a", "pages": 501}, "form.pages", "too_large"),
    ({"name": "An 😀"}, "form.name", "unprintable_character"),
    ({"name": "\u202eAn"}, "form.name", "bidi_control"),
    ({"name": "\u200b\u200b"}, "form.name", "invisible_only"),
    ({"name": "a", "note": "∑ x"}, "form.note", "unprintable_character"),
    ({"name": "a", "mail": "an\u202e@example.vn"}, "form.mail", "bidi_control"),
])
def test_form_validation_errors(data, field, code):
    _clean, errors = validate_form(FIELDS, data, printable=PRINTABLE)
    assert (field, code) in [(e.field, e.code) for e in errors]
    assert all(e.vi and e.en and e.vi != e.en for e in errors)


def test_form_validation_reports_every_error_at_once():
    _clean, errors = validate_form(FIELDS, {"born": "x", "sex": "X", "count": 7, "extra": 1})
    assert {e.field for e in errors} == {"form.name", "form.born", "form.sex", "form.count", "form.extra"}


def test_form_validation_cleans_values():
    clean, errors = validate_form(FIELDS, {"name": " An ", "born": "2026-01-02", "count": "2", "ok": "on",
                                           "phone": "0912 345 678", "sex": "F", "pages": 2.0,
                                           "note": "Dòng một\r\nDòng hai "}, printable=PRINTABLE)
    assert errors == []
    assert clean == {"name": "An", "born": "2026-01-02", "count": 2, "ok": True, "phone": "0912 345 678",
                     "sex": "F", "pages": 2, "note": "Dòng một\nDòng hai"}
    assert validate_form(FIELDS, {"name": "a", "pages": "12"})[0]["pages"] == 12


def test_form_validation_takes_vietnamese_typed_with_combining_marks_as_precomposed():
    typed = unicodedata.normalize("NFD", "Đạt")
    clean, errors = validate_form(FIELDS, {"name": typed}, printable=PRINTABLE)
    assert errors == [] and clean["name"] == "Đạt" and len(typed) > len("Đạt")


def test_form_validation_checks_communes_when_given_the_list():
    _clean, errors = validate_form(FIELDS, {"name": "a", "place": "99999"}, known_communes=divisions.communes())
    assert [(e.field, e.code) for e in errors] == [("form.place", "unknown_commune")]


def test_form_validation_of_a_bundled_procedure(seeded):
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    _clean, errors = validate_form(spec.fields, {"storeys": 0, "height": 500, "plot_commune": "00070"})
    by_field = {e.field: e.code for e in errors}
    assert by_field["form.storeys"] == "too_small" and by_field["form.height"] == "too_large"
    assert {f"form.{f.name}" for f in spec.fields if f.required} - {"form.storeys", "form.height",
                                                                        "form.plot_commune"} <= set(by_field)


def test_non_object_form_data_is_refused():
    _clean, errors = validate_form(FIELDS, ["name"])
    assert [(e.field, e.code) for e in errors] == [("form", "invalid")]


# --- search ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "text"), [
    ("dang ky khai sinh", "Đăng ký khai sinh"),
    ("khai sinh", "ĐĂNG KÝ KHAI SINH"),
    ("ly lich tu phap", "Cấp Phiếu lý lịch tư pháp"),
    ("giay phep lai xe", "Đổi giấy phép lái xe"),
])
def test_accent_folding(query, text):
    assert fold_text(query) in fold_text(text)
    assert fold_text(text) == fold_text(text.lower())


def test_fold_text_handles_d_with_stroke_and_composed_forms():
    assert fold_text("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold_text("Hộ tịch") == fold_text("Ho\u0323 ti\u0323ch") == "ho tich"  # precomposed and combining marks


def test_search_text_is_folded(seeded):
    procedure = Procedure.objects.get(code="1.001193")
    assert "dang ky khai sinh" in procedure.search_text and "birth registration" in procedure.search_text


@pytest.mark.parametrize(("query", "code"), [
    ("khai sinh", "1.001193"),
    ("dang ky khai sinh", "1.001193"),
    ("ĐĂNG KÝ KẾT HÔN", "1.000894"),
    ("ly lich tu phap", "3.000333"),
    ("1.013225", "1.013225"),
    ("driving licence", "3.000347"),
])
def test_api_search_without_accents(client, seeded, query, code):
    items = client.get("/api/procedures", {"q": query}).json()["items"]
    assert code in [p["code"] for p in items]


def test_api_search_url_encoded_query(client, seeded):
    body = client.get("/api/procedures?q=khai%20sinh").json()
    assert "1.001193" in [p["code"] for p in body["items"]] and body["count"] == len(body["items"])


def test_api_search_is_precise_and_filters(client, seeded):
    items = client.get("/api/procedures", {"q": "thuong tru"}).json()["items"]
    assert sorted(p["code"] for p in items) == ["1.003197", "1.004222"]  # registration and its deletion
    items = client.get("/api/procedures", {"q": "xoa thuong tru"}).json()["items"]
    assert [p["code"] for p in items] == ["1.003197"]
    assert client.get("/api/procedures", {"q": "khai sinh zzz"}).json()["count"] == 0
    province = client.get("/api/procedures", {"level": "province"}).json()
    assert province["count"] >= 3 and all(p["level"] == "province" for p in province["items"])
    commune = client.get("/api/procedures", {"level": "commune", "q": "ho tich"}).json()["items"]
    assert "1.000656" in [p["code"] for p in commune]


@pytest.mark.parametrize("data, field, code", [
    ({"name": "a", "count": "nan"}, "form.count", "invalid_number"),
    ({"name": "a", "count": "Infinity"}, "form.count", "invalid_number"),
    ({"name": ["a", 1]}, "form.name", "not_a_value"),
    ({"name": "a", "sex": {"x": 1}}, "form.sex", "not_a_value"),
])
def test_form_values_that_json_allows_but_forms_do_not(data, field, code):
    _clean, errors = validate_form(FIELDS, data)
    assert (field, code) in [(e.field, e.code) for e in errors]


def test_datetime_is_not_a_date():
    from datetime import datetime

    _clean, errors = validate_form(FIELDS, {"name": "a", "born": datetime(2026, 1, 2, 10, 30)})
    assert ("form.born", "invalid_date") in [(e.field, e.code) for e in errors]


def test_yaml_only_values_are_reported_not_crashing(seeded, tmp_path):
    text = BIRTH.read_text(encoding="utf-8").replace('code: "1.001193"', 'code: "9.000009"\nadopted: 2026-01-01')
    write(tmp_path, "dated.yaml", text)
    report = import_procedures([tmp_path])
    assert not report.ok and "not plain data" in report.errors[0][1].message


def test_unknown_keys_are_reported(seeded, tmp_path):
    good = yaml.safe_load(BIRTH.read_text(encoding="utf-8"))
    write(tmp_path, "typo.yaml", {**good, "code": "9.000010", "legal_bases": ["x"]})
    report = import_procedures([tmp_path])
    assert ("typo.yaml", "legal_bases") in {(Path(p).name, i.path) for p, i in report.errors}


def test_registry_effects_are_checked_by_field(seeded, tmp_path):
    good = yaml.safe_load(BIRTH.read_text(encoding="utf-8"))
    write(tmp_path, "effects.yaml", {**good, "code": "9.000011", "registry_effects": [
        {"effect": "birth", "with": {"full_name": "form.child_name", "birth_date": "form.child_birth_date",
                                     "colour": "form.child_sex"}},
        {"effect": "adoption", "with": {}},
        {"effect": "death", "with": {"id_number": "dossier.owner", "date_of_death": ["form.x"]}},
    ]})
    report = import_procedures([tmp_path])
    found = {(i.path, i.message.split(" (")[0]) for _p, i in report.errors}
    assert found == {
        ("registry_effects[0].with.sex", "is required by the 'birth' effect"),
        ("registry_effects[0].with.colour", "is not a parameter of the 'birth' effect"),
        ("registry_effects[0].with.full_name", "names no field of this procedure"),
        ("registry_effects[1].effect", "must be one of " + ", ".join(
            ["birth", "death", "marriage", "permanent_residence", "temporary_residence", "residence_deletion",
             "household_business", "identity_card"])),
        ("registry_effects[2].with.id_number",
         "must be form.<field>, applicant.id_number, applicant.name, a list of these"),
        ("registry_effects[2].with.date_of_death", "names no field of this procedure"),  # a list, of unknown fields
    }
    assert not Procedure.objects.filter(code="9.000011").exists()
