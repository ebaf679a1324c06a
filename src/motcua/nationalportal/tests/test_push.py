"""Dossiers pushed to a real national-portal receiver: the bundled sandbox served by a separate server process
(its own database), reached over HTTP as the real portal would be."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.conftest import free_port
from motcua.core import outbox
from motcua.demo.exchange import wait_until_serving
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.identity.actors import citizen_actor
from motcua.metrics.queries import headline
from motcua.nationalportal import mapping, sandbox, services
from motcua.nationalportal.models import PortalSync

AN = DEMO_CITIZENS[0]


class Receiver:
    """The sandbox portal in a gunicorn process on a fixed port, on a database of its own: stopped and started
    again at will (a portal that goes down and comes back)."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        database = folder / "portal.sqlite3"
        shutil.copy(Path(env["MOTCUA_VAR_DIR"]) / "motcua.sqlite3", database)  # migrated once per session
        self.env = {**env, "MOTCUA_DATABASE_URL": f"sqlite:///{database}", "MOTCUA_VAR_DIR": str(folder)}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/sandbox-dvcqg/integration"
        self.log = folder / "portal.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "motcua.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers",
                 "2"], env=self.env, stdout=out, stderr=subprocess.STDOUT)
        wait_until_serving(f"http://127.0.0.1:{self.port}", self.process, 60, self.log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def lookup(self, code: str) -> dict | None:
        token = requests.post(f"http://127.0.0.1:{self.port}/sandbox-dvcqg/token", timeout=10,
                              json={"username": sandbox.USERNAME, "password": sandbox.PASSWORD}).json()
        answer = requests.post(self.url, timeout=10, headers={"Authorization": f"Bearer {token['access_token']}"},
                               json={"service": "TraCuuHoSo", "isUpdating": False, "data": [{"MaHoSo": code}]})
        found = answer.json()["result"]
        return found[0] if found else None


@pytest.fixture
def receiver(server_env, tmp_path, settings):
    portal = Receiver(server_env, tmp_path)
    settings.NATIONAL_PORTAL = {**settings.NATIONAL_PORTAL, "URL": portal.url, "TOKEN_URL": "",
                                "USERNAME": sandbox.USERNAME, "PASSWORD": sandbox.PASSWORD, "PUSH_INLINE": False,
                                "TIMEOUT_SECONDS": 5.0}
    yield portal
    portal.stop()


def drained() -> None:
    while outbox.drain():
        pass


def birth_registration(**changes) -> Dossier:
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    return dossiers.submit(sample_submission(spec, **changes), citizen_actor(AN.id_number, AN.name, 2))[0]


def synced_metric():
    return next(m for m in headline("N").index.group("transparency").metrics if m.code == "DOSSIER_SYNC")


def journal_statuses(code: str) -> list[str]:
    dossier = Dossier.objects.get(code=code)
    return [e["TrangThai"] for e in mapping.progress_items(services.dossier_data(dossier))]


def test_a_dossiers_life_reaches_the_portal_in_order_and_the_index_counts_it(receiver, seeded):
    receiver.start()
    first, second = birth_registration(), birth_registration()
    drained()
    assert synced_metric().numerator == 0 and synced_metric().denominator == 2
    assert synced_metric().score == 0  # nothing acknowledged yet: nothing scored

    assert services.push_due(limit=1).sent == 1
    drained()  # the acknowledgement reaches the index through the outbox
    assert (synced_metric().numerator, synced_metric().score) == (1, 3.0)

    found = receiver.lookup(first.code)
    assert found["TrangThaiHoSo"] == "1" and found["MaTTHC"] == "1.001193" and found["KenhThucHien"] == "2"
    assert [s["TrangThai"] for s in found["TienDo"]] == ["1"]

    # every step pushed as it happens: the portal sees each state once, in the journal's order
    spec = spec_of(first.procedure_version)
    dossiers.act(first.code, "receive", official_actor(first.agency.code, spec.workflow.steps[0].role))
    drained()
    assert synced_metric().numerator == 0  # the first changed since (the second is not pushed yet)
    services.push_all()
    walk(first.code, until=Status.RETURNED)
    drained()
    services.push_all()
    drained()
    assert (synced_metric().numerator, synced_metric().score) == (2, 6.0)

    found = receiver.lookup(first.code)
    assert found["TrangThaiHoSo"] == "10" and found["NgayTra"] and found["NgayKetThucXuLy"]
    assert found["LichSuTrangThai"] == [1, 2, 10]  # the upserts received: never an older state after a newer
    assert [s["TrangThai"] for s in found["TienDo"]] == journal_statuses(first.code)
    assert found["TienDo"][0]["TrangThai"] == "1" and found["TienDo"][-1]["TrangThai"] == "10"
    assert found["DanhSachGiayToKetQua"] and found["DanhSachGiayToKetQua"][0]["DuongDanTepTinKetQua"].startswith(
        "http")
    row = PortalSync.objects.get(dossier=first)
    assert row.status == "synced" and row.version_acked == Dossier.objects.get(pk=first.pk).version
    assert receiver.lookup(second.code)["TrangThaiHoSo"] == "1"

    page = requests.get(f"http://127.0.0.1:{receiver.port}/sandbox-dvcqg/", timeout=10)
    assert first.code in page.text and second.code in page.text


def test_a_portal_down_then_up_gets_everything_once_and_in_order(receiver, seeded, settings):
    d = birth_registration()
    drained()
    report = services.push_all()  # nothing listens yet
    assert (report.sent, report.retried) == (0, 1)
    row = PortalSync.objects.get(dossier=d)
    assert row.status == "pending" and row.attempts == 1 and "unreachable" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=10)  # backing off
    assert services.health().backlog_seconds >= 0 and services.health().failed == 0
    assert services.push_all().handled == 0  # not due yet

    spec = spec_of(d.procedure_version)
    dossiers.act(d.code, "receive", official_actor(d.agency.code, spec.workflow.steps[0].role))
    drained()
    receiver.start()
    PortalSync.objects.update(next_attempt_at=timezone.now())  # the wait is over
    assert services.push_all().sent == 1
    found = receiver.lookup(d.code)
    assert found["LichSuTrangThai"] == [2]  # the state as it is now: the older one is never sent after
    assert [s["TrangThai"] for s in found["TienDo"]] == ["1", "2"]

    receiver.stop()  # down again mid-life
    walk(d.code, until=Status.PROCESSED)
    drained()
    assert services.push_all().retried == 1
    receiver.start()
    PortalSync.objects.update(next_attempt_at=timezone.now())
    assert services.push_all().sent == 1
    found = receiver.lookup(d.code)
    assert found["LichSuTrangThai"] == [2, 9]
    assert [s["TrangThai"] for s in found["TienDo"]] == journal_statuses(d.code)  # each step once, in order

    # an acknowledgement lost on the way (the portal stored, we did not hear): pushed again, held once
    PortalSync.objects.filter(dossier=d).update(status="pending", version_acked=0, changes=F_changes(d) + 1)
    assert services.push_all().sent == 1
    found = receiver.lookup(d.code)
    assert [s["TrangThai"] for s in found["TienDo"]] == journal_statuses(d.code)
    assert PortalSync.objects.get(dossier=d).status == "synced"


