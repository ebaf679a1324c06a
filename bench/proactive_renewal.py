"""Proactive services benchmark: the daily identity-card renewal job on a large population registry.

    python bench/proactive_renewal.py [--people 10000000] [--date 2026-12-07]

Creates a throwaway PostgreSQL database, loads --people living people with birth dates spread evenly over 90
years (PostgreSQL COPY, with a progress bar), a tenth of them holding an identity card, then runs the daily job
(`motcua proactive daily`) twice for the same day and prints wall time, people in the window, offers made and
rows/s, and the query plan of one milestone's birth-date range (the index must be used). It asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta

from throwaway import throwaway_database

BATCH = 200_000


def load(people: int, seed: int = 7) -> None:
    from django.db import connection

    from motcua.core.progress import ProgressBar

    draw = random.Random(seed)
    first = date(1936, 1, 1).toordinal()
    span = date(2026, 12, 31).toordinal() - first
    bar = ProgressBar(sys.stderr, "people")
    cards = []
    with connection.cursor() as cursor:
        raw = cursor.connection
        for start in range(0, people, BATCH):
            with raw.cursor().copy("COPY registries_person (id_number, full_name, birth_date, birth_province, sex, "
                                   "father_id_number, mother_id_number, household_code, permanent_commune, "
                                   "permanent_address, temporary_commune, temporary_address, marital_status, "
                                   "death_place, version, updated_at) FROM STDIN") as copy:
                for n in range(start, min(people, start + BATCH)):
                    born = date.fromordinal(first + draw.randrange(span))
                    number = f"9{n:011d}"  # not a real province: never collides with the seeded people
                    copy.write_row((number, f"Người thử {n}", born, "001", "MF"[n % 2], "", "", "", "", "", "", "",
                                    "", "", 1, "2026-01-01 00:00+00"))
                    if n % 10 == 0:  # a tenth hold a card, issued at a random age
                        issued = born + timedelta(days=draw.randrange(6 * 365, 70 * 365))
                        if issued < date(2026, 12, 1):
                            cards.append((number, "the_can_cuoc", f"C{n}", issued, "", "{}"))
            raw.commit()
            bar(min(people, start + BATCH), people)
        bar.close()
        with raw.cursor().copy("COPY registries_helddocument (owner_id_number, doc_type, number, issued_on, "
                               "issuer_agency, data) FROM STDIN") as copy:
            for row in cards:
                copy.write_row(row)
        raw.commit()
        cursor.execute("ANALYZE registries_person")
        cursor.execute("ANALYZE registries_helddocument")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 12, 7))
    args = parser.parse_args()

    with throwaway_database("proactive", MOTCUA_OUTBOX_INLINE="0"):
        from django.db import connection

        from motcua.core.progress import ProgressBar
        from motcua.proactive.milestones import birth_dates_reaching
        from motcua.proactive.models import Offer
        from motcua.proactive.services import run_daily

        started = time.perf_counter()
        load(args.people)
        loaded = time.perf_counter() - started
        print(f"motcua proactive benchmark — PostgreSQL, {args.people:,} people")
        print(f"{'load (COPY)':<24} {args.people / loaded:>12,.0f} people/s ({loaded:,.0f} s)")
        low, high = birth_dates_reaching(40, args.date, args.date + timedelta(days=30))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) SELECT id_number, birth_date FROM registries_person "
                           "WHERE birth_date BETWEEN %s AND %s AND deceased_on IS NULL", [low, high])
            print("query plan of one milestone's range (40):")
            for (line,) in cursor.fetchall():
                print("   ", line)
        for attempt in ("first run", "same day again"):
            bar = ProgressBar(sys.stderr, "ranges")
            report = run_daily(args.date, progress=bar)
            bar.close()
            print(f"{attempt:<24} {report.seconds:>8.2f} s  {report.people:>9,} people in the window  "
                  f"{report.offers:>9,} offers  {report.people / report.seconds:>10,.0f} people/s  "
                  f"{report.queries} range queries")
        print(f"{'offers stored':<24} {Offer.objects.count():>12,}")


if __name__ == "__main__":
    main()
