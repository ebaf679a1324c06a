"""Searching an agency's queue: by code (or its beginning), by ID number (exactly), by the applicant's name with or
without accents; narrowed by status, procedure and due date; never beyond the agency's own dossiers."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission, submitted
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Role

AN, BINH, CUONG = DEMO_CITIZENS[0], DEMO_CITIZENS[1], DEMO_CITIZENS[2]
HOAN_KIEM = "H01.X00070.UB"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 3, 3)  # a Tuesday


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=HANOI) if day > 0 else datetime(2026, 2, 28 + day, hour, tzinfo=HANOI)


def at_counter(procedure_code: str, name: str, person, received: datetime | None) -> str:
    """Filed at Hoàn Kiếm's counter for ``person`` under ``name``; received then (None: not yet)."""
    receiver = official_actor(HOAN_KIEM, Role.RECEIVER)
    spec = spec_of(Procedure.objects.get(code=procedure_code).current_version)
    sub = sample_submission(spec, person, channel="counter", applicant_name=name)
    dossier = services.submit(sub, receiver, now=received or at(3))[0]
    if received:
        services.act(dossier.code, "receive", receiver, now=received)
    return dossier.code


@pytest.fixture
def queue(seeded):
    """Hoàn Kiếm's dossiers by the name on them (birth registrations are due the day they are received, a
    marital status certificate in 3 working days), and a dossier of another agency."""
    codes = {
        "Đặng Thị Đào": at_counter("1.001193", "Đặng Thị Đào", AN, at(-5)),  # Mon 23 Feb: overdue
        "Nguyễn Văn An": at_counter("1.001193", "Nguyễn Văn An", AN, at(2)),  # Mon 2 Mar: overdue
        "Trần Thị Bình": at_counter("1.004873", "Trần Thị Bình", BINH, at(2)),  # due Thu 5 Mar
        "Lê Hoàng Cường": at_counter("1.004873", "Lê Hoàng Cường", CUONG, None),  # not received: no due date
    }
    elsewhere = submitted("3.000333", AN).code  # Hà Nội police's
    return codes, elsewhere


def names(search: services.QueueSearch | None = None, statuses=None) -> set[str]:
    found = services.agency_queue(HOAN_KIEM, statuses, TODAY).matching(search or services.QueueSearch())
    return set(found.values_list("applicant_name", flat=True))


@pytest.mark.parametrize(("text", "expected"), [
    ("dao", {"Đặng Thị Đào"}),
    ("ĐÀO đặng", {"Đặng Thị Đào"}),
    ("  thị ", {"Đặng Thị Đào", "Trần Thị Bình"}),
    ("Nguyen An", {"Nguyễn Văn An"}),
    ("an nguyễn", {"Nguyễn Văn An"}),
    ("đào bình", set()),
    ("%", set()),
    ("_", set()),
])
def test_names_are_found_with_or_without_accents_in_any_case_and_order(queue, text, expected):
    assert names(services.QueueSearch(text=text)) == expected


def test_codes_are_found_whole_or_by_their_beginning_in_any_case(queue):
    codes, _ = queue
    code = codes["Trần Thị Bình"]
    assert names(services.QueueSearch(text=code.lower())) == {"Trần Thị Bình"}
    assert names(services.QueueSearch(text=f"{HOAN_KIEM}-260302")) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert names(services.QueueSearch(text=code[1:])) == set()  # a beginning, not any part


def test_id_numbers_are_found_exactly(queue):
    assert names(services.QueueSearch(text=BINH.id_number)) == {"Trần Thị Bình"}
    assert names(services.QueueSearch(text=AN.id_number)) == {"Đặng Thị Đào", "Nguyễn Văn An"}
    assert names(services.QueueSearch(text=AN.id_number[:-1])) == set()


def test_the_queue_narrows_by_status_procedure_and_due_date(queue):
    everyone = {"Đặng Thị Đào", "Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"}
    assert names() == everyone
    assert names(statuses=[1]) == {"Lê Hoàng Cường"}
    assert names(services.QueueSearch(procedure="1.004873")) == {"Trần Thị Bình", "Lê Hoàng Cường"}
    assert names(services.QueueSearch(flag="overdue")) == {"Đặng Thị Đào", "Nguyễn Văn An"}
    assert names(services.QueueSearch(flag="nearing")) == set()  # Thursday is two working days away
    assert names(services.QueueSearch(flag="nearing", days=2)) == {"Trần Thị Bình"}
    assert names(services.QueueSearch(due_from=date(2026, 3, 2), due_to=date(2026, 3, 5))) == {
        "Nguyễn Văn An", "Trần Thị Bình"}
    assert names(services.QueueSearch(due_to=date(2026, 2, 28))) == {"Đặng Thị Đào"}
    assert names(services.QueueSearch(text="thi", flag="overdue", procedure="1.001193")) == {"Đặng Thị Đào"}


def test_the_queue_lists_its_procedures_to_narrow_by(queue):
    assert [(code, vi) for code, vi, _en in services.agency_queue(HOAN_KIEM).procedures()] == [
        ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân"), ("1.001193", "Đăng ký khai sinh")]  # by name


def test_another_agencys_dossier_is_never_found(queue):
    _, elsewhere = queue
    assert names(services.QueueSearch(text=elsewhere)) == set()
    assert names(services.QueueSearch(text=elsewhere), statuses=range(1, 11)) == set()


def test_names_filed_before_are_folded_by_the_migration(queue):
    Dossier.objects.update(applicant_name_folded="")
    importlib.import_module("motcua.dossiers.migrations.0007_applicant_name_folded").fold_names(apps, None)
    assert Dossier.objects.get(applicant_name="Đặng Thị Đào").applicant_name_folded == "dang thi dao"
    assert names(services.QueueSearch(text="dang dao")) == {"Đặng Thị Đào"}
