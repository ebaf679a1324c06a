"""Printable one-stop forms: the receipt slip with appointment date (Mẫu 01) and the tracking sheet
(phiếu kiểm soát quá trình giải quyết hồ sơ), in the layout of the national forms."""

from __future__ import annotations

from datetime import date, datetime

import segno
from django.conf import settings
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from motcua.calendar import default_calendar
from motcua.catalog.models import Agency
from motcua.catalog.services import spec_of
from motcua.core.vietnamese import processing_time
from motcua.dossiers.form_fonts import FAMILY, FormOutput, add_faces
from motcua.dossiers.lifecycle import LOCAL_TZ, RULES, DossierState, Status, step_due
from motcua.dossiers.models import Dossier

CHANNELS_VI = {"online": "Trực tuyến", "counter": "Trực tiếp", "post": "Qua bưu chính"}
TRACKING_PATH = "/tra-cuu/{code}"
DARK_MODULES_AS_BLACK = bytes([255]) + bytes(255)  # bytes.translate table: light (0) → white (255), dark → black
ONE_LINE_TOLERANCE = 0.01  # mm: text this close to the width is left to fpdf2's line breaking, to decide as before


def _when(at: datetime | None) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%H giờ %M phút, ngày %d/%m/%Y") if at else ""


def _day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


