"""The documents capability's part of the dossier journal: evidence files at submission, and the signed
result when the deciding official approves (signature of the official, then the agency's seal)."""

from __future__ import annotations

import re

import segno
from django.core.files.base import ContentFile

from motcua.catalog import divisions
from motcua.catalog.groups import RESULT_DOCUMENT
from motcua.catalog.services import spec_of
from motcua.documents.issuing import Draft, issue
from motcua.documents.models import Attachment, IssuedDocument
from motcua.documents.signers import SignerIdentity
from motcua.documents.signing import Signature, agency_seal
from motcua.dossiers import groups
from motcua.dossiers.lifecycle import LOCAL_TZ, Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.pdf import OfficialForm
from motcua.dossiers.presenters import display_value
from motcua.dossiers.services import Recorded, on_action
from motcua.registries import effects
from motcua.registries.access import held_document_for_dossier

SIGNER_TITLE = {"leader": "LÃNH ĐẠO", "specialist": "CHUYÊN VIÊN", "receiver": "CÁN BỘ MỘT CỬA"}


@on_action("submit", "supplement")
def _store_evidence(recorded: Recorded) -> None:
    """The files a submission or a supplement brings, each marked with the journal entry it came with."""
    dossier, action = recorded.dossier, recorded.action
    origin = "scan" if action.actor.kind == "official" else "upload"
    for incoming in recorded.files:
        attachment = Attachment(dossier=dossier, evidence_code=incoming.evidence_code, origin=origin,
                                sha256=incoming.sha256, content_type=incoming.content_type or "",
                                size=len(incoming.data), original_name=incoming.name[:255],
                                added_by=action.actor.id, added_with=recorded.state.version)
        attachment.file.save(incoming.name, ContentFile(incoming.data), save=False)
        attachment.save()
    if action.kind != "submit":
        return
    # Documents the pre-fill found in the citizen's wallet are attached by reference (once-only).
    for code, origin in dossier.origins.evidence():
        if origin.registry != "documents" or not origin.found:
            continue
        held = held_document_for_dossier(action.actor, dossier, code, origin.reference or "",
                                         "Đính kèm giấy tờ đã có trong kho dữ liệu khi nộp hồ sơ")
        document = IssuedDocument.objects.filter(pk=(held.data or {}).get("document_id")).first() if held else None
        Attachment.objects.create(dossier=dossier, evidence_code=code, origin="wallet", from_document=document,
                                  sha256=document.sha256 if document else "", content_type="application/pdf",
                                  original_name=f"{code} {origin.reference or ''}".strip(),
                                  added_by="system")


@on_action("complete")
def _issue_when_approved(recorded: Recorded) -> None:
    if recorded.state.outcome == "approved":
        issue_result(recorded.dossier, recorded.action)


def _short_title(text: str) -> str:
    """'Giấy khai sinh (bản chính, bản điện tử)' → 'Giấy khai sinh': the title printed on the document."""
    return re.sub(r"\s*\(.*?\)\s*", " ", text).split(";")[0].strip()


def issue_result(dossier: Dossier, action: Action) -> IssuedDocument:
    spec = spec_of(dossier.procedure_version)
    agency = dossier.agency
    signer_name = action.actor.name or action.actor.id  # an official's actor carries their full name
    title = (_short_title(spec.result_vi), _short_title(spec.result_en))
    signatures = [
        Signature(SignerIdentity("official", action.actor.id, signer_name, agency.name_vi), "ChuKyNguoiKy",
                  f"Phê duyệt hồ sơ {dossier.code}", agency.name_vi),
        agency_seal(agency, "Ký số của cơ quan ban hành"),
    ]
    registered = effects.apply(dossier, action)  # the registries first: the result prints what they allotted
    document = issue(dossier, "result", spec.result_type, title, agency, action.at, signer_name, signatures,
                     lambda draft: render_result(dossier, draft, title, signer_name, action, registered))
    effects.hold_result(dossier, spec.result_type, document.number, document.issued_at.astimezone(LOCAL_TZ).date(),
                        {"document_id": str(document.id), "title": title[0], "dossier": dossier.code, **registered},
                        action.actor.id)
    groups.member_result(dossier, {**registered, RESULT_DOCUMENT: document.number}, action.at)
    return document


