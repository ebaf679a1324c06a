"""Free text people type that the platform prints on signed documents (pure Python, no Django import).

A value is normalized to NFC first, so Vietnamese typed with combining marks (NFD, as some keyboards send
it) is the same text as precomposed. It is then refused, with the reason, when it holds a character the
printed forms cannot show (a glyph missing from their fonts would silently vanish from the signed PDF),
a bidirectional control (it reorders what people read: ``‮gnp.exe``), or nothing visible at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container

# Explicit embeddings, overrides and isolates, the implicit marks LRM/RLM and the Arabic letter mark.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Letters and symbols that are drawn as nothing (Hangul fillers, the blank Braille pattern, the combining
# grapheme joiner): a name made of them looks empty.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
# Control, format, surrogate, private-use and unassigned code points, and the line/paragraph separators:
# never printed as text.
NOT_TEXT = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
SHOWN_AT_MOST = 5

Problem = tuple[str, str, str]  # (code, Vietnamese message, English message)


def normalize(value: str, *, multiline: bool = False) -> str:
    """NFC, without surrounding white space; a multi-line value keeps its lines, ended by ``\\n``."""
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def _invisible(char: str) -> bool:
    return (char.isspace() or char in BLANK_GLYPHS
            or unicodedata.category(char) in ("Cf", "Mn", "Me", "Mc"))


def _shown(char: str) -> str:
    code = f"U+{ord(char):04X}"
    return code if unicodedata.category(char)[0] in "CZ" else f"'{char}' ({code})"


def text_problem(value: str, printable: Container[str] | None = None, *,
                 multiline: bool = False) -> Problem | None:
    """What is wrong with a normalized value, or None. ``printable`` holds the characters the printed
    forms can show (None: any character that is text); a line break is accepted only in a multi-line value."""
    if value and all(_invisible(char) for char in value):
        return ("invisible_only", "Chỉ gồm ký tự vô hình; vui lòng nhập nội dung.",
                "Contains only invisible characters; please enter some text.")
    if any(char in BIDI_CONTROLS for char in value):
        return ("bidi_control", "Không được chứa ký tự điều khiển chiều viết (bidi).",
                "Must not contain bidirectional control characters.")
    if any(line[:1] and unicodedata.category(line[0]).startswith("M") for line in value.split("\n")):
        # a line of nothing but a mark has no width, and the printed form drops it
        return ("stray_mark", "Có dấu (thanh, phụ) đứng đầu dòng, không gắn với chữ nào; vui lòng gõ lại chữ có dấu.",
                "A line starts with an accent mark attached to no letter; please type the accented letter again.")
    refused = dict.fromkeys(  # in order of appearance, each once
        char for char in value
        if not (multiline and char == "\n")
        and (unicodedata.category(char) in NOT_TEXT or (printable is not None and char not in printable)))
    if refused:
        shown = ", ".join(_shown(char) for char in list(refused)[:SHOWN_AT_MOST])
        return ("unprintable_character",
                f"Có ký tự không in được trên giấy tờ: {shown}. Vui lòng bỏ hoặc thay bằng chữ có trong "
                "bảng chữ cái tiếng Việt hoặc Latinh.",
                f"Contains characters that cannot be printed on the documents: {shown}. Please remove them "
                "or use Vietnamese or Latin letters.")
    return None


def nul_field(data: object, path: str = "") -> str | None:
    """The dotted path of the first decoded string (a key or a value, at any depth) that holds U+0000,
    which no PostgreSQL text can store; None when there is none. A list item is named by its index."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    items: list[tuple[object, object]] = []
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list | tuple):
        items = list(enumerate(data))
    for key, value in items:
        name = str(key).replace("\x00", "\\u0000")  # the field is named, never carries the character
        where = f"{path}.{name}" if path else name
        if isinstance(key, str) and "\x00" in key:
            return where
        if (found := nul_field(value, where)) is not None:
            return found
    return None
