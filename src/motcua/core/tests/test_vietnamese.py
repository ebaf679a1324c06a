"""Vietnamese order (letters, then tones, then case) and the processing time as the citizen reads it."""

import unicodedata

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog import divisions
from motcua.core.vietnamese import LETTERS, TONES, collation_key, processing_time

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONE_MARKS = ("", *TONES)  # none, huyền, hỏi, ngã, sắc, nặng
SYLLABLE_CHARACTERS = [unicodedata.normalize("NFC", letter + tone) for letter in VIETNAMESE_LETTERS
                       for tone in (TONE_MARKS if letter in "aăâeêioôơuưy" else ("",))]
characters = st.sampled_from(SYLLABLE_CHARACTERS + [c.upper() for c in SYLLABLE_CHARACTERS])
words = st.text(characters, min_size=1, max_size=8)
names = st.lists(words, min_size=1, max_size=3).map(" ".join)
# What the ICU check compares: names, digits and the marks place names hold (space, hyphen, apostrophe).
texts = st.text(st.one_of(characters, st.sampled_from(" -'0123456789")), max_size=12)


def strip_tones(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in TONES))


def in_order(items):
    return sorted(items, key=collation_key)


def test_the_alphabet_in_its_order_with_foreign_letters_at_their_latin_places():
    assert in_order(reversed(VIETNAMESE_LETTERS)) == list(VIETNAMESE_LETTERS)
    assert in_order("zđfwdj") == list("dđfjwz")
    assert LETTERS.replace("f", "").replace("j", "").replace("w", "").replace("z", "") == VIETNAMESE_LETTERS


def test_tones_follow_their_base_letter_in_the_dictionary_order():
    assert in_order(["bạ", "bá", "bã", "bả", "bà", "ba"]) == ["ba", "bà", "bả", "bã", "bá", "bạ"]
    assert in_order(["ặ", "ắ", "ă", "ậ", "â", "a"]) == ["a", "ă", "ắ", "ặ", "â", "ậ"]  # ặ is a, dot below, breve


def test_letters_first_then_tones_then_case():
    assert in_order(["bác", "Ba", "bà con", "ba đào", "bà", "ba"]) == ["ba", "Ba", "bà", "bà con", "ba đào", "bác"]
    assert in_order(["Xã Ba", "xã Ba"]) == ["xã Ba", "Xã Ba"]


def test_d_bar_follows_d_and_a_space_comes_before_any_letter():
    assert in_order(["Đà Nẵng", "Điện Biên", "Dak Lak", "Đắk Lắk"]) == ["Dak Lak", "Đà Nẵng", "Đắk Lắk", "Điện Biên"]
    assert in_order(["Hải Phòng", "Huế", "Hưng Yên", "Hà Nội"]) == ["Hà Nội", "Hải Phòng", "Huế", "Hưng Yên"]


def test_provinces_are_listed_by_their_names_hanoi_under_h():
    listed = [p.bare for p in divisions.provinces_in_order()]
    assert listed[:6] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng"]
    assert listed.index("Điện Biên") < listed.index("Gia Lai") < listed.index("Hà Nội") < listed.index("Hà Tĩnh")
    assert listed.index("Hồ Chí Minh") < listed.index("Huế") < listed.index("Hưng Yên") < listed.index("Khánh Hòa")
    assert len(listed) == len(set(listed)) == 34


def test_a_provinces_communes_are_listed_by_their_names_whatever_their_kind():
    hanoi = [c.name for c in divisions.communes_of("01")]
    assert hanoi.index("Phường Ba Đình") < hanoi.index("Xã Ba Vì") < hanoi.index("Phường Hoàn Kiếm")
    assert all(c.province_code == "01" for c in divisions.communes_of("01"))
    assert sum(len(divisions.communes_of(code)) for code in divisions.provinces()) == len(divisions.communes())
    assert divisions.communes_of("99") == ()


@given(names)
def test_nfc_and_nfd_spellings_sort_as_one(text):
    assert collation_key(unicodedata.normalize("NFD", text)) == collation_key(text)


@given(names, names)
def test_two_texts_share_a_place_only_when_they_are_the_same_text(a, b):
    assert (collation_key(a) == collation_key(b)) == (a == b)


@given(names, names)
def test_tones_and_case_decide_only_between_the_same_letters(a, b):
    if strip_tones(a).lower() != strip_tones(b).lower():
        bare_order = collation_key(strip_tones(a).lower()) < collation_key(strip_tones(b).lower())
        assert (collation_key(a) < collation_key(b)) == bare_order


@given(words, words)
def test_every_name_in_d_comes_before_every_name_in_d_bar(a, b):
    assert collation_key("d" + a) < collation_key("đ" + b)
    assert collation_key("D" + a) < collation_key("Đ" + b)


@given(names, words)
def test_a_name_comes_before_the_longer_names_it_begins(a, more):
    assert collation_key(a) < collation_key(a + more) and collation_key(a) < collation_key(f"{a} {more}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ICU collation is the reference")
class TestAgainstUnicodeCollationForVietnamese:
    """The same order as Unicode's collation for Vietnamese (CLDR), as PostgreSQL's ICU collation gives it."""

    @staticmethod
    def icu_order(items: list[str]) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute('SELECT x FROM unnest(%s::text[]) AS x ORDER BY x COLLATE "vi-x-icu", x COLLATE "C"',
                           [items])
            return [row[0] for row in cursor.fetchall()]

    @pytest.mark.django_db
    def test_every_province_and_commune_name(self):
        everything = [d.name for d in (*divisions.provinces().values(), *divisions.communes().values())]
        assert in_order(everything) == self.icu_order(everything)

    @pytest.mark.django_db
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
    @given(st.lists(texts, min_size=2, max_size=30))
    def test_any_text_of_vietnamese_letters_digits_and_the_marks_of_names(self, items):
        assert in_order(items) == self.icu_order(items)


@pytest.mark.parametrize(("days", "vi", "en"), [(0, "Trong ngày", "Same day"), (1, "1 ngày làm việc", "1 working day"),
                                                (7, "7 ngày làm việc", "7 working days")])
def test_processing_time_says_same_day_never_zero_days(days, vi, en):
    assert processing_time(days) == (vi, en)