def place_and_date(dossier: Dossier, draft: Draft) -> str:
    local = draft.issued_at.astimezone(LOCAL_TZ)
    place = divisions.provinces().get(dossier.agency.province_code)
    where = place.name if place else ""
    return f"{where + ', ' if where else ''}ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def qr_block(pdf: OfficialForm, draft: Draft, top: float) -> None:
    """QR code to the public verification page, with the address printed for people without a phone."""
    size = 30
    x = pdf.l_margin
    pdf.image(segno.make(draft.verify_url, error="m").png_data_uri(scale=4, border=1), x=x, y=top, w=size, h=size)
    pdf.set_xy(x + size + 3, top + 4)
    pdf.font(8.5, "I")
    pdf.multi_cell(120, 4.2, "Văn bản điện tử đã được ký số. Quét mã QR hoặc mở địa chỉ dưới đây để kiểm tra "
                            "chữ ký, số và ngày ban hành:", new_x="LEFT", new_y="NEXT")
    pdf.font(8)
    pdf.multi_cell(120, 4, draft.verify_url, new_x="LMARGIN", new_y="NEXT")


def signature_block(pdf: OfficialForm, agency_name: str, role_title: str, signer_name: str, top: float) -> None:
    width = 80
    x = pdf.w - pdf.r_margin - width
    pdf.set_xy(x, top)
    pdf.font(10.5, "B")
    pdf.multi_cell(width, 5.5, f"TM. {agency_name.upper()}\n{role_title}", align="C", new_x="LEFT", new_y="NEXT")
    pdf.font(9, "I")
    pdf.set_text_color(160, 0, 0)
    pdf.cell(width, 8, "(Đã ký số)", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.font(10.5, "B")
    pdf.cell(width, 6, signer_name, align="C")


def issued_form(dossier: Dossier, draft: Draft, title: str) -> OfficialForm:
    """A new page under the issuing agency's national header; the document's id goes in the PDF's metadata,
    where the verification page finds it again in an uploaded copy."""
    pdf = OfficialForm()
    pdf.set_subject(f"motcua:{draft.id}")
    pdf.set_title(f"{title} số {draft.number}")
    pdf.add_page()
    pdf.national_header(dossier.agency.name_vi)
    return pdf


# What the registries allotted, printed as the legal forms print it (the birth certificate's ID number and
# register book), before the dossier's own data.
REGISTERED_LABELS = {
    "child_id_number": "Số định danh cá nhân của người được khai sinh:", "father_name": "Họ, chữ đệm, tên người cha:",
    "mother_name": "Họ, chữ đệm, tên người mẹ:", "spouse_names": "Họ, chữ đệm, tên hai bên kết hôn:",
    "household_code": "Số hộ:", "registration_number": "Mã số hộ kinh doanh:", "card_number": "Số thẻ căn cước:",
    "register_number": "Số đăng ký:", "register_book": "Quyển số:",
}


def render_result(dossier: Dossier, draft: Draft, title: tuple[str, str], signer_name: str,
                  action: Action, registered: dict[str, str]) -> bytes:
    spec = spec_of(dossier.procedure_version)
    pdf = issued_form(dossier, draft, title[0])
    pdf.font(10.5, "I")
    pdf.cell(0, 5, place_and_date(dossier, draft), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.heading(title[0].upper(), title[1])
    pdf.font(11)
    pdf.cell(0, 6, f"Số: {draft.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if spec.legal_basis:
        pdf.font(9.5, "I")
        pdf.multi_cell(0, 5, "Căn cứ " + "; ".join(spec.legal_basis[:2]) + ";", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.field("Cấp cho:", dossier.applicant_name, bold=True)
    pdf.field("Số định danh cá nhân:", dossier.applicant_id_number)
    for key, label in REGISTERED_LABELS.items():
        if registered.get(key):
            pdf.field(label, registered[key], bold=key == "child_id_number")
    for f in spec.fields:
        if f.name in dossier.form_data and dossier.form_data[f.name] not in ("", None):
            value = dossier.form_data[f.name]
            shown = divisions.communes()[value].name if f.type == "commune" and value in divisions.communes() \
                else display_value(f, value)["value_vi"]
            pdf.field(f"{f.label_vi}:", shown)
    pdf.ln(2)
    pdf.font(9.5)
    pdf.multi_cell(0, 5, f"Giải quyết theo hồ sơ số {dossier.code}, thủ tục {spec.name_vi} (mã {spec.code}).",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    top = pdf.get_y()
    role = SIGNER_TITLE.get(action.actor.role.value if action.actor.role else "", "NGƯỜI KÝ")
    signature_block(pdf, dossier.agency.name_vi, role, signer_name, top)
    qr_block(pdf, draft, top + 36)
    return bytes(pdf.output())