class OfficialForm(FPDF):
    def __init__(self, compliance: str | None = None, watermark: str = "") -> None:
        """``compliance``: a PDF/A profile ("PDF/A-2B") fpdf2 enforces and declares (XMP identification and the
        sRGB output intent). ``watermark``: printed across every page, under its text (a draft's mark)."""
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance=compliance)
        self.watermark = watermark
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(True, margin=15)
        add_faces(self)  # the bundled faces, parsed once per process
        self.set_title("motcua")
        self.set_creator("motcua")

    def header(self) -> None:
        """fpdf2 calls this first on each new page: the watermark goes under whatever the page then prints."""
        if not self.watermark:
            return
        with self.local_context(text_color=(238, 190, 190)):
            self.font(46, "B")
            centre_x, centre_y = self.w / 2, self.h / 2
            with self.rotation(50, centre_x, centre_y):
                self.text(centre_x - self.get_string_width(self.watermark) / 2, centre_y, self.watermark)

    def output(self, *args, **kwargs):
        """The PDF, with the bundled faces embedded by :class:`FormOutput`."""
        return super().output(*args, output_producer_class=FormOutput, **kwargs)

    def qr_code(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code of ``data`` (error correction M), ``size`` mm square, drawn 4 pixels a module inside a
        one-module margin: segno's modules handed to fpdf2 as an image, without writing a PNG and reading it back
        (a third of the QR code's cost)."""
        modules = segno.make(data, error="m").matrix
        side = len(modules) + 2
        pixels = bytearray(side * side)  # as segno's modules: 0 light (the margin too), 1 dark
        for row, line in enumerate(modules, 1):
            pixels[row * side + 1:row * side + 1 + len(line)] = line
        image = Image.frombytes("L", (side, side), bytes(pixels.translate(DARK_MODULES_AS_BLACK)))
        self.image(image.resize((4 * side, 4 * side), Image.Resampling.NEAREST).convert("1"), x=x, y=y, w=size, h=size)

    def font(self, size: float = 11, style: str = "") -> None:
        self.set_font(FAMILY, style, size)

    def national_header(self, agency_name: str) -> None:
        width = self.w - self.l_margin - self.r_margin
        left, right = width * 0.42, width * 0.58
        top = self.get_y()
        self.font(9.5, "B")
        self.multi_cell(left - 3, 5, agency_name.upper(), align="C")
        left_bottom = self.get_y()
        self.set_xy(self.l_margin + left, top)
        self.cell(right, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT")
        self.font(10.5, "B")
        self.cell(right, 5, "Độc lập - Tự do - Hạnh phúc", align="C")
        underline_y = self.get_y() + 5.5
        centre = self.l_margin + left + right / 2
        self.line(centre - 24, underline_y, centre + 24, underline_y)
        self.set_y(max(left_bottom, underline_y) + 6)

    def heading(self, vi: str, en: str) -> None:
        self.font(13.5, "B")
        self.cell(0, 7, vi, align="C", new_x="LMARGIN", new_y="NEXT")
        self.font(9.5, "I")
        self.cell(0, 5, en, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def field(self, label: str, value: str, bold: bool = False) -> None:
        self.font(11)
        width = self.get_string_width(label + " ") + 1
        if width > 0.6 * (self.w - self.l_margin - self.r_margin):  # a long label on its own lines, the value below
            self.multi_cell(0, 6.5, label, new_x="LMARGIN", new_y="NEXT")
        else:
            self.cell(width, 6.5, label)
        self.font(11, "B" if bold else "")
        self.lines(0, 6.5, value)

    def lines(self, w: float, h: float, text: str, align: str = "J", new_x: str = "LMARGIN") -> None:
        """``multi_cell`` ending on the next line, without fpdf2's line breaking when the text fits on one line:
        that measures the line again for every character it adds (most of a form's layout time), to give the line
        that ``cell`` writes (a paragraph's last line is never justified)."""
        room = (w or self.w - self.r_margin - self.x) - 2 * self.c_margin
        if text and "\n" not in text and self.get_string_width(text) < room - ONE_LINE_TOLERANCE:
            self.cell(w, h, text, align="L" if align == "J" else align, new_x=new_x, new_y="NEXT")
        else:
            self.multi_cell(w, h, text, align=align, new_x=new_x, new_y="NEXT")


def _received_by(dossier: Dossier) -> str:
    action = dossier.actions.filter(kind="receive").order_by("seq").first()
    return action.actor_name or action.actor_id if action else ""


def receipt_slip(dossier: Dossier, state: DossierState) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả; exists only once the dossier has been received."""
    if state.received_at is None:
        raise ValueError("the receipt slip exists only after the dossier is received")
    spec = spec_of(dossier.procedure_version)
    pdf = OfficialForm()
    pdf.add_page()
    pdf.national_header(dossier.agency.name_vi)
    pdf.heading("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Receipt of dossier and appointment for the result")
    qr_top = pdf.get_y()
    pdf.field("Mã hồ sơ:", dossier.code, bold=True)
    pdf.field(f"{dossier.agency.name_vi} tiếp nhận hồ sơ của:", "")
    pdf.field("Ông/Bà:", dossier.applicant_name, bold=True)
    pdf.field("Số định danh cá nhân:", dossier.applicant_id_number)
    if dossier.applicant_phone:
        pdf.field("Số điện thoại:", dossier.applicant_phone)
    if dossier.filed_for_someone:
        pdf.field("Người nộp thay:", f"{dossier.filer_name} — số định danh {dossier.filer_id_number} "
                                     f"({dossier.filed_as_label[0].lower()})")
    pdf.field("Nội dung yêu cầu giải quyết:", f"{spec.name_vi} (mã thủ tục {spec.code})")
    pdf.field("Hình thức nộp:", CHANNELS_VI.get(dossier.channel, dossier.channel))
    _qr(pdf, dossier.code, qr_top)

    pdf.ln(1)
    pdf.font(11, "B")
    pdf.cell(0, 7, "Thành phần hồ sơ:", new_x="LMARGIN", new_y="NEXT")
    attached = set(dossier.evidence)
    for i, item in enumerate(spec.evidence, 1):
        if item.source:
            note = "do cơ quan nhà nước tự khai thác, công dân không phải nộp"
        elif item.code in attached:
            note = f"{item.copies} bản" if item.copies > 1 else "đã nộp"
        elif item.required:
            note = "chưa nộp"
        else:
            continue
        pdf.font(10.5)
        pdf.lines(0, 5.8, f"{i}. {item.label_vi} — {note}")
    pdf.ln(2)
    pdf.field("Số lượng hồ sơ:", "01 (bộ)")
    pdf.field("Thời gian giải quyết theo quy định:", processing_time(spec.statutory_days)[0])
    pdf.field("Thời gian nhận hồ sơ:", _when(state.received_at))
    pdf.field("Thời gian trả kết quả giải quyết hồ sơ:", f"ngày {_day(state.appointment_date)}", bold=True)
    pdf.field("Nhận kết quả tại:", f"{dossier.competent_agency.name_vi} hoặc trực tuyến trên Cổng dịch vụ công")
    pdf.field("Vào Sổ theo dõi hồ sơ, Quyển số: 01", f"  Số thứ tự: {dossier.code.rsplit('-', 1)[-1]}")
    _signatures(pdf, ("NGƯỜI NỘP HỒ SƠ", dossier.applicant_name),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", _received_by(dossier)))
    pdf.font(8.5, "I")
    pdf.set_y(-24)
    pdf.multi_cell(0, 4.2, "Tra cứu tiến độ: quét mã QR hoặc nhập mã hồ sơ tại trang tra cứu. Nếu hồ sơ giải "
                           "quyết chậm, cơ quan giải quyết có văn bản xin lỗi và hẹn lại ngày trả kết quả.",
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _qr(pdf: OfficialForm, code: str, top: float) -> None:
    """A QR code to the public tracking page, in the top right corner of the fields just written."""
    fields_bottom = pdf.get_y()
    size = 26
    x = pdf.w - pdf.r_margin - size
    pdf.qr_code(settings.PUBLIC_URL + TRACKING_PATH.format(code=code), x, top, size)  # a phone needs the host
    pdf.font(7)
    pdf.set_xy(x - 4, top + size)
    pdf.cell(size + 8, 4, "Quét để tra cứu", align="C")
    pdf.set_xy(pdf.l_margin, max(fields_bottom, top + size + 5))


def _signatures(pdf: OfficialForm, left: tuple[str, str], right: tuple[str, str]) -> None:
    pdf.ln(6)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    y = pdf.get_y()
    for i, (role, name) in enumerate((left, right)):
        pdf.set_xy(pdf.l_margin + i * half, y)
        pdf.font(10.5, "B")
        pdf.cell(half, 5.5, role, align="C", new_x="LEFT", new_y="NEXT")
        pdf.font(9, "I")
        pdf.cell(half, 5, "(Ký và ghi rõ họ tên)", align="C", new_x="LEFT", new_y="NEXT")
        pdf.ln(16)
        pdf.set_x(pdf.l_margin + i * half)
        pdf.font(10.5, "B")
        pdf.cell(half, 5.5, name, align="C")
    pdf.set_y(y + 40)


def _judgement(at: datetime, due: date | None) -> str:
    if due is None:
        return ""
    day = at.astimezone(LOCAL_TZ).date()
    return "Trước hạn" if day < due else "Đúng hạn" if day == due else "Quá hạn"


def tracking_sheet(dossier: Dossier, state: DossierState) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-off, with on-time judgement."""
    spec = spec_of(dossier.procedure_version)
    workflow, cal = spec.workflow, default_calendar()
    steps = {s.code: s.label_vi for s in workflow.steps}
    codes = {h.from_agency for h in state.handoffs} | {h.to_agency for h in state.handoffs}
    names = dict(Agency.objects.filter(code__in=codes).values_list("code", "name_vi"))
    pdf = OfficialForm()
    pdf.add_page()
    pdf.national_header(dossier.competent_agency.name_vi)
    pdf.heading("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Dossier processing control sheet")
    pdf.field("Mã hồ sơ:", dossier.code, bold=True)
    pdf.field("Người có yêu cầu:", f"{dossier.applicant_name} — số định danh {dossier.applicant_id_number}")
    if dossier.filed_for_someone:
        pdf.field("Người nộp thay:", f"{dossier.filer_name} — số định danh {dossier.filer_id_number} "
                                     f"({dossier.filed_as_label[0].lower()})")
    pdf.field("Thủ tục:", f"{spec.name_vi} ({spec.code})")
    pdf.field("Tiếp nhận lúc:", _when(state.received_at) or "chưa tiếp nhận")
    pdf.field("Hạn giải quyết:", _day(state.due_date), bold=True)
    if state.appointment_date and state.appointment_date != state.due_date:
        pdf.field("Ngày hẹn lại (sau văn bản xin lỗi):", _day(state.appointment_date), bold=True)
    pdf.field("Trạng thái:", f"{int(state.status)} — {state.status.label_vi}")
    pdf.ln(3)

    widths = (45, 45, 24, 21, 40)
    headers = ("Tên cơ quan / bước giao", "Tên cơ quan / bước nhận", "Hạn của bước", "Kết quả", "Ghi chú")
    pdf.font(9)
    with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "CENTER", "CENTER", "LEFT"),
                   line_height=5, headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))) as table:
        row = table.row()
        for h in headers:
            row.cell(h)
        for h in state.handoffs:
            row = table.row()
            row.cell(f"1. Giao: {names.get(h.from_agency, h.from_agency)} — {steps.get(h.from_step, h.from_step)}"
                     f"\n{_when(h.at)}\n{h.actor}")
            row.cell(f"2. Nhận: {names.get(h.to_agency, h.to_agency)} — {steps.get(h.to_step, h.to_step)}")
            row.cell(_day(h.step_due))
            row.cell(_judgement(h.at, h.step_due))
            row.cell("")
        for action in dossier.actions.filter(kind__in=("request_supplement", "supplement", "apologize",
                                                       "request_payment", "pay", "withdraw", "stop", "refuse"))\
                .order_by("seq"):
            row = table.row()
            row.cell(f"{action.actor_agency or action.actor_name or action.actor_id}\n{_when(action.at)}")
            row.cell(RULES[action.kind].vi)
            row.cell(action.data.get("new_date", "") and _day(date.fromisoformat(action.data["new_date"])))
            row.cell("")
            row.cell(action.reason)
    if not state.finished and state.clock_start is not None:
        current = workflow.steps[state.step]
        pdf.ln(3)
        pdf.field("Đang ở bước:", f"{current.label_vi} — hạn {_day(step_due(state, state.step, workflow, cal))}")
    if state.status in (Status.PROCESSED, Status.RETURNED) and state.on_time is not None:
        pdf.field("Kết quả giải quyết:", "Đúng hạn / trước hạn" if state.on_time else "Quá hạn", bold=True)
    return bytes(pdf.output())
