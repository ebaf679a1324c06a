"""The dossier in the national portal's shape: every status maps, times are written as the portal reads them,
and whatever the mapping produces passes the receiver's checks (pure: no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.lifecycle import RULES, Status
from motcua.nationalportal import mapping, validation

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31),
                       timezones=st.just(UTC)).map(lambda m: m.replace(microsecond=0))
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda t: t.strip())


@st.composite
def dossiers(draw) -> mapping.DossierData:
    start = draw(moments)
    kinds = draw(st.lists(st.sampled_from([k for k in RULES if k != "submit"]), max_size=12))
    entries, at = [], start
    for seq, kind in enumerate(["submit", *kinds], 1):
        at = at + timedelta(minutes=draw(st.integers(0, 60 * 24 * 7)))
        data = {"amount": draw(st.integers(1, 10**9))} if kind == "request_payment" else (
            {"method": draw(st.sampled_from(["online", "cash"]))} if kind == "pay" else {})
        entries.append(mapping.Entry(seq, kind, at, draw(texts), draw(st.sampled_from(["", "UBND.X01"])),
                                     draw(st.sampled_from(["", "thiếu giấy tờ"])), data,
                                     draw(st.sampled_from(list(Status))), draw(st.none() | days),
                                     draw(st.none() | days)))
    status = entries[-1].status
    return mapping.DossierData(
        code=draw(st.from_regex(r"[A-Z][A-Z0-9.]{2,20}-[0-9]{6}-[0-9]{4}", fullmatch=True)),
        procedure_code=draw(st.from_regex(r"[12]\.[0-9]{6}", fullmatch=True)), procedure_name=draw(texts),
        sector_code=draw(st.from_regex(r"[A-Z0-9]{1,10}", fullmatch=True)),
        channel=draw(st.sampled_from(sorted(mapping.CHANNELS))), applicant_name=draw(texts),
        agency_code=draw(st.from_regex(r"[A-Z][A-Z0-9.]{1,20}", fullmatch=True)), submitted_at=start,
        received_at=draw(st.none() | moments), appointment_date=draw(st.none() | days),
        due_date=draw(st.none() | days), finished_at=draw(st.none() | moments), status=status,
        entries=tuple(entries),
        submitted=(mapping.Submitted("1", "TP1", "Tờ khai.pdf", True, False),),
        results=(mapping.ResultDocument("12/2025", "GKS", "Giấy khai sinh", "https://motcua.example.vn/xac-thuc/1"),))


@pytest.mark.parametrize("status", list(Status))
def test_every_status_is_one_of_the_portals_ten_codes(status):
    code = mapping.status_code(status)
    assert code == str(status.value) and 1 <= int(code) <= 10


@given(moments)
def test_times_are_local_yyyymmddhhmmss_and_read_back(moment):
    text = mapping.portal_time(moment)
    assert len(text) == 14 and text.isdigit()
    assert mapping.parse_portal_time(text) == moment  # the same instant, in Vietnam's time
    assert text == moment.astimezone(mapping.LOCAL_TZ).strftime("%Y%m%d%H%M%S")


@given(days)
def test_a_date_is_the_end_of_that_working_day(day):
    assert mapping.portal_day(day) == f"{day:%Y%m%d}170000"


def test_an_unknown_time_is_an_empty_string():
    assert mapping.portal_time(None) == mapping.portal_day(None) == ""
    for bad in ("2025010112000", "20251301120000", "abcdefghijklmn"):
        with pytest.raises(ValueError):
            mapping.parse_portal_time(bad)


@given(dossiers())
def test_whatever_a_dossier_is_the_receiver_accepts_its_payloads(d):
    item = mapping.dossier_item(d)
    assert validation.check_upsert(item, 0) == []
    assert item["TrangThaiHoSo"] == str(d.status.value) and item["MaHoSo"] == d.code
    assert item["KenhThucHien"] == mapping.CHANNELS[d.channel]
    fees = [e for e in d.entries if e.kind == "request_payment"]
    assert [f["Gia"] for f in item["DanhSachLePhi"]] == [e.data["amount"] for e in fees]
    assert len(item["DanhSachHoSoBoSung"]) == sum(e.kind == "request_supplement" for e in d.entries)
    steps = mapping.progress_items(d)
    assert [s["TrangThai"] for s in steps] == [str(e.status.value) for e in d.entries]  # one per entry, in order
    assert all(validation.check_progress(s, i) == [] for i, s in enumerate(steps))
    assert validation.check_request(mapping.request(mapping.UPSERT, [item], False)) == (validation.OK, [])


@given(dossiers(), st.integers(0, 15))
def test_progress_after_an_entry_sends_only_the_later_steps(d, after):
    steps = mapping.progress_items(d, after)
    assert [s["ThoiDiemXuLy"] for s in steps] == [mapping.portal_time(e.at) for e in d.entries if e.seq > after]


def test_a_payment_and_a_supplement_read_as_the_portal_lists_them():
    at = datetime(2025, 7, 1, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
    entries = (
        mapping.Entry(1, "submit", at, "Nguyễn Văn An", "", "", {}, Status.NEW, None),
        mapping.Entry(2, "request_supplement", at + timedelta(hours=1), "Cán bộ A", "UBND.X01", "Thiếu ảnh",
                      {"documents": ["ANH"]}, Status.SUPPLEMENT_REQUESTED, date(2025, 7, 3)),
        mapping.Entry(3, "supplement", at + timedelta(days=1), "Nguyễn Văn An", "", "", {}, Status.NEW,
                      date(2025, 7, 4)),
        mapping.Entry(4, "request_payment", at + timedelta(days=2), "Cán bộ A", "UBND.X01", "",
                      {"amount": 50000}, Status.FINANCIAL_OBLIGATION, date(2025, 7, 4)),
        mapping.Entry(5, "pay", at + timedelta(days=2, hours=1), "Cổng thanh toán", "", "",
                      {"amount": 50000, "method": "online"}, Status.PROCESSING, date(2025, 7, 4)),
    )
    d = mapping.DossierData("UBND.X01-250701-0001", "1.001193", "Đăng ký khai sinh", "HT", "online",
                            "Nguyễn Văn An", "UBND.X01", at, at, date(2025, 7, 4), date(2025, 7, 4), None,
                            Status.PROCESSING, entries)
    item = mapping.dossier_item(d)
    assert item["NgayTiepNhan"] == "20250701083000" and item["NgayHenTra"] == "20250704170000"
    assert item["DanhSachLePhi"] == [{"MaPhiLePhi": "1.001193.LP01", "HinhThucThu": "2", "Gia": 50000}]
    assert item["DuocThanhToanTrucTuyen"] == "1"
    supplement = item["DanhSachHoSoBoSung"][0]
    assert supplement["TrangThaiBoSung"] == "2" and supplement["NgayTiepNhanBoSung"] == "20250702083000"
    assert supplement["NgayHenTraMoi"] == "20250704170000"
    assert supplement["DanhSachGiayToBoSung"] == [{"MaThanhPhanHoSo": "ANH"}]
    step = mapping.progress_items(d, after=1)[0]
    assert step["NoiDungXuLy"].endswith(": Thiếu ảnh") and step["PhongBanXuLy"] == "UBND.X01"
    assert step["NgayBatDau"] == "20250701083000" and step["ThoiDiemXuLy"] == "20250701093000"


@pytest.mark.parametrize(("body", "code"), [
    ([], validation.BAD_REQUEST),
    ({"service": "DongBoHoSoMC", "isUpdating": False, "data": []}, validation.BAD_REQUEST),
    ({"service": "XoaHoSo", "isUpdating": False, "data": [{}]}, validation.UNKNOWN_SERVICE),
    ({"service": "CapNhatTienDoHoSoMC", "isUpdating": False, "data": [{"MaHoSo": "X1-250101-0001"}]},
     validation.INVALID_ITEM),
])
def test_the_receiver_refuses_what_is_not_a_request(body, code):
    assert validation.check_request(body)[0] == code


def test_each_problem_names_its_item_and_field():
    item = {"MaHoSo": "x", "MaTTHC": "1001193", "TenTTHC": "A", "MaLinhVuc": "HT", "KenhThucHien": "4",
            "ChuHoSo": "B", "LoaiDoiTuong": "1", "TrichYeuHoSo": "C", "NgayTiepNhan": "2025-07-01",
            "TrangThaiHoSo": "11", "DonViXuLy": "UBND", "DanhSachLePhi": [{"MaPhiLePhi": "L", "HinhThucThu": "2",
                                                                          "Gia": -1}]}
    fields = {p.field for p in validation.check_upsert(item, 3)}
    assert fields == {"MaHoSo", "MaTTHC", "KenhThucHien", "NgayTiepNhan", "TrangThaiHoSo", "DanhSachLePhi[0].Gia"}
    assert str(validation.check_upsert(item, 3)[0]).startswith("data[3].")
