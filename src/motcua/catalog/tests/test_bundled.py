"""The bundled procedure definitions: well-formed, bilingual, routable, and filled from the registries."""

import re
from pathlib import Path

import pytest
from django.utils.html import escape

from motcua.catalog import divisions
from motcua.catalog.services import PROCEDURES_DIR, agency_types, competent_agency, parse_files
from motcua.catalog.spec import LEVELS
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_COMMUNE
from motcua.demo.testing import log_in_citizen, sample_submission
from motcua.dossiers import services
from motcua.identity.actors import Actor, Role, citizen_actor
from motcua.registries.access import Purpose
from motcua.registries.prefill import prefill
from motcua.registries.sources import SOURCES, source

NATIONAL_CODE = re.compile(r"^[1-9]\.\d{6}$")  # as in the national database of administrative procedures
VIETNAMESE = re.compile(r"[À-ỹĐđ]")
SAMPLE_COMMUNE, SAMPLE_PROVINCE = DEMO_COMMUNE, "01"  # Phường Hoàn Kiếm, Hà Nội
OTHER_COMMUNE = "26506"  # Phường Vũng Tàu, Thành phố Hồ Chí Minh
REQUIRED = {
    "1.001193": "birth", "1.000894": "marriage", "1.000656": "death", "1.004222": "permanent residence",
    "1.004194": "temporary residence", "3.000333": "judicial record certificate",
    "1.001612": "business household", "1.013225": "construction permit", "1.013978": "first land certificate",
    "3.000347": "driving licence renewal", "2.000815": "certified copy", "1.014064": "identity card re-issue",
    "1.007565": "tax registration", "2.000635": "copy of a civil-status extract",
    # the members of the two interlinked groups of Nghị định 63/2024/NĐ-CP besides birth and death registration
    "1.014137": "health-insurance card for a child under 6", "1.003197": "deletion of permanent residence",
    "1.014177": "burial allowance", "1.014178": "monthly survivor allowance", "1.014179": "lump-sum survivor allowance",
    "1.001731": "funeral cost support", "1.014063": "identity card renewal",
    # decided by a ministry's own department
    "1.001471": "passport (Immigration Department)", "2.002352": "diplomatic or official passport",
    "1.002032": "lawyer's practising certificate", "1.000355": "advance tariff ruling",
}


PARSED, ERRORS = parse_files([PROCEDURES_DIR])
BUNDLED = [(path, spec) for path, spec, _definition in PARSED]
IDS = [spec.code for _path, spec in BUNDLED]


def test_every_bundled_file_parses_and_there_are_enough():
    assert [f"{path}: {issue}" for path, issue in ERRORS] == []
    assert len(BUNDLED) >= 28
    assert len(IDS) == len(set(IDS)), "procedure codes must be unique"
    assert set(REQUIRED) <= set(IDS)
    assert {path.suffix for path in PROCEDURES_DIR.iterdir()} == {".yaml"}


def test_the_readme_counts_and_names_every_bundled_procedure():
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    assert f"The bundled catalog holds {len(BUNDLED)} procedures" in readme
    listed = set(re.findall(r"\b[1-9]\.\d{6}\b", readme))
    assert set(IDS) <= listed, f"not in README: {sorted(set(IDS) - listed)}"


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_identity_and_texts(path, spec):
    assert path.stem == spec.code and NATIONAL_CODE.match(spec.code)
    for vi, en in ((spec.name_vi, spec.name_en), (spec.sector_vi, spec.sector_en),
                   (spec.result_vi, spec.result_en), (spec.description_vi, spec.description_en)):
        assert vi.strip() and en.strip() and vi != en
    assert VIETNAMESE.search(spec.name_vi + spec.description_vi), "Vietnamese text needs its diacritics"
    assert spec.legal_basis and all(isinstance(b, str) and b.strip() for b in spec.legal_basis)
    assert all(isinstance(e, str) for e in spec.fees.exemptions)


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_level_agency_fees_and_time(path, spec):
    assert spec.level in LEVELS  # two-tier government: no district level
    assert spec.agency_type in agency_types()[spec.level]
    assert spec.fees.currency == "VND"
    assert 0 <= spec.fees.online <= spec.fees.counter or spec.fees.counter == 0
    assert 0 <= spec.statutory_days <= 60
    assert spec.eid_level in (1, 2) and not isinstance(spec.eid_level, bool)


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_workflow(path, spec):
    steps = spec.workflow.steps
    assert sum(s.decides for s in steps) == 1 and 0 < spec.workflow.deciding_step < len(steps) - 1
    assert steps[spec.workflow.deciding_step].role == Role.LEADER
    assert steps[0].role == Role.RECEIVER and steps[-1].role == Role.RECEIVER
    assert len({s.code for s in steps}) == len(steps)
    assert sum(s.share for s in steps) == pytest.approx(1.0)
    offsets = [spec.workflow.step_offset(i) for i in range(len(steps))]
    assert offsets == sorted(offsets) and offsets[-1] == spec.statutory_days


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_fields_and_evidence(path, spec):
    assert spec.fields and spec.evidence
    assert len({f.name for f in spec.fields}) == len(spec.fields)
    assert len({e.code for e in spec.evidence}) == len(spec.evidence)
    for f in spec.fields:
        assert f.label_vi.strip() and f.label_en.strip()
        if f.type == "choice":
            values = [c[0] for c in f.choices]
            assert values and len(values) == len(set(values))
        if f.min_value is not None and f.max_value is not None:
            assert f.min_value <= f.max_value
        assert f.source is None or f.registry in SOURCES
    assert all(e.source is None or e.source in SOURCES for e in spec.evidence)


