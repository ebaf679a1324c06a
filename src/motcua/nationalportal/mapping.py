"""A dossier in the national public-service portal's (DVCQG) data shape. Pure Python, no Django.

Two services carry a dossier to the portal: ``DongBoHoSoMC`` (the dossier, inserted or replaced whole: its
procedure, applicant, dates, status, submitted documents, fees, supplements and result documents) and
``CapNhatTienDoHoSoMC`` (one item per processing step: who, when, where, what, the status after it). Both are
posted to the integration endpoint as ``{"service", "isUpdating", "data": [...]}``.

No official specification of these services is published; the field names follow the integration code of
OpenCPS (VietOpenCPS/opencps-v2) [S]. The assumptions made where it is silent:

- times are local (Asia/Ho_Chi_Minh) as ``yyyyMMddHHmmss`` (OpenCPS's format); a date without a time of day (the
  appointment, a statutory end) is the end of that working day, 17:00:00;
- codes are strings of digits: ``TrangThaiHoSo`` / ``TrangThai`` are the ten status codes of Circular
  01/2018/TT-VPCP (1 new … 10 result returned), which are this system's own codes; ``KenhThucHien`` 1 at the
  counter, 2 online, 3 by post; ``HinhThuc`` (how the result is returned) the same three; ``LoaiDoiTuong`` 1 a
  citizen; ``HinhThucThu`` 1 paid at the counter, 2 paid online; ``TrangThaiBoSung`` 1 asked, 2 supplied;
- a date not known yet is an empty string, never left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from motcua.dossiers.lifecycle import RULES, Status

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TIME_FORMAT = "%Y%m%d%H%M%S"
END_OF_DAY = time(17, 0)

UPSERT = "DongBoHoSoMC"
PROGRESS = "CapNhatTienDoHoSoMC"

CHANNELS = {"counter": "1", "online": "2", "post": "3"}
APPLICANT_CITIZEN = "1"
PAID_AT_COUNTER, PAID_ONLINE = "1", "2"
SUPPLEMENT_ASKED, SUPPLEMENT_GIVEN = "1", "2"


def portal_time(moment: datetime | None) -> str:
    """An aware time as the portal writes it, in Vietnam's time; None is the empty string."""
    if moment is None:
        return ""
    return moment.astimezone(LOCAL_TZ).strftime(TIME_FORMAT)


def portal_day(day: date | None) -> str:
    """A date as the end of that working day (17:00 local); None is the empty string."""
    if day is None:
        return ""
    return datetime.combine(day, END_OF_DAY).strftime(TIME_FORMAT)


def parse_portal_time(text: str) -> datetime:
    """The inverse of :func:`portal_time` (ValueError when it is not one)."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"not yyyyMMddHHmmss: {text!r}")
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=LOCAL_TZ)


def status_code(status: Status) -> str:
    """Every status of the lifecycle is one of the portal's ten codes."""
    return str(int(status))


@dataclass(frozen=True)
class Entry:
    """One journal entry with the state after it."""

    seq: int
    kind: str
    at: datetime
    actor_name: str
    actor_unit: str  # the agency the actor acted for ("" for the citizen or the system)
    reason: str
    data: Mapping[str, Any]
    status: Status  # after the entry
    due_date: date | None  # the statutory due date after the entry
    step_due: date | None = None  # the current step's due date after the entry


@dataclass(frozen=True)
class Submitted:
    """A file of the dossier's evidence."""

    id: str
    evidence_code: str
    name: str
    digitized: bool  # scanned at the counter, or taken from the citizen's wallet
    reused: bool  # taken from a document the state already issued


@dataclass(frozen=True)
class ResultDocument:
    number: str
    kind: str
    title: str
    url: str  # where anyone can verify it


@dataclass(frozen=True)
class DossierData:
    code: str
    procedure_code: str
    procedure_name: str
    sector_code: str
    channel: str  # online | counter | post
    applicant_name: str
    agency_code: str  # the agency holding it now
    submitted_at: datetime
    received_at: datetime | None
    appointment_date: date | None
    due_date: date | None
    finished_at: datetime | None
    status: Status
    entries: tuple[Entry, ...]
    submitted: tuple[Submitted, ...] = ()
    results: tuple[ResultDocument, ...] = ()

    @property
    def version(self) -> int:
        return self.entries[-1].seq if self.entries else 0


def _fees(d: DossierData) -> list[dict[str, Any]]:
    fees: list[dict[str, Any]] = []
    for entry in d.entries:
        if entry.kind == "request_payment":
            fees.append({"MaPhiLePhi": f"{d.procedure_code}.LP{len(fees) + 1:02d}",
                         "HinhThucThu": PAID_ONLINE if d.channel == "online" else PAID_AT_COUNTER,
                         "Gia": int(entry.data.get("amount", 0) or 0)})
        elif entry.kind == "pay" and fees:
            fees[-1]["HinhThucThu"] = PAID_ONLINE if entry.data.get("method") == "online" else PAID_AT_COUNTER
    return fees


