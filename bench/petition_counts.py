"""Petition (PAKN) figures of the service index: the per-agency monthly tally against a naive GROUP BY over the
petitions.

    python bench/petition_counts.py [--petitions 1000000] [--repeat 20]

Creates a throwaway PostgreSQL database, seeds agencies and the catalog, then generates --petitions petitions
(COPY) over the current year, at commune and province agencies weighted towards the two big cities: 85 %
answered (8 % of those late), 70 % of the answers rated, the rest open (some past their due date). It builds the
tallies the services keep (received and answered per scope and month; unanswered per due date), ANALYZEs, and times the petition figures of
  - the national headline and the ranking of the 34 provinces,
  - one province's communes, and
  - every agency (the widest level),
through ``petitions.services.counts_by_scope`` (what the dashboard calls), against the same figures computed
by a GROUP BY over the petition table. Target: a few milliseconds, far below the dashboard's 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from throwaway import throwaway_database


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return samples


def show(label: str, samples: list[float]) -> float:
    q = statistics.quantiles(samples, n=20) if len(samples) >= 2 else [samples[0]] * 19
    median = statistics.median(samples)
    print(f"{label:<52} p50 {median * 1000:9.2f} ms   p95 {q[18] * 1000:9.2f} ms", flush=True)
    return median


def generate(total: int, seed: int = 11) -> None:
    from django.db import connection

    from motcua.catalog.models import Agency

    rng = random.Random(seed)
    agencies = list(Agency.objects.exclude(level="ministry").values_list("id", "province_code", "commune_code"))
    weights = list(itertools.accumulate(3 if province in ("01", "79") else 1 for _, province, _ in agencies))
    year_start = datetime(datetime.now(UTC).year, 1, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    span = (now - year_start).total_seconds()
    columns = ("code", "kind", "about", "agency_id", "province_code", "commune_code", "sender_id_number", "sender_name",
               "sender_organization", "sender_email", "sender_phone", "subject", "content", "may_publish",
               "received_at", "month", "due_on", "answer", "answered_at", "answered_by", "answered_on_time",
               "satisfied", "rated_at")
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.connection.cursor().copy(
            f"COPY petitions_petition ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(total):
                agency, province, commune = rng.choices(agencies, cum_weights=weights)[0]
                received = year_start + timedelta(seconds=rng.random() * span)
                due = (received + timedelta(days=14)).date()
                answered = on_time = satisfied = rated = None
                if rng.random() < 0.85:
                    late = rng.random() < 0.08
                    answered = min(now, received + timedelta(days=20 if late else rng.random() * 13))
                    on_time = answered.date() <= due
                    if rng.random() < 0.7:
                        rated, satisfied = answered + timedelta(hours=5), rng.random() < 0.8
                copy.write_row((
                    f"PAKN-B{i:09d}", "feedback", "agency", agency, province, commune, "001090012345", "Nguyễn Văn An",
                    "", "", "", "Phản ánh", "Nội dung", i % 3 == 0, received, received.date().replace(day=1), due,
                    "Trả lời" if answered else "", answered, "bench" if answered else "", on_time, satisfied, rated))
    print(f"generated {total:,} petitions in {time.perf_counter() - started:,.0f} s", flush=True)


# level: (scope, parent, filter) over the petitions joined to their agency, as the services tally them
TALLY_LEVELS = {"N": ("''", "''", "TRUE"), "P": ("p.province_code", "''", "p.province_code <> ''"),
                "C": ("p.commune_code", "p.province_code", "p.commune_code <> ''"),
                "A": ("a.code", "p.province_code", "TRUE")}


def build_tallies() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for level, (scope, parent, where) in TALLY_LEVELS.items():
            cursor.execute(f"""
                INSERT INTO petitions_petitiontally (level, scope, parent, month, received, answered,
                                                     answered_on_time, rated, satisfied)
                SELECT '{level}', {scope}, {parent}, p.month, COUNT(*), COUNT(p.answered_at),
                       COUNT(*) FILTER (WHERE p.answered_on_time), COUNT(p.rated_at),
                       COUNT(*) FILTER (WHERE p.satisfied)
                FROM petitions_petition p JOIN catalog_agency a ON a.id = p.agency_id WHERE {where}
                GROUP BY 2, 3, 4""")
            cursor.execute(f"""
                INSERT INTO petitions_petitionopendue (level, scope, parent, month, due_on, count)
                SELECT '{level}', {scope}, {parent}, p.month, p.due_on, COUNT(*)
                FROM petitions_petition p JOIN catalog_agency a ON a.id = p.agency_id
                WHERE {where} AND p.answered_at IS NULL GROUP BY 2, 3, 4, 5""")
        cursor.execute("ANALYZE")


def naive(column: str, first, last, today) -> list:
    """The same figures from the petitions themselves."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT {column}, COUNT(*), COUNT(*) FILTER (WHERE answered_on_time OR (answered_at IS NULL
                   AND due_on >= %s)), COUNT(rated_at), COUNT(*) FILTER (WHERE satisfied)
            FROM petitions_petition WHERE month BETWEEN %s AND %s GROUP BY 1""", [today, first, last])
        return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--petitions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    with throwaway_database("petitions"):
        from django.db import transaction
        from django.utils import timezone

        from motcua.metrics.queries import Period
        from motcua.petitions.models import PetitionTally
        from motcua.petitions.services import counts_by_scope

        print(f"motcua petition figures benchmark — {os.cpu_count()} CPUs, PostgreSQL, {args.petitions:,} petitions")
        with transaction.atomic():
            generate(args.petitions)
            build_tallies()
        print(f"tally rows: {PetitionTally.objects.count():,}")
        period, today = Period("year", timezone.localdate().year), timezone.localdate()
        first, last = period.first_month, period.last_month
        national = counts_by_scope("N", first, last, today=today)[""]
        assert naive("''", first, last, today)[0][1:] == (national.received, national.on_time, national.rated,
                                                          national.satisfied)
        cases = [
            ("national headline", lambda: counts_by_scope("N", first, last, today=today), "''"),
            ("34 provinces", lambda: counts_by_scope("P", first, last, today=today), "province_code"),
            ("communes of Hà Nội", lambda: counts_by_scope("C", first, last, parent="01", today=today),
             "commune_code"),
            ("every agency", lambda: counts_by_scope("A", first, last, today=today), "agency_id"),
        ]
        for label, tallied, column in cases:
            fast = show(f"{label}: tally", timed(tallied, args.repeat))
            slow = show(f"{label}: GROUP BY over the petitions",
                        timed(lambda column=column: naive(column, first, last, today), max(3, args.repeat // 4)))
            print(f"{'':<52} {slow / fast:,.0f}× faster", flush=True)


if __name__ == "__main__":
    main()
