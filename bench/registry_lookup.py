"""Base-registry benchmark: synthetic generator speed, then pre-fill latency on PostgreSQL.

    python bench/registry_lookup.py [--people 1000000] [--lookups 2000]

Creates a throwaway PostgreSQL database, generates --people synthetic people (households, events,
businesses, documents) and prints people/s; then, for random existing people, times
  - one registry lookup through the logged entry point (population, then residence), and
  - the whole pre-filled submission page (login session, 3 registry reads, form rendering),
and prints p50/p99. It prints figures; it asserts nothing. Targets: lookup p99 < 5 ms and page p99 < 30 ms
on 10 M people (run with --people 10000000).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

from throwaway import throwaway_database


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:6.2f} ms   p90 {q[89] * 1000:6.2f} ms   p99 {q[98] * 1000:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()

    with throwaway_database("registry"):
        from django.db import connection
        from django.test import Client

        from motcua.core.progress import ProgressBar
        from motcua.identity.actors import Actor
        from motcua.identity.callers import CITIZEN_SESSION_KEY
        from motcua.registries.access import Purpose, read_person
        from motcua.registries.synthetic import generate

        print(f"motcua registry benchmark — {os.cpu_count()} CPUs, PostgreSQL, {args.people:,} people")
        started = time.perf_counter()
        bar = ProgressBar(sys.stderr, "people")
        written = generate(args.people, seed=1, progress=bar)
        bar.close()
        elapsed = time.perf_counter() - started
        print(f"{'generator':<28} {written / elapsed:>10,.0f} people/s ({written:,} people in {elapsed:,.0f} s)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT id_number, full_name FROM registries_person TABLESAMPLE SYSTEM (1) LIMIT %s",
                           [args.lookups])
            people = cursor.fetchall()

        # As a server process would be after start-up: long-lived objects out of the collector's way.
        gc.collect()
        gc.freeze()
        for registry in ("population", "residence"):
            samples = []
            for id_number, name in people:
                reader = Actor("citizen", id_number, name)
                t = time.perf_counter()
                read_person(registry, id_number, reader, Purpose("Điền sẵn biểu mẫu", "1.001193"))
                samples.append(time.perf_counter() - t)
            print(f"{'lookup + access log: ' + registry:<28} {percentiles(samples)}")

        client = Client()
        samples = []
        for id_number, name in people[: max(200, args.lookups // 4)]:
            session = client.session
            session[CITIZEN_SESSION_KEY] = {"id_number": id_number, "name": name, "eid_level": 2}
            session.save()
            t = time.perf_counter()
            response = client.get("/thu-tuc/1.001193/nop/")
            samples.append(time.perf_counter() - t)
            assert response.status_code == 200
        print(f"{'whole pre-filled page':<28} {percentiles(samples)}")
        print("targets: lookup p99 < 5 ms, page p99 < 30 ms (on 10 M people)")
        connection.close()


if __name__ == "__main__":
    main()
