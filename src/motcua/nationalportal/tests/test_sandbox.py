"""The sandbox receiver answers like the portal (tokens, answer codes) and is served in the demo only; the
settings' checks."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import Client

from motcua.nationalportal import sandbox, validation
from motcua.nationalportal.models import SandboxDossier, SandboxStep

GOOD = {"MaHoSo": "UBND.X01-250701-0001", "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh", "MaLinhVuc": "HT",
        "KenhThucHien": "2", "ChuHoSo": "Nguyễn Văn An", "LoaiDoiTuong": "1", "TrichYeuHoSo": "Khai sinh",
        "NgayTiepNhan": "20250701083000", "NgayHenTra": "", "TrangThaiHoSo": "1", "DonViXuLy": "UBND.X01"}
STEP = {"MaHoSo": GOOD["MaHoSo"], "NguoiXuLy": "Nguyễn Văn An", "ThoiDiemXuLy": "20250701083000",
        "PhongBanXuLy": "UBND.X01", "NoiDungXuLy": "Nộp hồ sơ", "TrangThai": "1"}


def post(client: Client, body, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/sandbox-dvcqg/integration", body, content_type="application/json", **headers)


@pytest.fixture
def token(client, db) -> str:
    answer = client.post("/sandbox-dvcqg/token", {"username": sandbox.USERNAME, "password": sandbox.PASSWORD},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
    return answer.json()["access_token"]


def test_no_token_no_entry(client, db):
    refused = client.post("/sandbox-dvcqg/token", {"username": sandbox.USERNAME, "password": "wrong"},
                          content_type="application/json")
    assert refused.status_code == 401 and refused.json()["error_code"] == validation.BAD_TOKEN
    for token in (None, "forged:token"):
        answer = post(client, {"service": "DongBoHoSoMC", "isUpdating": False, "data": [GOOD]}, token)
        assert answer.status_code == 401 and answer.json()["error_code"] == validation.BAD_TOKEN
    assert not SandboxDossier.objects.exists()


def test_it_stores_what_it_accepts_and_refuses_a_request_whole(client, token):
    assert post(client, {"service": "DongBoHoSoMC", "isUpdating": False, "data": [GOOD]}, token).json() == {
        "error_code": "0", "message": "Thành công", "count": 1}
    bad = {**GOOD, "MaHoSo": "UBND.X01-250701-0002", "TrangThaiHoSo": "11", "NgayTiepNhan": "01/07/2025"}
    answer = post(client, {"service": "DongBoHoSoMC", "isUpdating": True, "data": [GOOD, bad]}, token).json()
    assert answer["error_code"] == validation.INVALID_ITEM
    assert set(answer["errors"]) == {"data[1].TrangThaiHoSo: a status code 1–10 is expected",
                                     "data[1].NgayTiepNhan: not a time as yyyyMMddHHmmss"}
    assert SandboxDossier.objects.get().statuses == [1]  # nothing of the refused request was kept

    for _ in range(2):  # the same step twice: held once
        assert post(client, {"service": "CapNhatTienDoHoSoMC", "isUpdating": False, "data": [STEP]},
                    token).json()["error_code"] == "0"
    assert SandboxStep.objects.count() == 1
    unknown = {**STEP, "MaHoSo": "UBND.X01-250701-0009"}
    answer = post(client, {"service": "CapNhatTienDoHoSoMC", "isUpdating": False, "data": [unknown]}, token)
    assert answer.json()["error_code"] == validation.UNKNOWN_DOSSIER
    assert post(client, {"service": "XoaHoSo", "isUpdating": False, "data": [GOOD]}, token).json()[
        "error_code"] == validation.UNKNOWN_SERVICE
    assert post(client, "not json", token).json()["error_code"] == validation.BAD_REQUEST

    found = post(client, {"service": "TraCuuHoSo", "data": [{"MaHoSo": GOOD["MaHoSo"]}]}, token).json()["result"]
    assert found[0]["TienDo"] == [STEP] and found[0]["LichSuTrangThai"] == [1]
    page = client.get("/sandbox-dvcqg/")
    assert page.status_code == 200 and GOOD["MaHoSo"] in page.content.decode()


def test_served_in_the_demo_only(client, db, settings):
    settings.SANDBOX_NATIONAL_PORTAL = False
    assert client.get("/sandbox-dvcqg/").status_code == 404
    assert client.post("/sandbox-dvcqg/token", {}).status_code == 404
    assert post(client, {"service": "DongBoHoSoMC", "isUpdating": False, "data": [GOOD]}).status_code == 404


def test_checks(settings):
    from motcua.nationalportal.checks import dossiers_reach_the_national_portal, national_portal

    settings.DEMO_MODE = False
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "URL": "", "USERNAME": "", "PASSWORD": ""}
    assert national_portal(None) == []
    assert [w.id for w in dossiers_reach_the_national_portal(None)] == ["motcua.W173"]
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "URL": "http://portal.example.vn/integration"}
    assert [e.id for e in national_portal(None)] == ["motcua.E171"]
    assert [w.id for w in dossiers_reach_the_national_portal(None)] == ["motcua.W174"]
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "URL": "portal", "USERNAME": "u", "PASSWORD": "p"}
    assert [e.id for e in national_portal(None)] == ["motcua.E172"]
    assert all(isinstance(e, checks.Error) for e in national_portal(None))
    settings.DEMO_MODE = True
    assert dossiers_reach_the_national_portal(None) == []
