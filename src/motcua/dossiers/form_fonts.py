"""The bundled faces of the printed forms, read once per process and embedded into each form with the outlines of
the glyphs it draws.

fpdf2 parses a TrueType file for every document (``add_font``) and runs fontTools' subsetter on it for every
document it writes: four fifths of a form's rendering time. Here each face is parsed once, and run through the
subsetter once with fpdf2's own options but keeping every glyph at its index (``retain_gids``); a document then
embeds that font with the outlines of the glyphs it does not draw left empty, which is what the subsetter does
with ``retain_gids`` and costs only joining bytes. What a reader sees is unchanged: the same font dictionaries,
widths, ``ToUnicode`` map and outlines as fpdf2's own subset, the glyphs at their original indices
(``CIDToGIDMap``); the embedded font also keeps its full character map and metrics, about 2 KB per face.

fpdf2 has no supported way to reuse a parsed font or to embed a font program of one's own, so this module leans
on its internals in two places, each tested against fpdf2's own output (``tests/test_form_fonts.py``): the
per-document state of a parsed font (:func:`_for_document`) and the font objects written (:class:`FormOutput`).
"""

from __future__ import annotations

import copy
import io
import logging
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont, getSearchRange
from fontTools.ttLib.sfnt import calcChecksum
from fpdf import FPDF
from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFFont,
    PDFFontStream,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream

from motcua.dossiers.printable import FONT_FILES

log = logging.getLogger(__name__)
FAMILY = "Serif"
SFNT_HEADER, SFNT_ENTRY = struct.Struct(">IHHHH"), struct.Struct(">4sIII")  # the font's table directory
TRUETYPE = 0x00010000
# The tables fpdf2 drops from the fonts it embeds (fpdf.output.OutputProducer._add_fonts): layout tables the PDF does
# not use.
DROPPED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC",
                  "EBSC", "SVG ", "CPAL", "COLR"]


