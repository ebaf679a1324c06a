"""Free text that is printed: normalized to NFC, refused with a reason when it could not be read as typed."""

import unicodedata

import pytest

from motcua.core.text import normalize, text_problem

LATIN_AND_VIETNAMESE = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("ĐđĂăÂâÊêÔôƠơƯưÁáễạốờ")


def test_vietnamese_typed_with_combining_marks_is_the_precomposed_text():
    typed = unicodedata.normalize("NFD", "  Nguyễn Thị Hằng  ")
    assert typed != "Nguyễn Thị Hằng" and normalize(typed) == "Nguyễn Thị Hằng"


def test_multi_line_text_keeps_its_lines_with_one_kind_of_line_end():
    assert normalize("một\r\nhai\rba\n", multiline=True) == "một\nhai\nba"
    assert text_problem("một\nhai", multiline=True) is None
    assert text_problem("một\nhai")[0] == "unprintable_character"  # a name or a one-line field has no lines


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidirectional_controls_are_refused(control):
    assert text_problem(f"Nguyễn{control}Văn An")[0] == "bidi_control"


@pytest.mark.parametrize("value", ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u3164", "\u2800 \u2800",
                                   "\u0301\u0303", "\u00ad"])
def test_text_made_only_of_invisible_characters_is_refused(value):
    assert text_problem(value)[0] == "invisible_only"


@pytest.mark.parametrize(("value", "shown"), [
    ("An 😀", "'😀' (U+1F600)"), ("王小明", "'王' (U+738B)"), ("∑ x²", "'∑' (U+2211)"),
    ("An\x00", "U+0000"), ("An\u200bBình", "U+200B"), ("\ue000", "U+E000"), ("\ud800", "U+D800"),
])
def test_characters_the_fonts_cannot_draw_are_named(value, shown):
    code, vi, en = text_problem(value, LATIN_AND_VIETNAMESE)
    assert code == "unprintable_character" and shown in vi and shown in en and vi != en


def test_what_is_printable_is_accepted():
    assert text_problem("Nguyễn Văn An, số 12 Đường Láng", LATIN_AND_VIETNAMESE) is None
    assert text_problem("Müller", LATIN_AND_VIETNAMESE)[0] == "unprintable_character"
    assert text_problem("Müller") is None  # without a font to print with, any letter is text


def test_a_line_starting_with_a_stray_mark_is_refused():
    assert text_problem(normalize("0\n\u0300", multiline=True), multiline=True)[0] == "stray_mark"
    assert text_problem(normalize("\u0301a"))[0] == "stray_mark"
    assert text_problem(normalize("a\u0301")) is None  # the mark joins its letter (NFC: á)
