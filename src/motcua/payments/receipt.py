"""The receipt of fees and charges (biên lai thu phí, lệ phí), e-invoice-like: number, payer, what for,
amount in figures and words, how it was paid; signed with the agency's seal and verifiable by QR."""

from __future__ import annotations

from motcua.catalog.services import spec_of
from motcua.documents.issuing import Draft
from motcua.documents.results import issued_form, place_and_date, qr_block, signature_block
from motcua.dossiers.models import Dossier
from motcua.payments.fee_schedules import requested_quote
from motcua.payments.fees import in_words


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def render_receipt(dossier: Dossier, payment, draft: Draft) -> bytes:
    spec = spec_of(dossier.procedure_version)
    pdf = issued_form(dossier, draft, "Biên lai")
    pdf.heading("BIÊN LAI THU PHÍ, LỆ PHÍ", "Receipt of fees and charges (electronic)")
    pdf.font(11)
    pdf.cell(0, 6, f"Số: {draft.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.field("Đơn vị thu:", dossier.agency.name_vi, bold=True)
    pdf.field("Người nộp:", dossier.applicant_name, bold=True)
    pdf.field("Số định danh cá nhân:", dossier.applicant_id_number)
    pdf.field("Nội dung thu:", f"Phí, lệ phí thủ tục {spec.name_vi} (mã {spec.code}), hồ sơ {dossier.code}")
    pdf.field("Căn cứ thu:", "; ".join(requested_quote(dossier, payment.request_seq).explained("vi")))
    pdf.field("Số tiền:", vnd(payment.amount), bold=True)
    pdf.field("Bằng chữ:", in_words(payment.amount))
    if payment.method == "online":
        how = f"Trực tuyến qua cổng thanh toán, mã giao dịch {payment.gateway_transaction_no}"
        if payment.bank_code:
            how += f", ngân hàng {payment.bank_code}"
    else:
        how = "Tiền mặt tại Bộ phận Một cửa"
    pdf.field("Hình thức thanh toán:", how)
    pdf.field("Mã thanh toán:", payment.reference)
    pdf.ln(2)
    pdf.font(10.5, "I")
    pdf.cell(0, 5, place_and_date(dossier, draft), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    top = pdf.get_y()
    signature_block(pdf, draft, [f"TM. {dossier.agency.name_vi.upper()}", "ĐƠN VỊ THU"], dossier.agency.name_vi, top)
    qr_block(pdf, draft, top + 36)
    return bytes(pdf.output())
