"""Every procedure names the ministry that governs it, from the Government's list; sectors are consistent; the
procedures a ministry's own department decides go end to end like the others."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from motcua.catalog.services import (
    PROCEDURES_DIR,
    agency_types,
    ministries,
    ministries_of,
    parse_files,
    spec_of,
)
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import citizen_actor

BIRTH = PROCEDURES_DIR / "1.001193.yaml"
MINISTRY_LEVEL = ["1.001471", "2.002352", "1.002032", "1.000355"]


def write(folder, name: str, **changes):
    data = {**yaml.safe_load(BIRTH.read_text(encoding="utf-8")), **changes}
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def issues(folder) -> list[str]:
    return [f"{path.rsplit('/', 1)[-1]}: {issue}" for path, issue in parse_files([folder])[1]]


def test_the_ministry_list_is_the_2025_government():
    assert len(ministries()) == 17  # 14 ministries and 3 ministerial-level agencies (Nghị quyết 176/2025/QH15)
    assert ministries()["BTP"] == {"vi": "Bộ Tư pháp", "en": "Ministry of Justice"}
    assert "BKHDT" not in ministries() and "BLDTBXH" not in ministries()  # merged into Finance, Home Affairs
    named = {t["ministry"] for types in agency_types().values() for t in types.values() if "ministry" in t}
    assert named <= set(ministries())


def test_every_bundled_procedure_names_a_listed_ministry_right_after_its_sector():
    parsed, errors = parse_files([PROCEDURES_DIR])
    assert errors == []
    for path, spec, _definition in parsed:
        assert (spec.ministry_vi, spec.ministry_en) == tuple(ministries()[spec.ministry_code].values())
        keys = [line.split(":")[0] for line in path.read_text(encoding="utf-8").splitlines()
                if line and line[0].isalpha()]
        assert keys[keys.index("sector") + 1] == "ministry", path.name
    assert {spec.ministry_code for _p, spec, _d in parsed} >= {"BTP", "BCA", "BNG", "BTC", "BYT", "BNV"}


def test_unknown_missing_or_misnamed_ministries_and_inconsistent_sectors_are_refused(tmp_path):
    write(tmp_path, "unknown.yaml", code="9.000001",
          ministry={"code": "BKHDT", "name": {"vi": "Bộ Kế hoạch và Đầu tư", "en": "Ministry of Planning"}})
    write(tmp_path, "missing.yaml", code="9.000002", ministry=None)
    write(tmp_path, "misnamed.yaml", code="9.000003",
          ministry={"code": "BTP", "name": {"vi": "Bộ Tư Pháp", "en": "Ministry of Justice"}})
    write(tmp_path, "sector.yaml", code="9.000004", sector={"code": "ho_tich", "name": {"vi": "Hộ tịch", "en": "Civil"}})
    write(tmp_path, "governed.yaml", code="9.000005",
          ministry={"code": "BNV", "name": {"vi": "Bộ Nội vụ", "en": "Ministry of Home Affairs"}})
    found = issues(tmp_path)
    assert any(i.startswith("unknown.yaml: ministry.code: unknown ministry 'BKHDT' (one of BQP, BCA") for i in found)
    assert "missing.yaml: ministry: is required" in found
    assert any(i.startswith("misnamed.yaml: ministry.name: must be the ministry list's names of BTP") for i in found)
    assert any(i.startswith("sector.yaml: sector.name: sector 'ho_tich' is named 'Hộ tịch'") for i in found)
    # files are read by name: governed.yaml first, so the others are told ho_tich is governed by BNV there
    assert any(i.startswith("sector.yaml: ministry.code: sector 'ho_tich' is governed by BNV in ") for i in found)


def test_the_check_command_names_the_unknown_ministry(tmp_path, capsys):
    write(tmp_path, "unknown.yaml", code="9.000001",
          ministry={"code": "BXX", "name": {"vi": "Bộ X", "en": "Ministry X"}})
    with pytest.raises(CommandError):
        call_command("catalog", "check", str(tmp_path))
    assert "unknown.yaml: ministry.code: unknown ministry 'BXX'" in capsys.readouterr().err


def test_a_version_published_before_ministries_stays_readable(seeded):
    version = Procedure.objects.get(code="1.001193").current_version
    version.definition = {k: v for k, v in version.definition.items() if k != "ministry"}
    version.digest = "before-ministries"
    assert spec_of(version).ministry_code == ""


def test_a_dossier_counts_for_the_governing_ministry_and_the_ministry_of_the_deciding_unit():
    parsed = {spec.code: spec for _p, spec, _d in parse_files([PROCEDURES_DIR])[0]}
    assert ministries_of(parsed["1.001193"], "ubnd_xa") == ["BTP"]  # a commune People's Committee: no ministry's unit
    assert ministries_of(parsed["1.014137"], "bao_hiem_xa_hoi_tinh") == ["BTC", "BYT"]
    assert ministries_of(parsed["1.001471"], "cuc_quan_ly_xuat_nhap_canh") == ["BCA"]


@pytest.mark.parametrize("code", MINISTRY_LEVEL)
def test_a_ministry_department_takes_a_dossier_from_online_submission_to_its_result(seeded, code):
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    assert spec.level == "ministry"
    an = DEMO_CITIZENS[0]
    dossier, created = services.submit(sample_submission(spec, an), citizen_actor(an.id_number, an.name, 2))
    agency = dossier.competent_agency
    assert created and agency.level == "ministry" and agency.province_code == ""
    assert agency.code == agency_types()["ministry"][spec.agency_type]["code"]
    if spec.fees.online:  # the department asks for the fee once the dossier is received; it is paid at the counter
        receiver = official_actor(agency.code, spec.workflow.steps[0].role)
        services.act(dossier.code, "receive", receiver)
        services.act(dossier.code, "request_payment", receiver, "", {"amount": spec.fees.online})
        services.act(dossier.code, "pay", receiver, "", {"amount": spec.fees.online})
    walk(dossier.code)
    dossier = services.get_dossier(dossier.code)
    state = services.state_of(dossier)
    assert state.status == Status.RETURNED and state.outcome == "approved"
    assert dossier.issued_documents.filter(kind="result", revoked_at__isnull=True).exists()
