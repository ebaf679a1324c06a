"""National-portal benchmark: dossiers pushed per second to the bundled sandbox portal over HTTP.

    python bench/national_portal.py [--dossiers 300] [--processes 2] [--receiver-workers 2]

Creates a throwaway PostgreSQL database and serves the sandbox portal from it with gunicorn in processes of its
own (it validates every item and stores it, as a receiver must). --dossiers online dossiers are submitted and
received (two journal entries each); the outbox is drained (the consumer records one pending push per dossier),
then the pushes are sent — per dossier a DongBoHoSoMC request and a CapNhatTienDoHoSoMC request, each item
checked and stored by the receiver — by one worker in this process, then again (everything due afresh, the
portal holding it already: steps it holds are kept once) by --processes `motcua nationalportal push --once`
processes sharing the rows (SKIP LOCKED). It checks the receiver holds each dossier once with each of its steps
once, prints figures and asserts no timing.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from contextlib import suppress

from throwaway import ROOT, throwaway_database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--receiver-workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    with throwaway_database("portal", MOTCUA_OUTBOX_INLINE="0", MOTCUA_NOTIFY_INLINE="0",
                            MOTCUA_NATIONAL_PORTAL_INLINE="0",
                            MOTCUA_NATIONAL_PORTAL_URL=f"http://127.0.0.1:{port}/sandbox-dvcqg/integration",
                            MOTCUA_NATIONAL_PORTAL_USERNAME="motcua-sandbox",
                            MOTCUA_NATIONAL_PORTAL_PASSWORD="motcua-sandbox-national-portal-own-secret"):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        receiver = subprocess.Popen([sys.executable, "-m", "gunicorn", "motcua.wsgi", "--bind", f"127.0.0.1:{port}",
                                     "--workers", str(args.receiver_workers)], env=env, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            import requests

            deadline = time.monotonic() + 60
            while True:
                with suppress(requests.RequestException):
                    if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=5).ok:
                        break
                assert time.monotonic() < deadline and receiver.poll() is None, "the receiver did not start"
                time.sleep(0.2)
            run(args, env)
        finally:
            receiver.terminate()
            receiver.wait(30)


def run(args, env: dict[str, str]) -> None:
    from django.db import connection

    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.core import outbox
    from motcua.demo.testing import official_actor, sample_submission
    from motcua.dossiers import services as dossiers
    from motcua.identity.actors import Role, citizen_actor
    from motcua.nationalportal import services
    from motcua.nationalportal.models import PortalSync, SandboxDossier, SandboxStep

    print(f"motcua national-portal benchmark — {os.cpu_count()} CPUs, PostgreSQL {connection.pg_version // 10000}, "
          f"sandbox portal in {args.receiver_workers} gunicorn workers")
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    citizen = citizen_actor("001090012345", "Nguyễn Văn An", 2)
    codes = [dossiers.submit(sample_submission(spec), citizen)[0].code for _ in range(args.dossiers)]
    receiver = official_actor(dossiers.get_dossier(codes[0]).agency.code, Role.RECEIVER)
    for code in codes:
        dossiers.act(code, "receive", receiver)
    started = time.perf_counter()
    while outbox.drain(limit=200):
        pass
    elapsed = time.perf_counter() - started
    print(f"{'recording (outbox drain, all consumers)':<46} {2 * args.dossiers / elapsed:>8,.0f} events/s   "
          f"({PortalSync.objects.filter(status='pending').count():,} dossiers due)")

    started = time.perf_counter()
    report = services.push_all()
    elapsed = time.perf_counter() - started
    print(f"{'pushing, 1 worker in-process':<46} {report.synced / elapsed:>8,.0f} dossiers/s   "
          f"({report.synced:,} in {elapsed:.1f} s: {2 * report.synced / elapsed:,.0f} requests/s, "
          f"{report.failed + report.retried} not)")

    PortalSync.objects.update(status="pending", version_acked=0, attempts=0)
    started = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-m", "motcua.cli", "nationalportal", "push", "--once"], env=env,
                                stdout=subprocess.DEVNULL, cwd=ROOT) for _ in range(args.processes)]
    for worker in workers:
        assert worker.wait(600) == 0
    elapsed = time.perf_counter() - started
    synced = PortalSync.objects.filter(status="synced").count()
    print(f"{f'pushing again, {args.processes} worker processes':<46} {synced / elapsed:>8,.0f} dossiers/s   "
          f"({synced:,} in {elapsed:.1f} s, start-up of the processes included)")

    held, steps = SandboxDossier.objects.count(), SandboxStep.objects.count()
    print(f"{'the portal holds':<46} {held:>8,} dossiers, {steps:,} steps "
          f"(expected {args.dossiers:,} and {2 * args.dossiers:,})")
    assert held == args.dossiers and steps == 2 * args.dossiers, "the portal does not hold each thing once"


if __name__ == "__main__":
    main()
