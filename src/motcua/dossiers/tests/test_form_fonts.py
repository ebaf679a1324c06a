"""The bundled faces, parsed once and embedded with only the outlines a form draws, give the PDF fpdf2 itself
would write: same text, same widths and character maps, same outlines, same page pixels. These tests also
watch the fpdf2 internals that ``form_fonts`` relies on, so that an upgrade that moves them fails here."""

import inspect
import io
import re
import shutil
import subprocess

import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.sfnt import calcChecksum
from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer
from pypdf import PdfReader

from motcua.dossiers import form_fonts
from motcua.dossiers.pdf import OfficialForm
from motcua.dossiers.printable import FONT_FILES, printable_characters

EVERY_CHARACTER = "".join(sorted(printable_characters()))
SAMPLE = "Ủy ban nhân dân phường Hoàn Kiếm — NGUYỄN THỊ ỄỆ, ngày 05 tháng 01 năm 2026: ướp, ỳỹỷỵ, Đạt."


def draw(pdf: FPDF, text: str) -> bytes:
    pdf.set_margins(20, 15, 15)
    pdf.add_page()
    for style in FONT_FILES:
        pdf.set_font(form_fonts.FAMILY, style, 11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def as_fpdf2_writes_it(text: str) -> bytes:
    """The same page through fpdf2's own path: the font files added to the document, subset when written."""
    pdf = FPDF(format="A4")
    for style, path in FONT_FILES.items():
        pdf.add_font(form_fonts.FAMILY, style, path)
    return draw(pdf, text)


def fonts_of(data: bytes) -> dict[str, dict]:
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    return {name: ref.get_object() for name, ref in fonts.items()}


def outlines(font: dict) -> dict[int, tuple]:
    """Per code the form draws: the outline (points, contour ends, on-curve flags) and the advance width."""
    cid_font = font["/DescendantFonts"][0].get_object()
    program = TTFont(io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_data()))
    to_gid = cid_font["/CIDToGIDMap"].get_data()
    glyf = program["glyf"]
    drawn = {}
    for hex_code in re.findall(r"^<([0-9A-F]{4})> <", font["/ToUnicode"].get_data().decode(), re.MULTILINE):
        code = int(hex_code, 16)
        name = program.getGlyphName(int.from_bytes(to_gid[2 * code:2 * code + 2], "big"))
        points, ends, flags = glyf[name].getCoordinates(glyf)
        drawn[code] = (list(points), list(ends), [f & 1 for f in flags], program["hmtx"][name][0])
    return drawn


def text_of(data: bytes) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("text", [SAMPLE, EVERY_CHARACTER], ids=["sample", "every printable character"])
def test_a_form_embeds_what_fpdf2_would(text):
    ours, theirs = draw(OfficialForm(), text), as_fpdf2_writes_it(text)
    assert text_of(ours) == text_of(theirs)
    ours_fonts, their_fonts = fonts_of(ours), fonts_of(theirs)
    assert ours_fonts.keys() == their_fonts.keys() and len(ours_fonts) == 3
    for name, font in ours_fonts.items():
        theirs_font = their_fonts[name]
        assert font["/BaseFont"] == theirs_font["/BaseFont"] and font["/Subtype"] == "/Type0"
        assert font["/ToUnicode"].get_data() == theirs_font["/ToUnicode"].get_data()
        cid_font, their_cid_font = font["/DescendantFonts"][0].get_object(), \
            theirs_font["/DescendantFonts"][0].get_object()
        for key in ("/Subtype", "/BaseFont", "/DW", "/W", "/CIDSystemInfo"):
            assert cid_font[key] == their_cid_font[key], key
        descriptor, their_descriptor = cid_font["/FontDescriptor"], their_cid_font["/FontDescriptor"]
        assert {k: v for k, v in descriptor.items() if k != "/FontFile2"} == \
            {k: v for k, v in their_descriptor.items() if k != "/FontFile2"}
        assert outlines(font) == outlines(theirs_font)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_the_page_looks_the_same_to_the_pixel(tmp_path):
    pages = []
    for name, data in (("ours", draw(OfficialForm(), SAMPLE)), ("fpdf2", as_fpdf2_writes_it(SAMPLE))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "150", "-gray", tmp_path / f"{name}.pdf", tmp_path / name], check=True)
        pages.append((tmp_path / f"{name}-1.pgm").read_bytes())
    assert pages[0] == pages[1]
    assert " ".join(SAMPLE.split()) in " ".join(text_of((tmp_path / "ours.pdf").read_bytes()).split())


def drawn_glyphs(program: bytes) -> set[int]:
    """The glyph indices a font program has an outline for."""
    font = TTFont(io.BytesIO(program))
    return {gid for gid, name in enumerate(font.getGlyphOrder()) if font["glyf"][name].numberOfContours != 0}


def regular_program(data: bytes) -> bytes:
    font = fonts_of(data)["/F1"]
    return font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_data()


def test_forms_written_side_by_side_keep_their_own_glyphs():
    face = form_fonts.faces()[""]
    first, second = OfficialForm(), OfficialForm()
    for pdf in (first, second):
        pdf.add_page()
        pdf.font(11)
    first.cell(0, 6, "Ệ", new_x="LMARGIN", new_y="NEXT")
    second.cell(0, 6, "ữ", new_x="LMARGIN", new_y="NEXT")
    first.cell(0, 6, "Ễ")
    first_data, second_data = bytes(first.output()), bytes(second.output())
    assert text_of(first_data).split() == ["Ệ", "Ễ"] and text_of(second_data).split() == ["ữ"]
    gid = {c: face.glyph_index[face.parsed.cmap[ord(c)]] for c in "ỆỄữ"}
    assert {gid["Ệ"], gid["Ễ"]} <= drawn_glyphs(regular_program(first_data)) and \
        gid["ữ"] not in drawn_glyphs(regular_program(first_data))
    assert gid["ữ"] in drawn_glyphs(regular_program(second_data)) and \
        gid["Ệ"] not in drawn_glyphs(regular_program(second_data))


def test_the_fpdf2_internals_relied_on_are_there():
    """What form_fonts reaches into: a parsed font's per-document fields, and the writer's font step."""
    assert {"i", "subset", "missing_glyphs", "biggest_size_pt", "desc", "fontkey", "name"} <= set(TTFFont.__slots__)
    assert list(inspect.signature(OutputProducer._add_fonts).parameters) == [
        "self", "image_objects_per_index", "gfxstate_objs_per_name", "pattern_objs_per_name"]
    assert "output_producer_class" in inspect.signature(FPDF.output).parameters


def test_the_embedded_program_keeps_glyph_indices_and_empties_the_others():
    face = form_fonts.faces()[""]
    e_hook = face.glyph_index[face.parsed.cmap[ord("ễ")]]  # drawn from other glyphs (composite) or not
    program = face.program([e_hook])
    assert calcChecksum(program) == 0xB1B0AFBA  # the whole font's checksum, as the head table adjusts it
    assert len(TTFont(io.BytesIO(program), checkChecksums=2).getGlyphOrder()) == len(face.outlines)
    assert drawn_glyphs(program) == {g for g in face.drawn_from[e_hook] | {0} if face.outlines[g]}
