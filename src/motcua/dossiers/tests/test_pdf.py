"""The printable forms carry the right Vietnamese text (extracted back out of the PDF)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE
from motcua.dossiers import pdf, services
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
