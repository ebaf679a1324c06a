"""Fee quoting benchmark: how many quotes a second the fee rules give, pure and as a dossier asks them.

    python bench/fee_quotes.py [--quotes 200000] [--dossier-quotes 20000] [--pages 2000]

Creates a throwaway PostgreSQL database seeded with the catalog and the shipped fee schedules (Hà Nội, Thành phố
Hồ Chí Minh, Đà Nẵng), then times:
  1. pure quotes (``fees.quote_rule``): a random schedule, procedure, channel, day and relief each time;
  2. the catalog's national quote (``fees.quote``), where no schedule has a rule;
  3. reading and checking a schedule file (``parse_schedule`` of a YAML file, as ``motcua fees check`` does);
  4. a dossier's quote (``fee_schedules.dossier_quote``): the schedule version current at its submission looked
     up in the database, its rule in force that day, its channel; dossiers of agencies in every province;
  5. a procedure page's rates in every province (``fee_schedules.procedure_rates``), after the round trip of a
     trivial query (``SELECT 1``) for scale.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta

from throwaway import throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quotes", type=int, default=200_000)
    parser.add_argument("--dossier-quotes", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=2_000)
    args = parser.parse_args()
    with throwaway_database("fees"):
        run(args)


def rate(label: str, count: int, seconds: float, unit: str = "quotes") -> None:
    print(f"{label:<48} {count / seconds:>12,.0f} {unit}/s   ({seconds * 1e6 / count:,.1f} µs each)")


def run(args) -> None:
    from motcua.catalog.models import Agency, Procedure
    from motcua.catalog.services import FEES_DIR, spec_of
    from motcua.dossiers.lifecycle import LOCAL_TZ
    from motcua.dossiers.models import Dossier
    from motcua.payments import fee_schedules, fees
    from motcua.payments.schedules import parse_schedule, read_yaml

    rng = random.Random(14)
    files = sorted(FEES_DIR.glob("*.yaml"))
    schedules = [parse_schedule(*read_yaml(p.read_text(encoding="utf-8"))) for p in files]
    first = date(2017, 1, 1)
    days = [first + timedelta(days=n) for n in range((date(2027, 12, 31) - first).days)]
    cases = []
    while len(cases) < 10_000:
        schedule = rng.choice(schedules)
        rule_code = rng.choice(schedule.rules).procedure
        day = rng.choice(days)
        rule = schedule.rule_in_force(rule_code, day)
        if rule is None:
            continue
        reliefs = [r.code for r in rule.reliefs_on(day)]
        cases.append((schedule, rule_code, rng.choice(["online", "counter"]), day,
                      rng.choice(["", *reliefs]) if reliefs else ""))

    start = time.perf_counter()
    for i in range(args.quotes):
        schedule, code, channel, day, relief = cases[i % len(cases)]
        fees.quote_rule(schedule, schedule.rule_in_force(code, day), channel, day, relief)
    rate("pure quote (rule in force + quote)", args.quotes, time.perf_counter() - start)

    national = spec_of(Procedure.objects.get(code="3.000333").current_version).fees
    start = time.perf_counter()
    for i in range(args.quotes):
        fees.quote(national, "online" if i % 2 else "counter")
    rate("catalog's national quote", args.quotes, time.perf_counter() - start)

    texts = [p.read_text(encoding="utf-8") for p in files]
    rounds = 200
    start = time.perf_counter()
    for i in range(rounds):
        parse_schedule(*read_yaml(texts[i % len(texts)]))
    rate("schedule file read and checked", rounds, time.perf_counter() - start, "files")

    provinces = [s.authority for s in schedules] + ["31", "92"]  # two provinces without a schedule
    agencies = [Agency.objects.filter(province_code=p, agency_type="ubnd_xa").first() for p in provinces]
    versions = [Procedure.objects.get(code=r.procedure).current_version for s in schedules for r in s.rules]
    now = datetime.now(LOCAL_TZ)
    dossiers = [Dossier(procedure_version=rng.choice(versions), channel=rng.choice(["online", "counter"]),
                        competent_agency=rng.choice(agencies), submitted_at=now - timedelta(days=rng.randrange(3000)))
                for _ in range(2_000)]
    fee_schedules.dossier_quote(dossiers[0])  # the schedules parsed once per process, as a server runs
    timings = []
    start = time.perf_counter()
    for i in range(args.dossier_quotes):
        t = time.perf_counter()
        fee_schedules.dossier_quote(dossiers[i % len(dossiers)])
        timings.append(time.perf_counter() - t)
    rate("dossier quote (schedule version from PostgreSQL)", args.dossier_quotes, time.perf_counter() - start)
    timings.sort()
    print(f"{'':<48} p50 {statistics.median(timings) * 1e3:.3f} ms, "
          f"p99 {timings[int(len(timings) * 0.99)] * 1e3:.3f} ms")

    from django.db import connection

    with connection.cursor() as cursor:
        start = time.perf_counter()
        for _ in range(2_000):
            cursor.execute("SELECT 1")
            cursor.fetchone()
        rate("baseline: SELECT 1 round trip", 2_000, time.perf_counter() - start, "queries")

    specs = [spec_of(v) for v in versions]
    start = time.perf_counter()
    for i in range(args.pages):
        fee_schedules.procedure_rates(specs[i % len(specs)])
    rate("procedure page: rates in every province", args.pages, time.perf_counter() - start, "pages")


if __name__ == "__main__":
    main()
