"""Fee schedules in use: import and export (nothing written when a file is wrong), the fee of a dossier by the
rules in force at its submission in its competent agency's province, exemptions and reductions asked by the
official, the back-office page, the portal and the API."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import FEES_DIR, spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_official, official_actor, sample_submission
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import LOCAL_TZ, LifecycleError
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Role, citizen_actor
from motcua.payments import fee_schedules
from motcua.payments.models import FeeSchedule
from motcua.payments.schedules import ScheduleError

MARITAL_STATUS = "1.004873"  # Hà Nội 3.000 đồng, Đà Nẵng 15.000 đồng at the counter
HOANKIEM = "H01.X00070.UB"


def hanoi_with(**rule_changes) -> dict:
    """Hà Nội's shipped schedule with the marital-status rule changed."""
    document = yaml.safe_load((FEES_DIR / "01.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in document["rules"] if r["procedure"] == MARITAL_STATUS)
    rule.update(rule_changes)
    return document


def write(folder: Path, document: dict) -> Path:
    path = folder / "01.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def unsaved_dossier(agency: Agency, day: datetime, channel: str = "counter", code: str = MARITAL_STATUS) -> Dossier:
    """A dossier as quoting sees it: procedure, channel, competent agency, moment of submission."""
    return Dossier(procedure_version=Procedure.objects.get(code=code).current_version, channel=channel,
                   competent_agency=agency, submitted_at=day)


def counter_dossier() -> Dossier:
    spec = spec_of(Procedure.objects.get(code=MARITAL_STATUS).current_version)
    receiver = official_actor(HOANKIEM, Role.RECEIVER)
    dossier, _ = dossiers.submit(sample_submission(spec, channel="counter", files=[]), receiver)
    dossiers.act(dossier.code, "receive", receiver)
    dossiers.act(dossier.code, "forward", receiver)
    return dossier


def test_the_same_procedure_costs_what_each_province_sets(seeded):
    now = timezone.now()
    hanoi = Agency.objects.get(code=HOANKIEM)
    danang = Agency.objects.filter(province_code="48", agency_type="ubnd_xa").first()
    elsewhere = Agency.objects.filter(province_code="31", agency_type="ubnd_xa").first()  # Hải Phòng: no schedule
    assert fee_schedules.dossier_quote(unsaved_dossier(hanoi, now)).amount == 3000
    danang_quote = fee_schedules.dossier_quote(unsaved_dossier(danang, now))
    assert (danang_quote.amount, danang_quote.authority) == (15000, "48")
    assert "341/2020/NQ-HĐND" in danang_quote.reasons[0].vi
    national = fee_schedules.dossier_quote(unsaved_dossier(elsewhere, now))
    assert (national.amount, national.authority) == (5000, "")  # the catalog's rate


def test_a_ministry_charges_by_its_own_schedule(seeded, tmp_path):
    """The Ministry of Foreign Affairs (G05) deciding a procedure: its schedule, not a province's."""
    document = {"authority": "G05", "kind": "ministry", "name": {"vi": "Bộ Ngoại giao", "en": "Foreign Affairs"},
                "resolutions": [{"number": "1/2026/TT-BTC", "date": "2026-01-01", "title": "Phí"}],
                "rules": [{"procedure": "3.000333", "from": "2026-01-01", "counter": 100000, "online": 90000,
                           "basis": "1/2026/TT-BTC"}]}
    (tmp_path / "G05.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    (tmp_path / "G99.yaml").write_text(yaml.safe_dump({**document, "authority": "G99"}, allow_unicode=True),
                                       encoding="utf-8")
    refused = fee_schedules.import_schedules([tmp_path / "G99.yaml"])
    assert [(p.path, p.message) for _, p in refused.problems] == [("authority", "is not a ministry's agency code "
                                                                                "('G99'; a department charges by its "
                                                                                "ministry's schedule)")]
    assert fee_schedules.import_schedules([tmp_path / "G05.yaml"]).created == ["G05"]
    ministry = Agency.objects.get(code="G05")
    quote = fee_schedules.dossier_quote(unsaved_dossier(ministry, timezone.now(), "online", "3.000333"))
    assert (quote.amount, quote.authority) == (90000, "G05") and "Thông tư 1/2026/TT-BTC" in quote.reasons[0].vi


@pytest.mark.parametrize(("procedure", "department", "ministry", "rate", "basis"), [
    ("1.001471", "G01.QLXNC", "G01", 200000, "25/2021/TT-BTC"),  # the passport, at the Immigration Department
    ("2.002352", "G05.LS", "G05", 200000, "25/2021/TT-BTC"),  # the diplomatic passport, at the Consular Department
    ("1.002032", "G08", "G08", 800000, "220/2016/TT-BTC"),  # the lawyer's certificate, by the Minister of Justice
    ("1.000355", "G09.HQ", "G09", 0, "54/2014/QH13"),  # the advance tariff ruling, by the customs: no fee
])
def test_a_ministry_procedure_is_quoted_by_the_shipped_schedule_of_its_ministry(seeded, procedure, department,
                                                                               ministry, rate, basis):
    """A ministry's departments charge by their ministry's schedule; the quote names it and its legal basis,
    and says the values it rests on are not all verified."""
    assert fee_schedules.current_schedule(ministry) is not None  # imported with the others by the seed
    agency = Agency.objects.get(code=department)
    quote = fee_schedules.dossier_quote(unsaved_dossier(agency, timezone.now(), "online", procedure))
    assert (quote.authority, quote.amount) == (ministry, rate)
    assert basis in quote.reasons[0].vi and not quote.verified
    outlook = fee_schedules.fee_outlook(spec_of(Procedure.objects.get(code=procedure).current_version))
    assert outlook.here.schedule.authority == ministry and outlook.here.online.authority == ministry


def test_a_department_has_no_schedule_of_its_own(seeded, tmp_path):
    document = yaml.safe_load((FEES_DIR / "G01.yaml").read_text(encoding="utf-8"))
    (tmp_path / "G01.QLXNC.yaml").write_text(yaml.safe_dump({**document, "authority": "G01.QLXNC"},
                                                            allow_unicode=True), encoding="utf-8")
    refused = fee_schedules.import_schedules([tmp_path / "G01.QLXNC.yaml"])
    assert [p.path for _, p in refused.problems] == ["authority"] and not refused.created


def test_online_filing_costs_nothing_in_the_zero_fee_period(seeded):
    hanoi = Agency.objects.get(code=HOANKIEM)
    before = datetime(2022, 6, 1, 9, tzinfo=LOCAL_TZ)
    during = datetime(2024, 6, 1, 9, tzinfo=LOCAL_TZ)  # Nghị quyết 07/2023/NQ-HĐND
    assert fee_schedules.dossier_quote(unsaved_dossier(hanoi, before, "online")).amount == 3000
    free = fee_schedules.dossier_quote(unsaved_dossier(hanoi, during, "online"))
    assert (free.amount, free.basis) == (0, "online_free") and "07/2023/NQ-HĐND" in free.reasons[-1].vi


def test_a_dossier_keeps_the_fee_in_force_at_its_submission(seeded, tmp_path):
    dossier = counter_dossier()
    assert fee_schedules.dossier_quote(dossier).amount == 3000
    later = timezone.now() + timedelta(seconds=1)
    report = fee_schedules.import_schedules([write(tmp_path, hanoi_with(counter=9000))])
    assert report.created == ["01"]
    FeeSchedule.objects.filter(authority="01", number=2).update(imported_at=later)
    assert fee_schedules.dossier_quote(Dossier.objects.get(pk=dossier.pk)).amount == 3000
    dossiers.act(dossier.code, "request_payment", official_actor(HOANKIEM, Role.SPECIALIST))
    assert dossiers.state_of(Dossier.objects.get(pk=dossier.pk)).fee_due == 3000
    newer = unsaved_dossier(Agency.objects.get(code=HOANKIEM), later + timedelta(seconds=1))
    assert fee_schedules.dossier_quote(newer).amount == 9000


def test_exempt_applicants_owe_nothing_and_reductions_lower_the_fee(seeded, tmp_path):
    reliefs = hanoi_with()["rules"][0]["reliefs"]
    reliefs.append({"code": "sinh_vien", "kind": "reduction", "percent": 50, "basis": "06/2020/NQ-HĐND",
                    "label": {"vi": "Sinh viên", "en": "Student"}})
    fee_schedules.import_schedules([write(tmp_path, hanoi_with(reliefs=reliefs))])
    specialist = official_actor(HOANKIEM, Role.SPECIALIST)
    exempt = counter_dossier()
    with pytest.raises(LifecycleError) as refused:
        dossiers.act(exempt.code, "request_payment", specialist, data={"exemption": "ho_ngheo"})
    assert refused.value.code == "nothing_owed"
    reduced = counter_dossier()
    dossiers.act(reduced.code, "request_payment", specialist, data={"exemption": "sinh_vien"})
    request = Dossier.objects.get(pk=reduced.pk).actions.get(kind="request_payment")
    assert request.data == {"amount": 1500, "fee_basis": "reduced", "exemption": "sinh_vien", "fee_authority": "01"}
    reliefs_offered = [r.code for r in fee_schedules.dossier_reliefs(reduced)]
    assert "ho_ngheo" in reliefs_offered and "sinh_vien" in reliefs_offered


def test_a_wrong_file_is_reported_field_by_field_and_nothing_is_imported(seeded, tmp_path, capsys):
    good = write(tmp_path, hanoi_with(counter=9000))
    bad = tmp_path / "79.csv"
    bad.write_text("record,procedure,code,kind,from,to,counter,online,basis\n"
                   "schedule,,79,province,,,,,\n"
                   "rule,1.004873,,,2026-01-01,,nine,0,124/2016/NQ-HĐND\n", encoding="utf-8")
    before = FeeSchedule.objects.count()
    report = fee_schedules.import_schedules([good, bad])
    assert report.created == [] and FeeSchedule.objects.count() == before
    found = {(path.name, p.line, p.path) for path, p in report.problems}
    assert ("79.csv", 3, "rules[0].counter") in found  # not a number
    assert ("79.csv", 2, "name.vi") in found and ("79.csv", 3, "rules[0].basis") in found  # no resolution listed
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("fees", "import", str(good), str(bad))
    assert "79.csv:3: rules[0].counter: must be int" in capsys.readouterr().err
    assert FeeSchedule.objects.count() == before


def test_export_and_import_again_changes_nothing(seeded, tmp_path, capsys):
    call_command("fees", "check")
    assert "7 fee schedules are valid" in capsys.readouterr().out  # 3 provinces, 4 ministries
    for fmt in ("yaml", "csv"):
        for authority in ("48", "G01"):
            folder = tmp_path / fmt / authority
            folder.mkdir(parents=True)
            call_command("fees", "export", authority, str(folder), "--format", fmt)
            assert fee_schedules.import_schedules([folder]).unchanged == [authority]


def test_the_back_office_shows_the_schedule_of_the_officials_province(client, seeded):
    log_in_official(client, "hoankiem.motcua")
    page = client.get("/backoffice/bieu-phi/?ngay=2026-03-02").content.decode()
    assert 'data-testid="fee-schedule"' in page and "06/2020/NQ-HĐND" in page and "3.000 ₫" in page
    assert "chưa kiểm chứng" in page  # Hà Nội's construction-permit rate is marked unverified
    immigration = Client()
    log_in_official(immigration, "bca.xnc.motcua")  # a ministry's department: its ministry's schedule
    page = immigration.get("/backoffice/bieu-phi/").content.decode()
    assert "Bộ Công an" in page and "25/2021/TT-BTC" in page and "200.000 ₫" in page


def test_the_procedure_page_shows_each_provinces_rates(client, seeded):
    page = client.get(f"/thu-tuc/{MARITAL_STATUS}/").content.decode()
    assert 'data-testid="fees-by-place"' in page and "Thành phố Đà Nẵng" in page and "15.000 ₫" in page


def test_api_reads_schedules_and_quotes(client, seeded):
    listed = client.get("/api/fees/schedules").json()
    assert [s["authority"] for s in listed] == ["01", "48", "79", "G01", "G05", "G08", "G09"]
    one = client.get("/api/fees/schedules/79?on=2025-10-01").json()
    permit = next(x for x in one["in_force"] if x["procedure"] == "1.013225")
    assert permit["online"]["amount"] == 0 and permit["counter"]["verified"] is False
    assert one["schedule"]["resolutions"][1]["number"] == "411/NQ-HĐND"
    q = client.get("/api/fees/quote", {"procedure": MARITAL_STATUS, "authority": "48", "channel": "counter",
                                       "on": "2026-03-02", "exemption": "ho_ngheo"}).json()
    assert (q["amount"], q["basis"], q["full_amount"]) == (0, "exempt", 15000)
    refused = client.get("/api/fees/quote", {"procedure": MARITAL_STATUS, "authority": "48", "exemption": "x"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "exemption"
    assert client.get("/api/fees/schedules/31").status_code == 404


def test_the_applicant_sees_why_the_fee_is_what_it_is(client, seeded):
    an = DEMO_CITIZENS[0]
    spec = spec_of(Procedure.objects.get(code="3.000333").current_version)  # no schedule: the catalog's rate
    dossier, _ = dossiers.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    dossiers.act(dossier.code, "receive", receiver)
    dossiers.act(dossier.code, "forward", receiver)
    dossiers.act(dossier.code, "request_payment", official_actor(dossier.agency.code, Role.SPECIALIST))
    from motcua.demo.testing import log_in_citizen

    log_in_citizen(client)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="fee-reasons"' in page and "Mức thu chung ghi trong danh mục thủ tục" in page


def test_a_file_that_is_not_yaml_is_reported_at_its_line(tmp_path):
    path = tmp_path / "01.yaml"
    path.write_text('authority: "01"\nkind: province\nrules: [\n  {procedure: "1.004873"\n', encoding="utf-8")
    with pytest.raises(ScheduleError) as failed:
        fee_schedules.parse_file(path, set())
    problem = failed.value.problems[0]
    assert problem.path == "" and problem.line == 5 and "not valid YAML" in problem.message
