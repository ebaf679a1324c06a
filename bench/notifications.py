"""Notifications benchmark: how fast events become messages, and how many messages per second go out over SMTP.

    python bench/notifications.py [--messages 2000] [--dossiers 200] [--processes 2] [--rounds 2]

Creates a throwaway PostgreSQL database and starts a real SMTP server (aiosmtpd, in a process of its own, counting
what it accepts). Then:
  1. recording: --dossiers online dossiers are received; the outbox is drained and the consumer records their
     messages (both languages rendered, one delivery per channel) — events per second;
  2. sending: --messages e-mail deliveries sent to the SMTP server by one worker in this process (one SMTP session
     per batch, each delivery marked sent as it goes), then by --processes `motcua notifications send --once`
     worker processes sharing the deliveries (SKIP LOCKED), --rounds times each.
It checks the server received exactly what the database marks sent, prints figures and asserts no timing.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time

from throwaway import ROOT, throwaway_database

SERVER = """
import asyncio, signal, sys
from aiosmtpd.controller import Controller

class Counter:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.count += 1
        return "250 OK"

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})  # for sigwait, in every thread
controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
controller.stop()
print(Counter.count, flush=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="profile the in-process worker's first round")
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    try:
        with throwaway_database("notify", MOTCUA_OUTBOX_INLINE="0", MOTCUA_NOTIFY_INLINE="0",
                                MOTCUA_SMTP_HOST="127.0.0.1", MOTCUA_SMTP_PORT=str(port), MOTCUA_SMS_GATEWAY="",
                                MOTCUA_NOTIFY_BATCH="200"):
            sent = run(args)
    finally:
        server.terminate()
        received = int(server.communicate(timeout=30)[0].strip().splitlines()[-1])
    print(f"{'SMTP server accepted':<44} {received:>8,} messages (the database marked {sent:,} sent)")
    assert received == sent, "the server and the database disagree"


def run(args) -> int:
    from django.db import connection

    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.core import outbox
    from motcua.demo.testing import official_actor, sample_submission
    from motcua.dossiers import services as dossiers
    from motcua.identity.actors import Role, citizen_actor
    from motcua.notifications import services
    from motcua.notifications.models import Delivery, Message

    print(f"motcua notifications benchmark — {os.cpu_count()} CPUs, PostgreSQL {connection.pg_version // 10000}, "
          f"SMTP server in its own process")

    # 1. recording: actions → outbox → messages and deliveries
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    citizen = citizen_actor("001090012345", "Nguyễn Văn An", 2)
    codes = [dossiers.submit(sample_submission(spec, applicant_email="an@example.vn"), citizen)[0].code
             for _ in range(args.dossiers)]
    while outbox.drain():
        pass
    receiver = official_actor(dossiers.get_dossier(codes[0]).agency.code, Role.RECEIVER)
    for code in codes:
        dossiers.act(code, "receive", receiver)
    before = Message.objects.order_by("-id").values_list("id", flat=True).first() or 0
    started = time.perf_counter()
    while outbox.drain(limit=100):
        pass
    elapsed = time.perf_counter() - started
    recorded = Message.objects.filter(id__gt=before).count()
    print(f"{'recording (drain: consumer renders, records)':<44} {args.dossiers / elapsed:>8,.0f} events/s   "
          f"({recorded:,} messages, {Delivery.objects.filter(message_id__gt=before).count():,} deliveries: "
          f"inbox and e-mail)")
    Delivery.objects.all().delete()
    Message.objects.all().delete()

    # 2. sending
    messages = Message.objects.bulk_create([
        Message(event_id=n + 1, topic="dossier.changed", kind="received", recipient=f"citizen:0010{n:08d}",
                subject_vi=f"Hồ sơ H01-260101-{n:04d} đã được tiếp nhận", subject_en="Dossier received",
                body_vi="Kính gửi ông/bà,\n\nHồ sơ đã được tiếp nhận.\n" * 4, body_en="Dear citizen,\n" * 4)
        for n in range(args.messages)])
    Delivery.objects.bulk_create([Delivery(message=m, channel="email", address=f"nguoi{m.event_id}@example.vn")
                                  for m in messages])
    total_sent = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for round_number in range(1, args.rounds + 1):
        Delivery.objects.update(status="pending", attempts=0, sent_at=None, worker="")
        started = time.perf_counter()
        if args.profile and round_number == 1:
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                report = services.send_all()
            pstats.Stats(profile).sort_stats("tottime").print_stats(12)
        else:
            report = services.send_all()
        elapsed = time.perf_counter() - started
        total_sent += report.sent
        print(f"{f'sending, 1 worker in-process, round {round_number}':<44} {report.sent / elapsed:>8,.0f} /s   "
              f"({report.sent:,} sent in {elapsed:.1f} s, {report.failed + report.retried} not)")

        Delivery.objects.update(status="pending", attempts=0, sent_at=None, worker="")
        started = time.perf_counter()
        workers = [subprocess.Popen([sys.executable, "-m", "motcua.cli", "notifications", "send", "--once"],
                                    env=env, stdout=subprocess.DEVNULL, cwd=ROOT) for _ in range(args.processes)]
        for worker in workers:
            assert worker.wait(600) == 0
        elapsed = time.perf_counter() - started
        sent = Delivery.objects.filter(status="sent").count()
        total_sent += sent
        print(f"{f'sending, {args.processes} worker processes, round {round_number}':<44} {sent / elapsed:>8,.0f} /s   "
              f"({sent:,} sent in {elapsed:.1f} s, start-up of the processes included)")
    return total_sent


if __name__ == "__main__":
    main()
