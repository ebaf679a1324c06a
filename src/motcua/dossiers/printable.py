"""The characters the printed forms can show: those every bundled font has a glyph for (read once from
the fonts' character maps). Text outside it would silently vanish from a signed PDF, so input is checked
against it (``core.text``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
# The faces of the printed forms, by fpdf2 style: regular, bold, italic.
FONT_FILES = {"": FONTS / "DejaVuSerif.ttf", "B": FONTS / "DejaVuSerif-Bold.ttf",
              "I": FONTS / "DejaVuSerif-Italic.ttf"}


@cache
def printable_characters() -> frozenset[str]:
    """Every character each face can draw: a value may be printed in any of them."""
    faces = [set(TTFont(path, lazy=True).getBestCmap()) for path in FONT_FILES.values()]
    return frozenset(map(chr, set.intersection(*faces)))
