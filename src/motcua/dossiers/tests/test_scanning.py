"""Evidence files are scanned for malware by a real ClamAV daemon (clamd, started here with a signature of
the EICAR test file) before anything of the submission is kept: an infected file is refused by its field, a
scanner that cannot answer stops the submission with 503, and a clean file goes through."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from motcua.api.tests.test_api import attached, permit_submission, post
from motcua.documents.models import Attachment
from motcua.dossiers.models import Dossier

CLAMD = shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if Path(p).exists()), None)
# The industry's test file: harmless, and detected as malware by every scanner (here by our own signature).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
pytestmark = pytest.mark.skipif(CLAMD is None, reason="ClamAV's clamd is not installed (./run test installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"zPING\0")
            return connection.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """clamd in the foreground on a free port, its signature database one body signature of the EICAR file."""
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "motcua-test.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    port = free_port()
    (folder / "clamd.conf").write_text(
        f"Foreground yes\nTCPSocket {port}\nTCPAddr 127.0.0.1\nDatabaseDirectory {folder / 'db'}\n"
        f"TemporaryDirectory {folder}\nLogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\n")
    process = subprocess.Popen([CLAMD, f"--config-file={folder / 'clamd.conf'}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"clamd did not start: {(folder / 'clamd.log').read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    yield f"tcp://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def scanning(settings, clamd):
    settings.UPLOAD_SCANNING = {**settings.UPLOAD_SCANNING, "SCANNER": "clamav", "CLAMD_ADDRESS": clamd}


def infected_pdf() -> bytes:
    return b"%PDF-1.4\n% a drawing with something inside\n" + EICAR + b"\n%%EOF\n"


def test_an_infected_file_is_refused_by_its_field_and_nothing_is_kept(citizen, scanning):
    response = post(citizen, "/api/dossiers", permit_submission(files=[attached("ban_ve_thiet_ke", infected_pdf())]))
    assert response.status_code == 422, response.json()
    error = next(e for e in response.json()["errors"] if e["code"] == "malware_found")
    assert error["field"] == "evidence.ban_ve_thiet_ke" and "Eicar-Test-Signature" in error["en"]
    assert "mã độc" in error["vi"]
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


def test_a_clean_file_goes_through(citizen, scanning):
    response = post(citizen, "/api/dossiers", permit_submission(files=[attached("ban_ve_thiet_ke")]))
    assert response.status_code == 201, response.json()


def test_a_large_file_is_streamed_to_the_scanner_whole(citizen, scanning):
    """The signature sits past the first chunks: clamd must have seen the whole file."""
    padded = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + EICAR + b"\n%%EOF\n"
    response = post(citizen, "/api/dossiers", permit_submission(files=[attached("ban_ve_thiet_ke", padded)]))
    assert response.status_code == 422 and "malware_found" in str(response.json())


def test_no_answer_from_the_scanner_files_nothing(citizen, settings):
    settings.UPLOAD_SCANNING = {**settings.UPLOAD_SCANNING, "SCANNER": "clamav",
                                "CLAMD_ADDRESS": f"tcp://127.0.0.1:{free_port()}"}
    response = post(citizen, "/api/dossiers", permit_submission(files=[attached("ban_ve_thiet_ke")]))
    assert response.status_code == 503 and response.json()["code"] == "scanner_unavailable"
    assert "try again" in response.json()["detail"]["en"]
    assert not Dossier.objects.exists()


def test_the_deployment_check_warns_when_nothing_scans(settings):
    from django.core import checks

    settings.DEMO_MODE = False
    settings.UPLOAD_SCANNING = {**settings.UPLOAD_SCANNING, "SCANNER": "none"}
    found = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "motcua.W153" in found
    settings.UPLOAD_SCANNING = {**settings.UPLOAD_SCANNING, "SCANNER": "clamav", "CLAMD_ADDRESS": "clamd:3310"}
    assert "motcua.E152" in [m.id for m in checks.run_checks()]