# The documents that are the applicant's declaration: online, the form filled in is that document.
DECLARATION = re.compile(r"^(Tờ khai|Đơn (đề nghị|đăng ký)|Giấy đề nghị|Phiếu đề nghị)")


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_the_declaration_is_the_form_never_an_attachment_online(path, spec):
    declarations = [e for e in spec.evidence if DECLARATION.match(e.label_vi)]
    assert [e.code for e in declarations] == [e.code for e in spec.evidence if e.filled_online]
    assert all(e.required and e.source is None for e in declarations)


def test_once_only_every_procedure_uses_a_registry():
    """Each procedure reuses at least one registry instead of asking the citizen again."""
    for _path, spec in BUNDLED:
        assert any(f.source for f in spec.fields) or any(e.source for e in spec.evidence), spec.code


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_routing_finds_an_agency(seeded, path, spec):
    for commune in (SAMPLE_COMMUNE, OTHER_COMMUNE):
        province = divisions.communes()[commune].province_code
        agency = competent_agency(spec, commune_code=commune, province_code=province)
        assert (agency.level, agency.agency_type) == (spec.level, spec.agency_type)
        if spec.level == "commune":
            assert agency.commune_code == commune
        elif spec.level == "province":
            assert agency.province_code == province
    if spec.level == "province":  # the province follows from the commune when it is not given
        assert competent_agency(spec, commune_code=SAMPLE_COMMUNE).province_code == SAMPLE_PROVINCE


def registry_keys() -> dict[str, set[str]]:
    """The keys each local registry holds, read from the demo people (no reads are logged here)."""
    an, _binh, cuong = DEMO_CITIZENS
    people = {"population": an.id_number, "residence": an.id_number, "civil_status": an.id_number,
              "enterprise": cuong.id_number, "documents": an.id_number, "family": an.id_number}
    return {name: set(source(name).lookup(person).data) for name, person in people.items()}


def test_field_sources_name_keys_the_registry_holds(seeded):
    keys = registry_keys()
    for _path, spec in BUNDLED:
        for f in spec.fields:
            if f.source:
                assert f.registry_key in keys[f.registry], f"{spec.code} {f.name}: {f.source}"


@pytest.mark.parametrize(("code", "field", "expected"), [
    ("1.004222", "current_commune", DEMO_COMMUNE),
    ("1.004873", "currently_married", "True"),
    ("1.004873", "residence_commune", DEMO_COMMUNE),
    ("1.001776", "beneficiary_id_number", DEMO_CITIZENS[0].id_number),
    ("3.000333", "father_id_number", None),  # the registry holds no father for this person: nothing is filled
    ("1.014137", "relationship", "Cha"),  # An applies for his newborn's card as the father
    ("1.014137", "residence_commune", DEMO_COMMUNE),
    ("1.003197", "residence_commune", DEMO_COMMUNE),
    ("1.014178", "beneficiary_id_number", DEMO_CITIZENS[0].id_number),
    ("1.014063", "birth_date", DEMO_CITIZENS[0].birth_date.isoformat()),
])
def test_prefill_from_registries(seeded, code, field, expected):
    spec = next(spec for _path, spec in BUNDLED if spec.code == code)
    an = DEMO_CITIZENS[0]
    filled = prefill(spec, an.id_number, Actor("citizen", an.id_number, an.name), Purpose("Điền sẵn biểu mẫu", code))
    value = filled.values.get(field)
    assert (value.value if value else None) == expected


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_pages_and_api_render_every_procedure(client, seeded, path, spec):
    detail = client.get(f"/api/procedures/{spec.code}").json()
    assert (detail["code"], detail["version"], detail["level"]) == (spec.code, 1, spec.level)
    assert client.get(f"/thu-tuc/{spec.code}/").status_code == 200
    an = DEMO_CITIZENS[0]
    log_in_citizen(client, an)
    page = client.get(f"/thu-tuc/{spec.code}/nop/")
    assert page.status_code == 200
    html = page.content.decode()
    assert all(escape(f.label_vi) in html for f in spec.fields)


@pytest.mark.parametrize(("path", "spec"), BUNDLED, ids=IDS)
def test_a_citizen_can_submit_every_procedure(seeded, path, spec):
    an = DEMO_CITIZENS[0]
    dossier, created = services.submit(sample_submission(spec, an), citizen_actor(an.id_number, an.name, an.eid_level))
    assert created and dossier.competent_agency.agency_type == spec.agency_type
    assert dossier.procedure_version.procedure.code == spec.code
