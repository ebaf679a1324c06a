"""The printable forms carry the right Vietnamese text (extracted back out of the PDF), and any text that
input accepts is printed in full."""

import io
import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from motcua.core.text import normalize, text_problem
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE
from motcua.dossiers import pdf, services
from motcua.dossiers.printable import printable_characters
from motcua.identity.actors import Actor, Role, citizen_actor

AGENCY = "H01.X00070.UB"
CITIZEN = DEMO_CITIZENS[0]


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def official(role: Role, name: str) -> Actor:
    return Actor("official", name, name, AGENCY, role)


@pytest.fixture
def dossier(seeded):
    sub = services.Submission(
        procedure_code="1.001193", channel="online", applicant_id_number=CITIZEN.id_number,
        applicant_name=CITIZEN.name, applicant_phone=CITIZEN.phone, commune_code=DEMO_COMMUNE,
        form=dict(BIRTH_FORM), evidence=["to_khai"])
    dossier, _ = services.submit(sub, citizen_actor(CITIZEN.id_number, eid_level=2))
    return dossier


def test_receipt_slip_needs_receipt(dossier):
    with pytest.raises(ValueError):
        pdf.receipt_slip(dossier, services.state_of(dossier))


def test_receipt_slip_text(dossier):
    dossier, state = services.act(dossier.code, "receive", official(Role.RECEIVER, "Trần Thị Thu"))
    text = text_of(pdf.receipt_slip(dossier, state))
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     CITIZEN.name, dossier.code, state.appointment_date.strftime("%d/%m/%Y"),
                     "Đăng ký khai sinh", "không phải nộp", "Trần Thị Thu"):
        assert expected in text, expected


def test_tracking_sheet_lists_every_handoff(dossier):
    now = timezone.now()
    steps = [("receive", Role.RECEIVER), ("forward", Role.RECEIVER), ("forward", Role.SPECIALIST),
             ("complete", Role.LEADER), ("return_result", Role.RECEIVER)]
    for i, (kind, role) in enumerate(steps):
        dossier, state = services.act(dossier.code, kind, official(role, f"Cán bộ {role.value}"),
                                      now=now + timedelta(minutes=i))
    text = text_of(pdf.tracking_sheet(dossier, state))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert text.count("1. Giao:") == len(state.handoffs) == 3
    assert "Thẩm định" in text or "kiểm tra" in text
    assert "Đã trả kết quả" in text


# --- what is accepted is printed ------------------------------------------------------------------

PRINTABLE = sorted(printable_characters())
# The fonts' characters, line breaks, and the kinds of characters that used to vanish from the PDF.
TYPED = st.text(st.sampled_from([*PRINTABLE, "\n", "\r", "\t", "\u0301", "\u0323", "\u00ad", "\u200b", "\u202e",
                                  "😀", "王", "∑", "\x00"]), max_size=60)


@given(value=st.one_of(TYPED, st.text(max_size=20)), multiline=st.booleans())
@settings(max_examples=60)
def test_any_accepted_text_is_printed_with_every_character(value, multiline):
    value = normalize(value, multiline=multiline)
    assume(value and text_problem(value, printable_characters(), multiline=multiline) is None)
    form = pdf.OfficialForm()
    form.add_page()
    form.field("Nội dung:", value, bold=not multiline)
    printed = unicodedata.normalize("NFC", text_of(bytes(form.output())))
    assert "".join(value.split()) in "".join(printed.split())


def test_the_printable_characters_are_those_of_every_face_of_the_forms():
    assert {"Đ", "ư", "ễ", "ự", "\u0301", "\u0323", "–", "…"} <= printable_characters()
    assert not {"😀", "王", "∑", "\u202e", "\x00"} & printable_characters()
