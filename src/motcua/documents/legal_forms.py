"""What the legal forms print, apart from the layout: who signs and with which title (Decree 30/2020/NĐ-CP,
Appendix I: "TM." for a collective body, "KT." when a deputy signs for the head), and dates written out in
words as the civil-status forms of Circular 04/2020/TT-BTP ask. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Office:
    head: str  # the head's title: "Chủ tịch"
    deputy: str  # a deputy's: "Phó Chủ tịch"
    collective: str = ""  # a collective body signs "TM. <body>": "Ủy ban nhân dân"


PEOPLES_COMMITTEE = Office("Chủ tịch", "Phó Chủ tịch", "Ủy ban nhân dân")
DEPARTMENT = Office("Giám đốc", "Phó Giám đốc")
# By the catalog's agency type (catalog/data/agency_types.yaml); any other type is led by a director.
OFFICES = {
    "ubnd_xa": PEOPLES_COMMITTEE, "ubnd_tinh": PEOPLES_COMMITTEE,
    "cong_an_xa": Office("Trưởng Công an", "Phó Trưởng Công an"),
    "thue_tinh": Office("Trưởng Thuế tỉnh", "Phó Trưởng Thuế tỉnh"),
    "cuc_quan_ly_xuat_nhap_canh": Office("Cục trưởng", "Phó Cục trưởng"),
    "cuc_lanh_su": Office("Cục trưởng", "Phó Cục trưởng"), "cuc_hai_quan": Office("Cục trưởng", "Phó Cục trưởng"),
}
MINISTRY = Office("Bộ trưởng", "Thứ trưởng")


def office_of(agency_type: str) -> Office:
    return MINISTRY if agency_type.startswith("bo_") else OFFICES.get(agency_type, DEPARTMENT)


@dataclass(frozen=True)
class SignerTitle:
    office: Office
    deputy: bool

    @property
    def title(self) -> str:
        """The signer's own title, as the verification page names them: "Phó Chủ tịch"."""
        return self.office.deputy if self.deputy else self.office.head

    def lines(self) -> list[str]:
        """The signature block's heading lines, upper-case as printed: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH"]."""
        lines = [f"TM. {self.office.collective.upper()}"] if self.office.collective else []
        if self.deputy:
            lines.append(f"KT. {self.office.head.upper()}")
        return [*lines, self.title.upper()]


DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens_and_units(n: int, after_hundreds: bool) -> str:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return ("linh " if after_hundreds else "") + DIGITS[unit]
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if unit == 0:
        return head
    tail = "lăm" if unit == 5 else "mốt" if unit == 1 and tens > 1 else "tư" if unit == 4 and tens > 1 \
        else DIGITS[unit]
    return f"{head} {tail}"


def in_words(n: int) -> str:
    """1 ≤ n ≤ 9999 in Vietnamese words: 2026 → "hai nghìn không trăm hai mươi sáu", 2005 → "… linh năm"."""
    if not 1 <= n <= 9999:
        raise ValueError(f"{n} is outside 1..9999")
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    parts = [f"{DIGITS[thousands]} nghìn"] if thousands else []
    if hundreds or (thousands and rest):
        parts.append(f"{DIGITS[hundreds]} trăm")
    if rest:
        parts.append(_tens_and_units(rest, after_hundreds=bool(parts)))
    return " ".join(parts)


def date_in_words(day: date) -> str:
    """15/03/2026 → "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi sáu" (April is "tháng tư")."""
    month = "tư" if day.month == 4 else in_words(day.month)
    return f"Ngày {in_words(day.day)}, tháng {month}, năm {in_words(day.year)}"
