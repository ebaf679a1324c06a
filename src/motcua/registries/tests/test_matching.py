"""The rules that say when two records are one person (pure Python), with properties checked by Hypothesis."""

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.registries import matching
from motcua.registries.matching import Facts, Province, classify, read_id_number

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
letters = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), min_size=1, max_size=8)
names = st.lists(letters, min_size=1, max_size=5).map(" ".join)


@given(names)
def test_folding_leaves_plain_upper_case_words(name):
    folded = matching.fold(name)
    assert folded.isascii() and folded == folded.upper() and "  " not in folded
    assert matching.fold(folded) == folded
    assert matching.fold(unicodedata.normalize("NFD", name)) == folded  # however the keyboard composed it


@given(names)
def test_a_name_without_its_diacritics_folds_alike(name):
    plain = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    assert matching.fold(plain.replace("đ", "d").replace("Đ", "D")) == matching.fold(name)


def test_d_with_stroke_is_d_and_the_examples_of_the_issue():
    assert matching.fold("Đặng Đình Đức") == "DANG DINH DUC"
    assert matching.fold("Nguyễn Thị Hoà") == matching.fold("NGUYEN THI HOA") == "NGUYEN THI HOA"
    assert matching.name_difference("Nguyễn Thị Hoà", "NGUYEN THI HOA") == "diacritics"
    assert matching.name_difference("Nguyễn Thị Hoà", "Nguyễn Thị Hòa") == "tone_placement"
    assert matching.name_difference("Nguyễn Thị Hoà", "nguyễn  thị hoà") is None
    assert matching.name_difference("Nguyễn Thị Hoà", "Hoà Nguyễn Thị") == "order"
    assert matching.name_difference("Nguyễn Thị Hoà", "Nguyễn Thị Hoàng") == "spelling"
    assert (matching.surname("Nguyễn Thị Hoà"), matching.given_name("Nguyễn Thị Hoà")) == ("NGUYEN", "HOA")


@given(st.lists(letters, min_size=1, max_size=5), st.randoms())
def test_name_order_does_not_change_the_sorted_words(words, rng):
    shuffled = list(words)
    rng.shuffle(shuffled)
    assert matching.sorted_words(" ".join(words)) == matching.sorted_words(" ".join(shuffled))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
def test_swapping_day_and_month_twice_gives_the_date_back(day):
    other = matching.swapped(day)
    if other is None:
        assert day.day > 12 or day.day == day.month
    else:
        assert other != day and matching.swapped(other) == day
        assert matching.date_difference(day, other) == "day_month_swapped"


def test_date_differences():
    assert matching.date_difference(date(1990, 5, 17), date(1990, 5, 17)) is None
    assert matching.date_difference(date(1990, 3, 4), date(1990, 4, 3)) == "day_month_swapped"
    assert matching.date_difference(date(1990, 5, 17), date(1991, 5, 17)) == "year"
    assert matching.date_difference(date(1990, 5, 17), date(1990, 5, 18)) == "typo"
    assert matching.date_difference(date(1990, 5, 17), date(1975, 11, 2)) == "other"


@pytest.mark.parametrize(("raw", "kind", "digits"), [
    ("001090012345", "personal", "001090012345"), (" 001 090 012 345 ", "personal", "001090012345"),
    ("012.345.678", "old_card", "012345678"), ("", "missing", ""), (None, "missing", ""),
    ("00109001234", "malformed", "00109001234"), ("00109001234X", "malformed", "00109001234X"),
])
def test_id_numbers_as_datasets_give_them(raw, kind, digits):
    assert read_id_number(raw) == matching.IdNumber(kind, digits)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 11), st.integers(1, 9))
def test_one_wrong_digit_is_a_typo(number, at, shift):
    wrong = number[:at] + str((int(number[at]) + shift) % 10) + number[at + 1:]
    assert matching.id_difference(number, read_id_number(wrong)) == "typo"
    assert matching.id_difference(number, read_id_number(number)) is None


def test_old_card_and_missing_numbers_are_named():
    assert matching.id_difference("001090012345", read_id_number("012345678")) == "old_card"
    assert matching.id_difference("001090012345", read_id_number("")) == "missing"
    assert matching.id_difference("001090012345", read_id_number("079185004321")) == "other"


