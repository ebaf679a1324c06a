"""Exchange benchmark: signed calls end to end, and the message log's verification.

    python bench/exchange.py [--seconds 20] [--clients 8] [--workers 2] [--service population.person]
                             [--log-entries 1000000]

Creates a throwaway PostgreSQL database (migrated, seeded), registers two systems with keys from the
development CA (RSA-2048), gives the consumer a right, and starts gunicorn as the provider. This process is the
consumer: --clients threads call the provider through ``exchange.services.call`` for --seconds, each call
signed (RFC 9421), sent, checked at the provider (certificate, signature, clock, rights, replay), answered by
the service, logged and signed by the provider, then the answer checked and logged by the consumer. Both ends
share the machine (and the database), so the figures are for the whole exchange on it. Then --log-entries
message-log entries are appended (chained, in bulk) and ``exchange verify-log``'s walk is timed. It prints
figures; it asserts nothing. Run it on 2 cores with ``taskset -c 0,1``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time

from http_load import server
from throwaway import ROOT, throwaway_database

PROVIDER, CONSUMER = "BCA.dancu", "HN.motcua"
BASIS = "47/2020/ND-CP"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--service", default="population.person", choices=["population.person", "exchange.allowed"])
    parser.add_argument("--log-entries", type=int, default=1_000_000)
    args = parser.parse_args()
    with throwaway_database("exchange", MOTCUA_EXCHANGE_SYSTEM=CONSUMER,
                            MOTCUA_EXCHANGE_DIRECTORY_REFRESH_SECONDS="5"):
        run(args)


def setup(address: str) -> None:
    from motcua.exchange import directory, keys, members, published

    members.add_member("BCA", "Bộ Công an", kind="ministry")
    members.add_member("HN", "UBND Thành phố Hà Nội", kind="province")
    for ident in (PROVIDER, CONSUMER):
        key = keys.local_key(ident)
        members.add_system(ident, ident, address, directory.pem(key.certificate))
    members.add_anchor(directory.pem(keys.local_key(PROVIDER).chain[1]))
    members.add_service(PROVIDER, "population.person", "Thông tin công dân",
                        request_schema=published.REQUEST_SCHEMA, response_schema=published.RESPONSE_SCHEMA)
    members.add_service(PROVIDER, "exchange.allowed", "Dịch vụ được phép")
    members.grant(CONSUMER, PROVIDER, "population.person", {"prefill": BASIS})


def load(args, people: list[str]) -> dict:
    from django.db import connections

    from motcua.exchange import services

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + args.seconds

    def client(n: int) -> None:
        mine, failed = [], []
        i = n
        while time.perf_counter() < deadline:
            payload = {"id_number": people[i % len(people)]} if args.service == "population.person" else {}
            started = time.perf_counter()
            try:
                services.call(PROVIDER, args.service, payload, services.Purpose("prefill", BASIS, "procedure:1.001193"))
            except Exception as exc:  # noqa: BLE001 — counted, and the first few shown
                failed.append(repr(exc))
            mine.append(time.perf_counter() - started)
            i += args.clients
        connections.close_all()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"calls": len(latencies), "errors": len(errors), "first_errors": errors[:3], "rate": len(latencies) / elapsed,
            "p50_ms": q[49] * 1000, "p90_ms": q[89] * 1000, "p99_ms": q[98] * 1000, "max_ms": max(latencies) * 1000}


def signing_costs() -> dict:
    from motcua.exchange import keys, protocol

    key = keys.local_key(CONSUMER)
    base = b'"@method": POST\n' * 8
    n = 500
    started = time.perf_counter()
    for _ in range(n):
        signature = key.sign(base)
    sign_ms = (time.perf_counter() - started) / n * 1000
    public = key.certificate.public_key()
    started = time.perf_counter()
    for _ in range(n):
        protocol.verify_signature(public, key.alg, base, signature)
    verify_ms = (time.perf_counter() - started) / n * 1000
    # the protocol's other algorithm, for comparison: an ECDSA P-256 key signs the same base
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    p256 = ec.generate_private_key(ec.SECP256R1())
    started = time.perf_counter()
    for _ in range(n):
        der = p256.sign(base, ec.ECDSA(hashes.SHA256()))
    p256_sign_ms = (time.perf_counter() - started) / n * 1000
    started = time.perf_counter()
    for _ in range(n):
        protocol.verify_signature(p256.public_key(), "ecdsa-p256-sha256", base,
                                  protocol.raw_signature("ecdsa-p256-sha256", der))
    return {"alg": key.alg, "sign_ms": round(sign_ms, 3), "verify_ms": round(verify_ms, 3),
            "ecdsa_p256_sign_ms": round(p256_sign_ms, 3),
            "ecdsa_p256_verify_ms": round((time.perf_counter() - started) / n * 1000, 3)}


def log_verification(entries: int) -> dict:
    from django.utils import timezone

    from motcua.exchange import services
    from motcua.exchange.models import MessageLog

    already = MessageLog.objects.count()
    batch, started, now = 20_000, time.perf_counter(), timezone.now()
    for first in range(0, entries, batch):
        MessageLog.objects.bulk_create([MessageLog(
            stream=f"provider:{CONSUMER}:{i % 8}", role="provider", message_id=f"bench-{i:012d}-0000",
            consumer=CONSUMER, provider=PROVIDER, service="population.person", purpose="prefill",
            legal_basis=BASIS, case="procedure:1.001193", request_digest="0" * 64, response_digest="1" * 64,
            status=200, outcome="ok", at=now) for i in range(first, min(first + batch, entries))])
    appended = time.perf_counter() - started
    started = time.perf_counter()
    report = services.verify_log()
    walked = time.perf_counter() - started
    return {"entries": report.entries, "appended_s": appended, "verify_s": walked,
            "per_second": report.entries / walked, "problems": len(report.problems), "before": already}


def run(args) -> None:
    from motcua.registries.models import Person

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MOTCUA_EXCHANGE_SYSTEM": PROVIDER}
    print(f"motcua exchange benchmark — {os.cpu_count()} CPUs visible, provider: gunicorn {args.workers} workers; "
          f"consumer: this process, {args.clients} threads; service {args.service}")
    people = list(Person.objects.values_list("id_number", flat=True)[:300])
    with server(env, args.workers, 1) as url:
        setup(url)
        print("signing:", signing_costs())
        warm = argparse.Namespace(**{**vars(args), "seconds": 3})
        load(warm, people)
        result = load(args, people)
        print(f"signed calls: {result['calls']} in {args.seconds}s = {result['rate']:.0f}/s, "
              f"p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
              f"max {result['max_ms']:.1f} ms, errors {result['errors']} {result['first_errors']}")
    if args.log_entries:
        figures = log_verification(args.log_entries)
        print(f"message log: {figures['entries']:,} entries (+{figures['before']:,} from the run) appended in "
              f"{figures['appended_s']:.0f} s; verify-log walked them in {figures['verify_s']:.1f} s "
              f"({figures['per_second']:,.0f} entries/s), {figures['problems']} problems")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