@dataclass(frozen=True)
class Face:
    """One bundled face, parsed: fpdf2's font object (metrics, character map) and the font program to embed, in
    pieces: its tables but the glyph data, each glyph's outline and the glyphs each one is drawn from."""

    parsed: TTFFont
    tables: dict[str, bytes]  # head with its checkSumAdjustment at 0
    checksums: dict[str, int]
    outlines: tuple[bytes, ...]
    drawn_from: tuple[frozenset[int], ...]  # per glyph: itself and the glyphs its composite outline uses
    glyph_index: dict[str, int]
    short_offsets: bool  # the head table's indexToLocFormat

    def program(self, glyphs: Iterable[int]) -> bytes:
        """The TrueType font with the outlines of ``glyphs`` (and of .notdef); the others empty. Written here
        rather than by fontTools' SFNTWriter, which computes every table's checksum again: only the glyph data,
        its offsets and the whole font's checksum change from one document to the next."""
        kept = frozenset({0}).union(*(self.drawn_from[g] for g in glyphs))
        outlines = [outline if g in kept else b"" for g, outline in enumerate(self.outlines)]
        offsets = list(accumulate(map(len, outlines), initial=0))
        loca = struct.pack(f">{len(offsets)}H", *(o // 2 for o in offsets)) if self.short_offsets \
            else struct.pack(f">{len(offsets)}I", *offsets)
        glyf = b"".join(outlines)
        tables = {**self.tables, "glyf": glyf, "loca": loca}
        checksums = {**self.checksums, "glyf": calcChecksum(glyf), "loca": calcChecksum(loca)}
        directory = [SFNT_HEADER.pack(TRUETYPE, len(tables), *getSearchRange(len(tables), 16))]
        body, at = [], {"": SFNT_HEADER.size + SFNT_ENTRY.size * len(tables)}
        for tag in sorted(tables):  # the directory in tag order, and the tables in the same order, 4-byte aligned
            at[tag] = at[""]
            directory.append(SFNT_ENTRY.pack(tag.encode("latin-1"), checksums[tag], at[tag], len(tables[tag])))
            body.append(tables[tag] + b"\0" * (-len(tables[tag]) % 4))
            at[""] += len(body[-1])
        font = bytearray(b"".join(directory + body))
        whole = calcChecksum(b"".join(directory)) + sum(checksums.values())
        struct.pack_into(">I", font, at["head"] + 8, (0xB1B0AFBA - whole) & 0xFFFFFFFF)  # head.checkSumAdjustment
        return bytes(font)


def _read(path: Path, style: str) -> Face:
    scratch = FPDF()
    scratch.add_font(FAMILY, style, path)
    parsed = scratch.fonts[f"{FAMILY.lower()}{style}"]
    assert isinstance(parsed, TTFFont)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, retain_gids=True)
    options.drop_tables += DROPPED_TABLES
    font = TTFont(path, recalcTimestamp=False)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=font.getGlyphOrder())
    subsetter.subset(font)
    program = io.BytesIO()
    font.save(program)
    font = TTFont(program, recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyf, offsets, raw = font["glyf"], font["loca"], font.getTableData("glyf")
    components = [[order.index(c) for c in glyf[name].getComponentNames(glyf)] for name in order]

    def closure(gid: int) -> frozenset[int]:
        return frozenset({gid}).union(*(closure(c) for c in components[gid]))

    tables = {tag: font.getTableData(tag) for tag in font.reader.tables if tag not in ("glyf", "loca")}
    tables["head"] = tables["head"][:8] + bytes(4) + tables["head"][12:]
    return Face(
        parsed=parsed, tables=tables, checksums={tag: calcChecksum(data) for tag, data in tables.items()},
        outlines=tuple(raw[offsets[g]:offsets[g + 1]] for g in range(len(order))),
        drawn_from=tuple(closure(g) for g in range(len(order))),
        glyph_index={name: g for g, name in enumerate(order)}, short_offsets=font["head"].indexToLocFormat == 0)


@cache
def faces() -> dict[str, Face]:
    """The faces by fpdf2 style, read on first use in a process."""
    return {style: _read(path, style) for style, path in FONT_FILES.items()}


def _for_document(parsed: TTFFont, index: int) -> TTFFont:
    """A copy of a parsed font for one document: the parse (metrics, character map, fontTools object) shared, the
    glyphs this document uses its own — the split fpdf2 itself makes when it copies fonts (TTFFont.__deepcopy__)."""
    font = copy.copy(parsed)
    font.i = index
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    return font


def add_faces(pdf: FPDF) -> None:
    """Make the bundled faces available to ``pdf`` as family :data:`FAMILY`, as ``add_font`` would."""
    for face in faces().values():
        pdf.fonts[face.parsed.fontkey] = _for_document(face.parsed, len(pdf.fonts) + 1)


class FormOutput(OutputProducer):
    """fpdf2's writer, with the bundled faces embedded from :func:`faces` instead of subset anew."""

    def _add_fonts(self, image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name):
        bundled = {face.parsed.fontkey: face for face in faces().values()}
        objects = {}
        try:
            for font in sorted(self.fpdf.fonts.values(), key=lambda font: font.i):
                if not isinstance(font, TTFFont) or font.fontkey not in bundled:
                    raise ValueError(f"a printed form draws with the bundled faces only, not {font.fontkey}")
                objects[font.i] = self._embed(font, bundled[font.fontkey])
            return objects
        finally:
            SubsetMap.pick.cache_clear()  # fpdf2 caches these per document, across documents; it clears them here too
            SubsetMap.get_glyph.cache_clear()

    def _embed(self, font: TTFFont, face: Face) -> PDFFont:
        """The objects fpdf2 writes for a TrueType font, in its order: Type0 font, CIDFontType2, ToUnicode,
        CIDSystemInfo, descriptor, CIDToGIDMap, font program."""
        if font.missing_glyphs:
            log.warning("font %s has no glyph for %s", font.name, ", ".join(map(hex, font.missing_glyphs[:10])))
        used = [(glyph, code) for glyph, code in font.subset.items() if glyph is not None]
        name = f"MPDFAA+{font.name}"
        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(subtype="CIDFontType2", base_font=name, d_w=font.desc.missing_width,
                           w=_tt_font_widths(font))
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        composite.to_unicode = PDFContentStream(_to_unicode(used))
        self._add_pdf_obj(composite.to_unicode, "fonts")
        cid_font.c_i_d_system_info = CIDSystemInfo()
        self._add_pdf_obj(cid_font.c_i_d_system_info, "fonts")
        descriptor = copy.copy(font.desc)  # the parsed font's is shared by every document
        descriptor.font_name = Name(name)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        glyphs = {code: face.glyph_index[glyph.glyph_name] for glyph, code in used}
        cid_to_gid = bytearray(2 * (max(glyphs) + 1))  # fpdf2 writes all 65,536 codes; the ones drawn are enough
        for code, gid in glyphs.items():
            cid_to_gid[2 * code:2 * code + 2] = gid.to_bytes(2, "big")
        cid_font.c_i_d_to_g_i_d_map = PDFContentStream(bytes(cid_to_gid), compress=True)
        self._add_pdf_obj(cid_font.c_i_d_to_g_i_d_map, "fonts")
        program = PDFFontStream(face.program(glyphs.values()))
        descriptor.font_file2 = program  # type: ignore[attr-defined]  # as fpdf2 sets it
        self._add_pdf_obj(program, "fonts")
        return composite


def _to_unicode(used: list[tuple[Glyph, int]]) -> bytes:
    """The CMap that gives each code drawn its text back (copying, searching, reading aloud), as fpdf2 writes it."""
    entries = [f"<{code:04X}> <{''.join(map(chr, glyph.unicode)).encode('utf-16-be').hex().upper()}>\n"
               for glyph, code in used if isinstance(glyph.unicode, tuple) and glyph.unicode]
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n"
            "/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{_build_cmap_blocks(entries, 'bfchar')}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
            ).encode("latin-1")
