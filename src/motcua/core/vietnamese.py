"""Vietnamese as the pages write it (pure Python, no Django import): the alphabet's order, to list provinces and
communes as a Vietnamese reader looks for them, and how a statutory time in working days is said.

The order is the Vietnamese alphabet — a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with f j w z of
foreign names at their Latin places — compared in three levels, as Unicode's collation for Vietnamese (CLDR,
which PostgreSQL's ICU collation ``vi-x-icu`` implements) does: first the letters, then the tones (none, huyền,
hỏi, ngã, sắc, nặng: a à ả ã á ạ), then lower case before upper case. So "Đà Nẵng" follows every name in D,
"bà con" comes before "ba đào", and "Hà Nội" before "Hải Phòng" (a space comes before any letter).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# The letters written with a mark of their own (NFD: base letter + breve, circumflex or horn).
MARKED_LETTERS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
                  ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
# Before the letters, as in the Unicode collation: white space, then punctuation (the marks place names hold
# in this order; any other after them, by code point), then digits.
PUNCTUATION = "_-–—,;:!?.'‘’\"“”()[]{}@*/\\&#%`^+<=>|~$"
_SPACE, _PUNCTUATION, _DIGIT, _LETTER, _OTHER = 0, 1, 0x200000, 0x200100, 0x200200  # above every code point
_OTHER_MARK = len(TONES) + 1  # a mark Vietnamese does not use (Å's ring) counts after the tones

Key = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]


def collation_key(text: str) -> Key:
    """The sort key of ``text`` in Vietnamese order: letters, then tones, then case; NFC and NFD spellings of a
    text have the same key, and two different texts never do (the text itself settles the last tie)."""
    text = unicodedata.normalize("NFC", text)
    weights = [_weights(char) for char in text]
    return tuple(w[0] for w in weights), tuple(w[1] for w in weights), tuple(w[2] for w in weights), text


@lru_cache(maxsize=4096)  # names use a few hundred characters: each is weighed once
def _weights(char: str) -> tuple[int, int, int]:
    """A character's letter, tone and case weights."""
    decomposed = unicodedata.normalize("NFD", char)  # "ặ": a, dot below, breve (canonical order)
    base, marks = decomposed[0], list(decomposed[1:])
    letter = lower = base.lower()
    for mark in marks:
        if (lower, mark) in MARKED_LETTERS:
            letter = MARKED_LETTERS[lower, mark]
            marks.remove(mark)
            break
    return _primary(letter), max((TONES.get(m, _OTHER_MARK) for m in marks), default=0), int(base != lower)


def _primary(char: str) -> int:
    if char in LETTERS:
        return _LETTER + LETTERS.index(char)
    if char.isspace():
        return _SPACE
    if char in PUNCTUATION:
        return _PUNCTUATION + PUNCTUATION.index(char)
    if char.isdigit():
        return _DIGIT + unicodedata.digit(char, 0)
    if unicodedata.category(char).startswith(("P", "S")):
        return _PUNCTUATION + len(PUNCTUATION) + ord(char)
    return _OTHER + ord(char)


def processing_time(days: int) -> tuple[str, str]:
    """A statutory time as the citizen reads it, in Vietnamese and English: "Trong ngày" for a procedure
    settled the day it is received (never "0 ngày làm việc"), else the number of working days."""
    if days == 0:
        return "Trong ngày", "Same day"
    return f"{days} ngày làm việc", f"{days} working day{'s' if days != 1 else ''}"
