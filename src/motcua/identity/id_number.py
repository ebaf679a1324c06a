"""The 12-digit personal ID number (số định danh cá nhân), pure Python.

Decree 137/2015 Art. 13 and Circular 07/2016 (kept by the 2023 Identity Law):
digits 1–3 the province where the birth was registered (the 63 pre-2025 province codes; an ID
number never changes when provinces merge), digit 4 century and sex, digits 5–6 the last two
digits of the birth year, digits 7–12 a random number. There is no check digit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from motcua.core.errors import Invalid

# Birth-registration province codes (the 63 provinces before the 2025 merger).
PROVINCE_CODES = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024",
    "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
    "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070",
    "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096",
})
CENTURY_START = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 2300}


@dataclass(frozen=True)
class DecodedId:
    number: str
    province_code: str
    sex: str  # "M" | "F"
    birth_year: int


class InvalidIdNumber(Invalid):
    pass


def _problem(code: str, vi: str, en: str) -> InvalidIdNumber:
    return InvalidIdNumber(code, vi, en)


def decode(number: str, today: date | None = None) -> DecodedId:
    """Decode a well-formed number or raise :class:`InvalidIdNumber` saying what is wrong."""
    number = (number or "").strip()
    if not number.isascii() or not number.isdigit():
        raise _problem("not_digits", "Số định danh cá nhân chỉ gồm chữ số.",
                       "A personal ID number contains digits only.")
    if len(number) != 12:
        raise _problem("wrong_length", f"Số định danh cá nhân phải có 12 chữ số (đang có {len(number)}).",
                       f"A personal ID number has 12 digits (this one has {len(number)}).")
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise _problem("unknown_province", f"Mã tỉnh nơi đăng ký khai sinh '{province}' không tồn tại.",
                       f"'{province}' is not a birth-registration province code.")
    gender_digit = int(number[3])
    year = CENTURY_START[gender_digit // 2] + int(number[4:6])
    if year > (today or date.today()).year:
        raise _problem("future_birth_year", f"Năm sinh mã hóa trong số ({year}) ở tương lai.",
                       f"The birth year encoded in the number ({year}) is in the future.")
    return DecodedId(number, province, "M" if gender_digit % 2 == 0 else "F", year)


def validate(number: str, birth_year: int | None = None, sex: str | None = None,
             today: date | None = None) -> DecodedId:
    """Decode and cross-check against the stated birth year and sex ("M"/"F")."""
    decoded = decode(number, today)
    if birth_year is not None and decoded.birth_year != birth_year:
        if decoded.birth_year % 100 == birth_year % 100:
            raise _problem("century_mismatch",
                           f"Chữ số thứ 4 mã hóa thế kỷ sinh {decoded.birth_year // 100 + 1}, không khớp năm sinh {birth_year}.",
                           f"Digit 4 encodes birth century {decoded.birth_year // 100 + 1}, not the stated year {birth_year}.")
        raise _problem("birth_year_mismatch",
                       f"Chữ số 5–6 ({number[4:6]}) không khớp năm sinh {birth_year}.",
                       f"Digits 5–6 ({number[4:6]}) do not match the stated birth year {birth_year}.")
    if sex is not None and decoded.sex != sex:
        raise _problem("sex_mismatch", "Chữ số thứ 4 mã hóa giới tính không khớp giới tính đã khai.",
                       "Digit 4 encodes a sex that does not match the stated sex.")
    return decoded


def compose(province_code: str, sex: str, birth_year: int, serial: int) -> str:
    """Build a number (for synthetic registries and tests)."""
    century = (birth_year - 1900) // 100
    if province_code not in PROVINCE_CODES or century not in CENTURY_START or sex not in ("M", "F"):
        raise ValueError("cannot compose an ID number from these parts")
    if not 0 <= serial < 1_000_000:
        raise ValueError("serial must have at most 6 digits")
    return f"{province_code}{century * 2 + (sex == 'F')}{birth_year % 100:02d}{serial:06d}"