def _supplements(d: DossierData) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    before: date | None = None
    for entry in d.entries:
        if entry.kind == "request_supplement":
            missing = entry.data.get("documents") or []
            out.append({"HoSoBoSungId": f"{d.code}.BS{len(out) + 1}", "NguoiYeuCauBoSung": entry.actor_name,
                        "NoiDungBoSung": entry.reason, "NgayBoSung": portal_time(entry.at),
                        "NguoiTiepNhanBoSung": "", "ThongTinTiepNhan": "", "NgayTiepNhanBoSung": "",
                        "TrangThaiBoSung": SUPPLEMENT_ASKED,
                        "DanhSachGiayToBoSung": [{"MaThanhPhanHoSo": str(c)} for c in missing
                                                 if isinstance(c, str)],
                        "NgayHenTraTruoc": portal_day(before), "NgayHenTraMoi": ""})
        elif entry.kind == "supplement" and out:
            out[-1].update(NguoiTiepNhanBoSung=entry.actor_name, ThongTinTiepNhan="Công dân đã bổ sung",
                           NgayTiepNhanBoSung=portal_time(entry.at), TrangThaiBoSung=SUPPLEMENT_GIVEN,
                           NgayHenTraMoi=portal_day(entry.due_date))
        before = entry.due_date
    return out


def dossier_item(d: DossierData) -> dict[str, Any]:
    """The dossier as one item of ``DongBoHoSoMC``."""
    returned = next((e.at for e in reversed(d.entries) if e.kind == "return_result"), None)
    return {
        "MaHoSo": d.code,
        "MaTTHC": d.procedure_code,
        "TenTTHC": d.procedure_name,
        "MaLinhVuc": d.sector_code,
        "KenhThucHien": CHANNELS[d.channel],
        "ChuHoSo": d.applicant_name,
        "LoaiDoiTuong": APPLICANT_CITIZEN,
        "TrichYeuHoSo": f"{d.procedure_name} — {d.applicant_name}",
        "NgayTiepNhan": portal_time(d.received_at or d.submitted_at),
        "NgayHenTra": portal_day(d.appointment_date or d.due_date),
        "TrangThaiHoSo": status_code(d.status),
        "NgayTra": portal_time(returned),
        "HinhThuc": CHANNELS[d.channel],
        "NgayKetThucXuLy": portal_time(d.finished_at),
        "DonViXuLy": d.agency_code,
        "TaiLieuNop": [{"TepDinhKemId": s.id, "TenTepDinhKem": s.name, "IsDeleted": False,
                        "MaThanhPhanHoSo": s.evidence_code, "DuocSoHoa": s.digitized,
                        "DuocLayTuKhoDMQG": s.reused} for s in d.submitted],
        "DanhSachLePhi": _fees(d),
        "DanhSachHoSoBoSung": _supplements(d),
        "DanhSachGiayToKetQua": [{"TenGiayTo": r.title, "MaThanhPhanHoSo": r.kind, "GiayToId": r.number,
                                  "DuongDanTepTinKetQua": r.url} for r in d.results],
        # two inputs of the index the portal reads from the dossier [V: Decision 766's formula document]
        "DuocThanhToanTrucTuyen": "1" if any(e.kind == "pay" and e.data.get("method") == "online"
                                             for e in d.entries) else "0",
        "TaiKhoanDuocXacThucVoiVNeID": "1" if d.channel == "online" else "0",
    }


def what_was_done(entry: Entry) -> str:
    rule = RULES.get(entry.kind)
    label = rule.vi if rule is not None else entry.kind
    return f"{label}: {entry.reason}" if entry.reason else label


def progress_items(d: DossierData, after: int = 0) -> list[dict[str, Any]]:
    """The steps of ``CapNhatTienDoHoSoMC`` for the journal entries after entry ``after``, in order."""
    items = []
    previous: datetime | None = None
    for entry in d.entries:
        if entry.seq > after:
            items.append({
                "MaHoSo": d.code,
                "NguoiXuLy": entry.actor_name or "Hệ thống",
                "ThoiDiemXuLy": portal_time(entry.at),
                "PhongBanXuLy": entry.actor_unit or d.agency_code,
                "NoiDungXuLy": what_was_done(entry),
                "TrangThai": status_code(entry.status),
                "NgayBatDau": portal_time(previous or entry.at),
                "NgayKetThucTheoQuyDinh": portal_day(entry.step_due or entry.due_date),
            })
        previous = entry.at
    return items


def request(service: str, items: Sequence[Mapping[str, Any]], updating: bool) -> dict[str, Any]:
    """The body posted to the integration endpoint."""
    return {"service": service, "isUpdating": updating, "data": list(items)}
