"""What the bundled national-portal receiver accepts: the checks a payload of the integration endpoint must
pass, with the portal's answer codes. Pure Python, no Django.

The real portal's error codes are not published; the sandbox answers ``{"error_code", "message"}`` with "0" for
success, as OpenCPS reads it [S], and these codes otherwise (its own, listed in docs/national-portal.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from motcua.nationalportal.mapping import PROGRESS, UPSERT, parse_portal_time

OK = "0"
BAD_TOKEN = "-1"  # no token, or an expired or forged one
UNKNOWN_SERVICE = "-2"
BAD_REQUEST = "-3"  # not {"service", "isUpdating", "data": [...]}
INVALID_ITEM = "-4"  # an item fails a check: nothing of the request is stored
UNKNOWN_DOSSIER = "-5"  # a progress step for a dossier the portal does not hold

DOSSIER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-_/]{4,59}$")
PROCEDURE_CODE = re.compile(r"^[0-9]\.[0-9]{6}(\.[0-9A-Z]+)?$")  # the national procedure code, e.g. 1.001193
AGENCY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-_]{0,34}$")
MAX_ITEMS = 500

UPSERT_REQUIRED = ("MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "KenhThucHien", "ChuHoSo", "LoaiDoiTuong",
                   "TrichYeuHoSo", "NgayTiepNhan", "TrangThaiHoSo", "DonViXuLy")
UPSERT_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
UPSERT_LISTS = ("TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua")
PROGRESS_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")
PROGRESS_DATES = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")


@dataclass(frozen=True)
class Problem:
    index: int  # the item in ``data``
    field: str
    message: str

    def __str__(self) -> str:
        return f"data[{self.index}].{self.field}: {self.message}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _code_in(value: Any, low: int, high: int) -> bool:
    text = _text(value)
    return text.isdigit() and low <= int(text) <= high


def _dates(item: Mapping[str, Any], names: tuple[str, ...], index: int) -> list[Problem]:
    problems = []
    for name in names:
        value = item.get(name, "")
        if value in ("", None):
            continue
        try:
            parse_portal_time(_text(value))
        except ValueError:
            problems.append(Problem(index, name, "not a time as yyyyMMddHHmmss"))
    return problems


def _required(item: Mapping[str, Any], names: tuple[str, ...], index: int) -> list[Problem]:
    return [Problem(index, n, "required") for n in names if not _text(item.get(n, "")).strip()]


def check_upsert(item: Any, index: int) -> list[Problem]:
    if not isinstance(item, Mapping):
        return [Problem(index, "", "an object is expected")]
    problems = _required(item, UPSERT_REQUIRED, index) + _dates(item, UPSERT_DATES, index)
    if item.get("MaHoSo") and not DOSSIER_CODE.match(_text(item["MaHoSo"])):
        problems.append(Problem(index, "MaHoSo", "not a dossier code"))
    if item.get("MaTTHC") and not PROCEDURE_CODE.match(_text(item["MaTTHC"])):
        problems.append(Problem(index, "MaTTHC", "not a national procedure code (e.g. 1.001193)"))
    if item.get("DonViXuLy") and not AGENCY_CODE.match(_text(item["DonViXuLy"])):
        problems.append(Problem(index, "DonViXuLy", "not an agency code"))
    if item.get("TrangThaiHoSo") not in (None, "") and not _code_in(item["TrangThaiHoSo"], 1, 10):
        problems.append(Problem(index, "TrangThaiHoSo", "a status code 1–10 is expected"))
    if item.get("KenhThucHien") not in (None, "") and not _code_in(item["KenhThucHien"], 1, 3):
        problems.append(Problem(index, "KenhThucHien", "1, 2 or 3 is expected"))
    for name in UPSERT_LISTS:
        if not isinstance(item.get(name, []), list):
            problems.append(Problem(index, name, "a list is expected"))
    for n, fee in enumerate(item.get("DanhSachLePhi") or []):
        where = f"DanhSachLePhi[{n}]"
        if not isinstance(fee, Mapping) or not _text(fee.get("MaPhiLePhi", "")):
            problems.append(Problem(index, f"{where}.MaPhiLePhi", "required"))
            continue
        if not _code_in(fee.get("HinhThucThu"), 1, 3):
            problems.append(Problem(index, f"{where}.HinhThucThu", "1, 2 or 3 is expected"))
        if not isinstance(fee.get("Gia"), int) or isinstance(fee.get("Gia"), bool) or fee["Gia"] < 0:
            problems.append(Problem(index, f"{where}.Gia", "an amount in đồng (a whole number ≥ 0) is expected"))
    for n, result in enumerate(item.get("DanhSachGiayToKetQua") or []):
        if not isinstance(result, Mapping) or not _text(result.get("DuongDanTepTinKetQua", "")).startswith(
                ("http://", "https://")):
            problems.append(Problem(index, f"DanhSachGiayToKetQua[{n}].DuongDanTepTinKetQua", "a URL is expected"))
    return problems


def check_progress(item: Any, index: int) -> list[Problem]:
    if not isinstance(item, Mapping):
        return [Problem(index, "", "an object is expected")]
    problems = _required(item, PROGRESS_REQUIRED, index) + _dates(item, PROGRESS_DATES, index)
    if item.get("MaHoSo") and not DOSSIER_CODE.match(_text(item["MaHoSo"])):
        problems.append(Problem(index, "MaHoSo", "not a dossier code"))
    if item.get("TrangThai") not in (None, "") and not _code_in(item["TrangThai"], 1, 10):
        problems.append(Problem(index, "TrangThai", "a status code 1–10 is expected"))
    return problems


CHECKS = {UPSERT: check_upsert, PROGRESS: check_progress}


def check_request(body: Any) -> tuple[str, list[Problem]]:
    """The answer code for a request body and, for INVALID_ITEM, every problem found."""
    if not isinstance(body, Mapping) or not isinstance(body.get("data"), list) \
            or not isinstance(body.get("isUpdating", False), bool) or not 0 < len(body["data"]) <= MAX_ITEMS:
        return BAD_REQUEST, []
    check = CHECKS.get(_text(body.get("service", "")))
    if check is None:
        return UNKNOWN_SERVICE, []
    problems = [p for index, item in enumerate(body["data"]) for p in check(item, index)]
    return (INVALID_ITEM, problems) if problems else (OK, [])
