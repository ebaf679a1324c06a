"""On PostgreSQL, as a deployment runs: appends to one person's access log never fork under concurrent reads
and reads of different people never wait for each other; the application's role (granted as
``motcua audit grants`` says) can append to the logs and run the site but cannot change, delete, truncate or
un-trigger them; and a pg_dump backup restored elsewhere verifies and rebuilds the same index figures."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from motcua.audit import services
from motcua.audit.tests.conftest import AN, BINH, audit_verify, make_history
from motcua.catalog.models import Agency
from motcua.core import outbox
from motcua.core.chained import chained_models
from motcua.demo.seeding import seed_all
from motcua.metrics import rollup
from motcua.registries.models import AccessLog

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL behaviour")
ROOT = Path(__file__).resolve().parents[4]


def read_logged(person: str, purpose: str = "Điền sẵn biểu mẫu") -> AccessLog:
    return AccessLog.objects.create(person_id_number=person, registry="population", reader_kind="citizen",
                                    reader_id=person, purpose=purpose)


def seeded_history():
    if not Agency.objects.exists():  # a transactional test before this one emptied the database
        seed_all(with_dossiers=False, demo_people=True)
    return make_history()


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_of_one_person_never_fork_the_chain():
    failures = []

    def reader():
        try:
            for _ in range(5):
                with transaction.atomic():
                    read_logged(AN.id_number)
                    time.sleep(0.002)  # hold the stream a moment, so appends overlap
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    seqs = sorted(AccessLog.objects.filter(person_id_number=AN.id_number).values_list("seq", flat=True))
    assert seqs == list(range(1, 61))
    assert audit_verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_only_reads_of_the_same_person_wait_for_each_other():
    holding, release = threading.Event(), threading.Event()
    finished = {}

    def open_read_of_an():
        with transaction.atomic():
            read_logged(AN.id_number)
            holding.set()
            release.wait(10)
        connection.close()

    def read(person, name):
        read_logged(person)
        finished[name] = time.monotonic()
        connection.close()

    first = threading.Thread(target=open_read_of_an)
    first.start()
    assert holding.wait(10)
    other_person = threading.Thread(target=read, args=(BINH.id_number, "binh"))
    same_person = threading.Thread(target=read, args=(AN.id_number, "an"))
    other_person.start()
    same_person.start()
    other_person.join(5)
    time.sleep(0.3)
    assert "binh" in finished and "an" not in finished  # another person's read is not held up; AN's waits
    released_at = time.monotonic()
    release.set()
    for t in (first, same_person):
        t.join(10)
    assert finished["an"] >= released_at
    assert [r.seq for r in AccessLog.objects.filter(person_id_number=AN.id_number).order_by("seq")] == [1, 2]


@contextmanager
def application_role():
    """A login role for the application, granted on the test database what `motcua audit grants` prints."""
    role = f"motcua_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
        cursor.execute(services.grants(role))
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}; DROP ROLE {role}")


def connect_as(role: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, dbname=db["NAME"], user=role,
                           autocommit=True)


def motcua_as(role: str, *args: str) -> subprocess.CompletedProcess:
    """The ``motcua`` command run as a separate process connected as ``role``."""
    db = connection.settings_dict
    url = f"postgres://{role}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    # the site as the demo configures it: its results and seals signed with the development CA
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"), "MOTCUA_DEMO": "1"}
    return subprocess.run([sys.executable, "-m", "motcua.cli", *args], env=env, cwd=Path.cwd(), capture_output=True,
                          text=True, timeout=120)


APPEND_AS_THE_APPLICATION = """
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission
from motcua.dossiers import services
from motcua.identity.actors import Role, citizen_actor
from motcua.registries.access import Purpose, read_person

citizen = DEMO_CITIZENS[2]
spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
dossier, _ = services.submit(sample_submission(spec, citizen), citizen_actor(citizen.id_number, citizen.name, 2))
services.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
read_person("population", citizen.id_number, citizen_actor(citizen.id_number), Purpose("Điền sẵn biểu mẫu"))
print(dossier.code)
"""


@pytest.mark.django_db(transaction=True)
def test_the_application_role_can_append_but_not_rewrite_the_logs():
    seeded_history()
    with application_role() as role:
        with connect_as(role) as app:
            for model in chained_models():
                table = model._meta.db_table
                for sql in (f"UPDATE {table} SET prev_digest = prev_digest", f"DELETE FROM {table}",
                            f"TRUNCATE {table}", f"ALTER TABLE {table} DISABLE TRIGGER USER"):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        app.execute(sql)
            app.execute("INSERT INTO registries_accesslog (person_id_number, registry, reader_kind, reader_id, "
                        "reader_name, reader_agency, purpose, procedure_code, dossier_code, allowed, within_record_of, "
                        "at, seq, prev_digest, digest) VALUES (%s, 'population', 'system', 'x', '', '', 'x', '', '', "
                        "true, '', now(), 99, '', '')", [BINH.id_number])
        # the site itself runs under the role: submission, an official's action, a logged registry read, a seal
        appended = motcua_as(role, "shell", "-c", APPEND_AS_THE_APPLICATION)
        assert appended.returncode == 0, appended.stderr
        sealed = motcua_as(role, "audit", "seal")
        assert sealed.returncode == 0, sealed.stderr
        verified = motcua_as(role, "audit", "verify")
    # the row inserted by hand is not part of the chain, and verify says so
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[1:] == [f"access log of person {BINH.id_number}: entry 4 missing"]


@contextmanager
def restored_copy():
    """The test database dumped with pg_dump and restored with pg_restore into a new database; the default
    connection points at the copy inside the block."""
    db = connection.settings_dict
    copy = f"{db['NAME']}_restored"
    options = ["-h", db["HOST"] or "localhost", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "motcua.dump"
        subprocess.run(["pg_dump", *options, "-Fc", "-f", str(dump), db["NAME"]], env=env, check=True)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{copy}"')
        original = db["NAME"]
        try:
            subprocess.run(["pg_restore", *options, "-d", copy, str(dump)], env=env, check=True)
            connection.close()
            db["NAME"] = copy
            yield copy
        finally:
            connection.close()
            db["NAME"] = original
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


@pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="pg_dump/pg_restore missing")
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_verifies_and_rebuilds_the_same_figures():
    seeded_history()
    while outbox.drain():
        pass
    services.seal()
    live = rollup.table_snapshot()
    assert live[0]  # the dossiers counted
    with restored_copy():
        code, lines = audit_verify()
        assert code == 0, lines
        call_command("metrics", "rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert rollup.table_snapshot() == live