def F_changes(d: Dossier) -> int:  # noqa: N802
    return PortalSync.objects.get(dossier=d).changes


def test_a_payload_the_portal_refuses_is_failed_with_its_answer_and_shown(receiver, seeded, monkeypatch):
    receiver.start()
    original = mapping.dossier_item
    monkeypatch.setattr(mapping, "dossier_item", lambda d: {**original(d), "MaTTHC": "thu-tuc", "TrangThaiHoSo": 11})
    d = birth_registration()
    drained()
    report = services.push_all()
    assert (report.sent, report.failed) == (0, 1)
    row = PortalSync.objects.get(dossier=d)
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error.startswith("-4: DongBoHoSoMC: Dữ liệu không hợp lệ")
    assert "data[0].MaTTHC" in row.last_error and "data[0].TrangThaiHoSo" in row.last_error
    assert receiver.lookup(d.code) is None

    health = Client().get("/api/health").json()
    assert health["national_portal_failed"] == 1 and health["national_portal_backlog_seconds"] == 0
    with pytest.raises(CommandError) as refused:
        call_command("nationalportal", "status")
    assert "1 dossiers not synchronised" in str(refused.value)

    monkeypatch.setattr(mapping, "dossier_item", original)  # fixed: the operator sends it again
    call_command("nationalportal", "retry", d.code)
    assert services.push_all().sent == 1
    assert receiver.lookup(d.code)["TrangThaiHoSo"] == "1"
    assert Client().get("/api/health").json()["national_portal_failed"] == 0
