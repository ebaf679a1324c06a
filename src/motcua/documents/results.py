"""The documents capability's part of the dossier journal: evidence files at submission, and the signed
result when the deciding official approves (signature of the official, then the agency's seal)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.catalog import divisions
from motcua.catalog.groups import RESULT_DOCUMENT
from motcua.catalog.services import spec_of
from motcua.core.errors import Forbidden
from motcua.documents.issuing import Draft, issue
from motcua.documents.legal_forms import SignerTitle, date_in_words, office_of
from motcua.documents.models import Attachment, IssuedDocument, Signatory
from motcua.documents.signers import SignerIdentity
from motcua.documents.signing import Signature, agency_seal
from motcua.dossiers import groups
from motcua.dossiers.lifecycle import LOCAL_TZ, Action, DossierState, can
from motcua.dossiers.models import Dossier
from motcua.dossiers.pdf import OfficialForm
from motcua.dossiers.presenters import display_value
from motcua.dossiers.services import Recorded, on_action
from motcua.identity.actors import Actor
from motcua.registries import effects
from motcua.registries.access import held_document_for_dossier
from motcua.registries.models import Person


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


def signer_title(dossier: Dossier, action: Action) -> SignerTitle:
    """The head of the agency, or a deputy signing for them when the official is recorded as one."""
    deputy = Signatory.objects.filter(agency=dossier.agency, official_id=action.actor.id, deputy=True).exists()
    return SignerTitle(office_of(dossier.agency.agency_type), deputy)


def result_title(dossier: Dossier) -> tuple[str, str]:
    spec = spec_of(dossier.procedure_version)
    return _short_title(spec.result_vi), _short_title(spec.result_en)


def issue_result(dossier: Dossier, action: Action) -> IssuedDocument:
    spec = spec_of(dossier.procedure_version)
    agency = dossier.agency
    signer_name = action.actor.name or action.actor.id  # an official's actor carries their full name
    signer = signer_title(dossier, action)
    title = result_title(dossier)
    signatures = [
        Signature(SignerIdentity("official", action.actor.id, signer_name, agency.name_vi), "ChuKyNguoiKy",
                  f"Phê duyệt hồ sơ {dossier.code}", agency.name_vi),
        agency_seal(agency, "Ký số của cơ quan ban hành"),
    ]
    registered = effects.apply(dossier, action)  # the registries first: the result prints what they allotted
    document = issue(dossier, "result", spec.result_type, title, agency, action.at, signer_name, signatures,
                     lambda draft: render_result(dossier, draft, title, signer_name, signer, registered),
                     signer_title=signer.title)
    effects.hold_result(dossier, spec.result_type, document.number, document.issued_at.astimezone(LOCAL_TZ).date(),
                        {"document_id": str(document.id), "title": title[0], "dossier": dossier.code, **registered},
                        action.actor.id)
    groups.member_result(dossier, {**registered, RESULT_DOCUMENT: document.number}, action.at)
    return document


# A preview's mark across each of its pages, and what it prints for the numbers the registries draw when the
# result is signed (a new personal ID number, a register's entry), which the preview cannot know.
PREVIEW_MARK = "BẢN XEM TRƯỚC · PREVIEW"
DRAWN_AT_SIGNING = "(cấp khi ký)"
DRAWN_NUMBERS = frozenset({"child_id_number", "register_number", "registration_number"})


class PreviewRefused(Forbidden):
    def __init__(self) -> None:
        super().__init__("not_deciding", "Chỉ người phê duyệt hồ sơ ở bước này được xem trước văn bản kết quả.",
                         "Only the official who decides the dossier at this step may preview its result.")


def preview_result(dossier: Dossier, state: DossierState, actor: Actor) -> bytes:
    """The result the deciding official would sign now, rendered by the same renderer after the registries'
    effects (applied, then undone: the transaction is rolled back, so what they refuse is said now, not at
    signing); unsigned, marked as a preview on every page, stored nowhere."""
    if not can(state, "complete", actor, spec_of(dossier.procedure_version).workflow):
        raise PreviewRefused()
    action = Action("complete", timezone.now(), actor, data={"outcome": "approved"})
    draft = Draft(uuid.uuid4(), DRAWN_AT_SIGNING, action.at, verify_url="", preview=True)
    with transaction.atomic():
        registered = effects.apply(dossier, action)
        shown = {key: DRAWN_AT_SIGNING if key in DRAWN_NUMBERS else value for key, value in registered.items()}
        rendered = render_result(dossier, draft, result_title(dossier), action.actor.name or action.actor.id,
                                 signer_title(dossier, action), shown)
        transaction.set_rollback(True)
    return rendered


def place_and_date(dossier: Dossier, draft: Draft) -> str:
    local = draft.issued_at.astimezone(LOCAL_TZ)
    place = divisions.provinces().get(dossier.agency.province_code)
    where = place.name if place else ""
    return f"{where + ', ' if where else ''}ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def qr_block(pdf: OfficialForm, draft: Draft, top: float) -> None:
    """QR code to the public verification page, with the address printed for people without a phone. A preview
    has no page to verify yet: an empty frame keeps the place the code will take."""
    size = 30
    x = pdf.l_margin
    if draft.preview:
        pdf.rect(x, top, size, size)
        pdf.set_xy(x + size + 3, top + 4)
        pdf.font(8.5, "I")
        pdf.multi_cell(120, 4.2, "Bản xem trước, chưa ký số, chưa có giá trị. Số văn bản, mã QR và địa chỉ kiểm tra "
                                "được cấp khi người có thẩm quyền ký.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.qr_code(draft.verify_url, x, top, size)
    pdf.set_xy(x + size + 3, top + 4)
    pdf.font(8.5, "I")
    pdf.multi_cell(120, 4.2, "Văn bản điện tử đã được ký số. Quét mã QR hoặc mở địa chỉ dưới đây để kiểm tra "
                            "chữ ký, số và ngày ban hành:", new_x="LEFT", new_y="NEXT")
    pdf.font(8)
    pdf.lines(120, 4, draft.verify_url, new_x="LEFT")
    pdf.cell(120, 4, f"Mã văn bản điện tử: {draft.number}", new_x="LMARGIN", new_y="NEXT")


def signature_block(pdf: OfficialForm, draft: Draft, heading: list[str], signer_name: str, top: float) -> None:
    """The heading lines of the block ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), the mark of the
    digital signature (of its absence, on a preview), and the signer's name."""
    width = 80
    x = pdf.w - pdf.r_margin - width
    pdf.set_xy(x, top)
    pdf.font(10.5, "B")
    for line in heading:
        pdf.lines(width, 5.5, line, align="C", new_x="LEFT")
    pdf.font(9, "I")
    pdf.set_text_color(160, 0, 0)
    pdf.cell(width, 8, "(Chưa ký: bản xem trước)" if draft.preview else "(Đã ký số)", align="C", new_x="LEFT",
             new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.font(10.5, "B")
    pdf.cell(width, 6, signer_name, align="C")


def issued_form(dossier: Dossier, draft: Draft, title: str) -> OfficialForm:
    """A new page under the issuing agency's national header; the document's id goes in the PDF's metadata,
    where the verification page finds it again in an uploaded copy. PDF/A-2b: the archival profile that allows
    the signatures' incremental updates."""
    pdf = OfficialForm(compliance="PDF/A-2B", watermark=PREVIEW_MARK if draft.preview else "")
    pdf.set_subject(f"motcua:{draft.id}")
    pdf.set_title(f"{title} số {draft.number}")
    pdf.add_page()
    pdf.national_header(dossier.agency.name_vi)
    return pdf


# What the registries allotted, printed before the dossier's own data on results without a form of their own.
REGISTERED_LABELS = {
    "child_id_number": "Số định danh cá nhân của người được khai sinh:", "father_name": "Họ, chữ đệm, tên người cha:",
    "mother_name": "Họ, chữ đệm, tên người mẹ:", "spouse_names": "Họ, chữ đệm, tên hai bên kết hôn:",
    "household_code": "Số hộ:", "registration_number": "Mã số hộ kinh doanh:", "card_number": "Số thẻ căn cước:",
    "register_number": "Số đăng ký:", "register_book": "Quyển số:",
}
SEX_VI = {"M": "Nam", "F": "Nữ"}
SPACING = "        "  # between the fields the form prints on one line


def _residence(person: Person) -> str:
    commune = divisions.communes().get(person.permanent_commune or person.temporary_commune)
    province = divisions.provinces().get(commune.province_code) if commune else None
    parts = [person.permanent_address or person.temporary_address]
    for name in (commune.name if commune else "", province.name if province else ""):
        if name and name not in parts[0]:  # an address that already names its commune is not told it twice
            parts.append(name)
    return ", ".join(part for part in parts if part)


def _birth_certificate(pdf: OfficialForm, dossier: Dossier, draft: Draft, registered: dict[str, str]) -> None:
    """Giấy khai sinh (bản chính), the form of Circular 04/2020/TT-BTP: the child, the mother, the father, who
    declared the birth, and where and when it was registered, under the register's entry and book numbers."""
    data = dossier.form_data
    pdf.font(11)
    pdf.cell(0, 6, f"Số: {registered['register_number'].split('/')[0]}        Quyển số: {registered['register_book']}",
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    born = date.fromisoformat(str(data["child_birth_date"]))
    pdf.field("Họ, chữ đệm, tên:", str(data["child_full_name"]).upper(), bold=True)
    pdf.field("Ngày, tháng, năm sinh:", f"{born:%d/%m/%Y}")
    pdf.field("Ghi bằng chữ:", date_in_words(born))
    pdf.field("Giới tính:", f"{SEX_VI.get(str(data.get('child_sex')), '')}{SPACING}Quốc tịch: Việt Nam")
    pdf.field("Nơi sinh:", str(data.get("birth_place") or ""))
    pdf.field("Số định danh cá nhân:", registered["child_id_number"], bold=True)
    parents = Person.objects.in_bulk([str(data.get(f"{parent}_id_number") or "") for parent in ("mother", "father")],
                                     field_name="id_number")
    for role, number in (("mẹ", data.get("mother_id_number")), ("cha", data.get("father_id_number"))):
        parent = parents.get(str(number or ""))
        if parent is None:
            continue  # a father the form does not name is left out, as the form allows
        pdf.ln(1)
        pdf.field(f"Họ, chữ đệm, tên người {role}:", parent.full_name, bold=True)
        pdf.field("Năm sinh:", f"{parent.birth_date.year}{SPACING}Quốc tịch: Việt Nam{SPACING}"
                               f"Số định danh cá nhân: {parent.id_number}")
        pdf.field("Nơi cư trú:", _residence(parent))
    pdf.ln(1)
    pdf.field("Họ, chữ đệm, tên người đi khai sinh:", dossier.applicant_name)
    pdf.field("Giấy tờ tùy thân:", f"Số định danh cá nhân {dossier.applicant_id_number}")
    pdf.field("Nơi đăng ký khai sinh:", dossier.agency.name_vi)
    pdf.field("Ngày, tháng, năm đăng ký:", f"{draft.issued_at.astimezone(LOCAL_TZ):%d/%m/%Y}")
    pdf.font(9, "I")  # the entry's key in the electronic civil-status database, where other systems look it up
    pdf.cell(0, 5, f"Số đăng ký trong Cơ sở dữ liệu hộ tịch điện tử: {registered['register_number']}",
             new_x="LMARGIN", new_y="NEXT")


def _generic_result(pdf: OfficialForm, dossier: Dossier, draft: Draft, registered: dict[str, str]) -> None:
    """A result without a form of its own: the number, the legal basis, the registries' allotments and the
    dossier's data."""
    spec = spec_of(dossier.procedure_version)
    pdf.font(11)
    pdf.cell(0, 6, f"Số: {draft.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if spec.legal_basis:
        pdf.font(9.5, "I")
        pdf.lines(0, 5, "Căn cứ " + "; ".join(spec.legal_basis[:2]) + ";")
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


# Results printed in the layout of their legal form, by result type; the others use the generic layout.
FORMS: dict[str, Callable[[OfficialForm, Dossier, Draft, dict[str, str]], None]] = {
    "giay_khai_sinh": _birth_certificate,
}


def render_result(dossier: Dossier, draft: Draft, title: tuple[str, str], signer_name: str, signer: SignerTitle,
                  registered: dict[str, str]) -> bytes:
    spec = spec_of(dossier.procedure_version)
    pdf = issued_form(dossier, draft, title[0])
    pdf.font(10.5, "I")
    pdf.cell(0, 5, place_and_date(dossier, draft), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.heading(title[0].upper(), title[1])
    FORMS.get(spec.result_type, _generic_result)(pdf, dossier, draft, registered)
    pdf.ln(2)
    pdf.font(9.5)
    pdf.lines(0, 5, f"Giải quyết theo hồ sơ số {dossier.code}, thủ tục {spec.name_vi} (mã {spec.code}).")
    pdf.ln(6)
    if pdf.get_y() > pdf.h - 82:  # the signature and the QR code stay together on one page
        pdf.add_page()
    top = pdf.get_y()
    signature_block(pdf, draft, signer.lines(), signer_name, top)
    qr_block(pdf, draft, top + 36)
    return bytes(pdf.output())
