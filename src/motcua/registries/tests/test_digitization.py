"""Digitizing old paper civil-status books: entries written to the register marked digitized with their book and
page, people found in the population registry by the linkage model, duplicates sent to the steward."""

import pytest
from django.core.management import CommandError, call_command

from motcua.identity.actors import Actor, Role
from motcua.registries import reconciliation
from motcua.registries.digitization import digitize
from motcua.registries.models import CivilEvent, DatasetRun, Finding, Person, RegistryVersion
from motcua.registries.synthetic import generate

HEADER = "book,page,entry,kind,date,commune_code,full_name,birth_date,sex,id_number,other_name,other_id_number,note\n"
CIVIL_KEEPER = Actor("official", "botuphap.hotich", "Cán bộ hộ tịch", "G08", Role.SPECIALIST)


@pytest.fixture
def people(seeded):
    generate(1200, seed=17, batch_size=1200)
    return Person.objects.order_by("id_number")


def _book(tmp_path, lines, name="so-khai-sinh-1990.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def test_entries_are_written_marked_digitized_and_duplicates_go_to_the_steward(people, tmp_path):
    born = list(people.filter(father_id_number__gt="")[:3])  # children: their birth is already registered
    alone = list(people.filter(father_id_number="")[:2])  # adults: no birth event in the register
    a, b = alone
    already = born[0]
    lines = [
        # the book gives no ID number: the person is found by name, birth date and commune
        f"KS-1990-01,12,034,khai_sinh,{a.birth_date:%d/%m/%Y},{a.permanent_commune},{a.full_name.upper()},"
        f"{a.birth_date:%d/%m/%Y},{'Nam' if a.sex == 'M' else 'Nữ'},,,,\n",
        f"KS-1990-01,12,035,birth,{b.birth_date:%Y-%m-%d},{b.permanent_commune},{b.full_name},{b.birth_date:%Y-%m-%d},"
        f"{b.sex},{b.id_number},,,chữ mờ\n",
        # this birth is in the register already
        f"KS-1990-01,13,001,birth,{already.birth_date:%Y-%m-%d},{already.permanent_commune},{already.full_name},"
        f"{already.birth_date:%Y-%m-%d},{already.sex},{already.id_number},,,\n",
        # someone the population registry never knew
        "KS-1990-01,13,002,death,1991-02-03,00070,Mạc Thị Tố,1901-01-01,F,,,,\n",
    ]
    run = digitize(_book(tmp_path, lines), "test")
    assert (run.records, run.inserted, run.duplicates, run.exact, run.probable, run.unmatched) == (4, 3, 1, 1, 1, 1)
    found = CivilEvent.objects.get(register_number="SO-KS-1990-01-12-034")
    assert found.subject_id_number == a.id_number and found.kind == "birth"
    assert found.data["digitized"] is True and (found.data["book"], found.data["page"]) == ("KS-1990-01", "12")
    assert CivilEvent.objects.get(register_number="SO-KS-1990-01-12-035").data["note"] == "chữ mờ"
    version = RegistryVersion.objects.get(registry="civil_status", record="civil_status:SO-KS-1990-01-12-034")
    assert (version.source, version.source_reference, version.recorded_by) == ("digitization", "SO-KS-1990-01-12-034", "test")
    assert CivilEvent.objects.get(register_number="SO-KS-1990-01-13-002").subject_id_number == ""
    assert not CivilEvent.objects.filter(register_number="SO-KS-1990-01-13-001").exists()
    duplicate = Finding.objects.get(run=run)
    assert duplicate.outcome == "duplicate" and duplicate.person_id_number == already.id_number
    assert duplicate.registry["register_number"] == CivilEvent.objects.get(
        kind="birth", subject_id_number=already.id_number).register_number
    # the civil-status keeper's steward: not a duplicate after all, so it is written now
    reconciliation.decide(CIVIL_KEEPER, duplicate.pk, "record", "insert", "Hai lần đăng ký khác nhau")
    assert CivilEvent.objects.get(register_number="SO-KS-1990-01-13-001").data["digitized"] is True
    run.refresh_from_db()
    assert run.inserted == 4
    # the same book again: every entry is now a duplicate, nothing is written twice
    again = digitize(_book(tmp_path, lines, "lan-2.csv"), "test")
    assert (again.inserted, again.duplicates) == (0, 4)


def test_a_bad_book_is_refused_whole(people, tmp_path, capsys):
    lines = ["KS-1,1,1,birth,1990-01-01,00070,Nguyễn An,1990-01-01,M,,,,\n",
             "KS-1,1,2,christening,1990-01-02,00070,Trần Bình,,,,,,\n",
             "KS-1,1,1,birth,31/02/1990,99999,Lê Cường,,,12345,,,\n"]
    before = CivilEvent.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("registries", "digitize", str(_book(tmp_path, lines)))
    err = capsys.readouterr().err
    for where in ("so-khai-sinh-1990.csv:3:kind", "so-khai-sinh-1990.csv:4:date", "so-khai-sinh-1990.csv:4:commune_code",
                  "so-khai-sinh-1990.csv:4:id_number"):
        assert where in err
    assert "Traceback" not in err and "không được nhập" in str(raised.value)
    assert CivilEvent.objects.count() == before and not DatasetRun.objects.exists()


def test_the_command_reports_what_it_did(people, tmp_path, capsys):
    call_command("registries", "digitize", str(_book(tmp_path, ["KS-9,1,1,death,1980-05-05,,Mạc Văn Tố,1900-01-01,M,,,,\n"])),
                 "--commune", "00070")
    assert "1 entries, 1 written to the register" in capsys.readouterr().out