def test_every_province_code_old_or_new_reads_as_a_current_province():
    assert len(matching.PROVINCES_BEFORE_2025) == 63 and len(matching.PROVINCES_SINCE_2025) == 34
    assert set(matching.OLD_TO_NEW) == set(matching.PROVINCES_BEFORE_2025)
    assert set(matching.OLD_TO_NEW.values()) == set(matching.PROVINCES_SINCE_2025)
    for code in matching.PROVINCES_SINCE_2025:
        assert matching.province_of(code) == Province(code, False)  # a new province kept one old code
    assert matching.province_of("02") == Province("08", True)  # Hà Giang is now Tuyên Quang
    assert matching.province_of("Tỉnh Hà Giang") == Province("08", True)
    assert matching.province_of("BA RIA - VUNG TAU") == Province("79", True)
    assert matching.province_of("Thành phố Hồ Chí Minh") == Province("79", False)
    assert matching.province_in_address("Số 5 Lê Lợi, Phường 3, Tỉnh Bình Dương") == Province("79", True)
    assert matching.province_of("Atlantis") is None and matching.province_of("99") is None


def test_every_province_code_is_a_birth_registration_code():
    from motcua.identity.id_number import PROVINCE_CODES

    assert {f"0{c}" for c in matching.PROVINCES_BEFORE_2025} == PROVINCE_CODES


REGISTRY = Facts(id_number="001090012345", full_name="Nguyễn Thị Hoà", birth_date=date(1990, 3, 4), sex="F",
                 commune_code="00070", province=Province("01", False))


def test_outcomes():
    same = Facts(**{**REGISTRY.__dict__})
    assert classify(same, REGISTRY, 0.999, 0.9).kind == "exact"
    assert classify(same, None, None, 0.9).kind == "unmatched"
    assert classify(same, REGISTRY, 0.5, 0.9).kind == "unmatched"
    conflict = classify(Facts(id_number="001090012345", full_name="NGUYEN THI HOA", birth_date=date(1990, 4, 3)),
                        REGISTRY, 0.99, 0.9)
    assert conflict.kind == "conflict"
    assert [c.as_dict() for c in conflict.conflicts] == [
        {"field": "full_name", "source": "NGUYEN THI HOA", "registry": "Nguyễn Thị Hoà", "kind": "diacritics"},
        {"field": "birth_date", "source": "1990-04-03", "registry": "1990-03-04", "kind": "day_month_swapped"}]
    probable = classify(Facts(id_number="012345678", full_name="Nguyễn Thị Hoà", birth_date=date(1990, 3, 4)),
                        REGISTRY, 0.97, 0.9)
    assert probable.kind == "probable" and probable.probability == 0.97
    assert probable.conflicts[0] == matching.Conflict("id_number", "012345678", "001090012345", "old_card")
    missing = classify(Facts(full_name="Nguyễn Thị Hoà", birth_date=date(1990, 3, 4)), REGISTRY, 0.95, 0.9)
    assert missing.kind == "probable" and missing.conflicts[0].kind == "missing"


def test_places_before_the_merger_and_after_a_move():
    old = Facts(id_number="001090012345", full_name="Nguyễn Thị Hoà", birth_date=date(1990, 3, 4),
                province=Province("01", True))
    assert [c.kind for c in classify(old, REGISTRY, 0.99, 0.9).conflicts] == ["before_2025"]
    moved = Facts(id_number="001090012345", full_name="Nguyễn Thị Hoà", birth_date=date(1990, 3, 4),
                  commune_code="26734", province=Province("79", False))
    assert [(c.field, c.kind) for c in classify(moved, REGISTRY, 0.99, 0.9).conflicts] == [("commune_code", "other")]


def test_precision_and_recall():
    q = matching.quality([("a", "a"), ("b", "c"), ("d", None), (None, None), (None, "e")])
    assert (q.true_links, q.links, q.linkable) == (1, 3, 3)
    assert q.precision == pytest.approx(1 / 3) and q.recall == pytest.approx(1 / 3)
    assert matching.quality([]).precision == 1.0
