"""Service-index dashboard benchmark: roll-up tables against a naive GROUP BY over the dossiers.

    python bench/index_dashboard.py [--dossiers 10000000] [--repeat 20] [--keep]

Creates a throwaway PostgreSQL database, seeds agencies and the catalog, then generates --dossiers dossiers
(COPY, with a progress bar) spread realistically: provinces and communes weighted by size (the two big cities
heavier), procedures by how often people need them, 60 % online, most finished, some late, some paused, over
the current year. It builds the roll-up tables the outbox consumer maintains (the same rows, in one SQL pass per
scope level; the incremental path and the full rebuild are tested elsewhere), VACUUM ANALYZEs, and then times in one
run:
  - the national dashboard (headline + ranking of the 34 provinces with the whole index),
  - a drill-down (one province: its communes ranked, and its procedures),
  - the ministry ranking, and the ministry drill-down: the Ministry of Public Security's sectors, the residence
    sector's procedures, the provinces of the agencies deciding temporary residence, and in Ho Chi Minh City
    (168 commune police offices) the 100 busiest of them,
through the same functions the pages call, against the naive GROUP BY over the dossier table that computes
only the progress and online figures. It prints both, and the ratio. Target: < 50 ms each on PostgreSQL.

With --keep the database is kept, and the next run with --keep and the same --dossiers measures it again
without generating (at 10 M, generating and building the roll-ups take over half an hour); drop it with
``DROP DATABASE motcua_index_bench_kept``.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from throwaway import throwaway_database

# Relative demand for the bundled procedures (births, residence and ID cards dominate).
PROCEDURE_WEIGHTS = {"1.001193": 14, "1.004222": 12, "1.004194": 14, "1.014064": 10, "1.000656": 4, "1.000894": 5,
                     "2.000815": 12, "2.000635": 6, "1.004873": 5, "3.000333": 6, "3.000347": 5, "1.001612": 2,
                     "2.001610": 1, "1.007565": 1, "1.013225": 1, "1.013978": 1, "1.001776": 1, "1.014137": 3,
                     "1.014177": 1, "1.001731": 1, "1.001471": 2, "2.002352": 1, "1.002032": 1, "1.000355": 1}


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


def progress_bar(done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // total
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} dossiers  {rate:,.0f}/s")
    sys.stdout.flush()


def generate(total: int, seed: int = 7) -> None:
    from django.db import connection

    from motcua.catalog import divisions
    from motcua.catalog.models import Agency, ProcedureVersion
    from motcua.catalog.services import spec_of

    rng = random.Random(seed)
    versions = {}
    for v in ProcedureVersion.objects.select_related("procedure"):
        if v.procedure.current_version_id == v.id:
            versions[v.procedure.code] = v
    specs = {code: spec_of(v) for code, v in versions.items()}
    agencies = {(a.agency_type, a.province_code, a.commune_code): a.id
                for a in Agency.objects.only("id", "agency_type", "province_code", "commune_code")}
    communes = list(divisions.communes().values())
    # bigger provinces have more communes; the two big cities get a further boost
    weights = [3 if c.province_code in ("01", "79") else 1 for c in communes]
    codes = list(PROCEDURE_WEIGHTS)
    proc_weights = [PROCEDURE_WEIGHTS[c] for c in codes]
    year_start = datetime(datetime.now(UTC).year, 1, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    span = (now - year_start).total_seconds()
    table = "dossiers_dossier"
    columns = ("code", "procedure_version_id", "channel", "applicant_id_number", "applicant_name", "applicant_phone",
               "applicant_email", "commune_code", "province_code", "form_data", "evidence", "provenance",
               "competent_agency_id", "submitted_at", "request_digest", "status", "agency_id", "step", "due_date",
               "appointment_date", "received_at", "finished_at", "paused", "version", "applicant_kind",
               "filer_id_number", "filer_name", "filed_as", "mandate")
    started = time.perf_counter()
    batch = 200_000
    with connection.cursor() as cursor:
        raw = cursor.connection
        for offset in range(0, total, batch):
            n = min(batch, total - offset)
            with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for i in range(offset, offset + n):
                    commune = rng.choices(communes, weights)[0] if i % 7 else communes[i % len(communes)]
                    code = rng.choices(codes, proc_weights)[0]
                    spec = specs[code]
                    key = (spec.agency_type, commune.province_code, commune.code if spec.level == "commune" else "")
                    agency = (agencies.get(key) or agencies.get((spec.agency_type, commune.province_code, ""))
                              or agencies[(spec.agency_type, "", "")])  # a ministry's department
                    submitted = year_start + timedelta(seconds=rng.random() * span)
                    received = submitted + timedelta(hours=rng.random() * 30)
                    due = (received + timedelta(days=spec.statutory_days * 1.4 + 1)).date()
                    roll = rng.random()
                    finished = None
                    status = 4
                    if roll < 0.82 and received < now:
                        late = rng.random() < 0.06
                        finished = received + timedelta(days=(spec.statutory_days * 1.4 + 1) * (1.3 if late else
                                                                                                 rng.random()))
                        finished = min(finished, now)
                        status = 10 if rng.random() < 0.7 else 9
                    elif roll < 0.86:
                        status = 5
                    elif roll < 0.87:
                        status = 3
                        finished = received
                    online = rng.random() < 0.6
                    copy.write_row((
                        f"B{i:09d}", versions[code].id, "online" if online else "counter",
                        "001090012345", "Nguyễn Văn An", "", "", commune.code if spec.level == "commune" else "",
                        commune.province_code, "{}", "[]", "{}", agency, submitted, "", status, agency, 1, due, due,
                        received, finished, status == 5, 2, "person", "001090012345" if online else "officer",
                        "Nguyễn Văn An" if online else "", "self" if online else "assisted", ""))
            progress_bar(offset + n, total, started)
    print(f"\ngenerated {total:,} dossiers in {time.perf_counter() - started:,.0f} s", flush=True)


ROLLUP_LEVELS = {
    # level: (scope expression, parent expression, extra filter); m.code: each ministry the dossier counts for
    "N": ("''", "''", "TRUE"),
    "P": ("d.province_code", "''", "d.province_code <> ''"),
    "C": ("d.commune_code", "d.province_code", "d.commune_code <> ''"),
    "A": ("a.code", "a.province_code", "TRUE"),
    "F": ("p.code", "''", "TRUE"),
    "PF": ("d.province_code || '|' || p.code", "d.province_code", "d.province_code <> ''"),
    "CF": ("d.commune_code || '|' || p.code", "d.commune_code", "d.commune_code <> ''"),
    "AF": ("a.code || '|' || p.code", "a.code", "TRUE"),
    "M": ("m.code", "''", "TRUE"),
    "MS": ("m.code || '|' || p.sector_code", "m.code", "TRUE"),
    "MF": ("m.code || '|' || p.code", "m.code || '|' || p.sector_code", "TRUE"),
    "MP": ("m.code || '|' || p.code || '|' || COALESCE(NULLIF(a.province_code, ''), 'TW')", "m.code || '|' || p.code",
           "TRUE"),
    "MA": ("m.code || '|' || p.code || '|' || a.code",
           "m.code || '|' || p.code || '|' || COALESCE(NULLIF(a.province_code, ''), 'TW')", "TRUE"),
}


def ministries_join() -> str:
    """One row per ministry a dossier counts for: its procedure's governing ministry and the ministry whose unit
    the deciding agency is (as ``catalog.services.ministries_of``), from the agency types' data."""
    from motcua.catalog.services import agency_types

    units = " ".join(f"WHEN '{key}' THEN '{t['ministry']}'" for types in agency_types().values()
                     for key, t in types.items() if t.get("ministry"))
    return (" CROSS JOIN LATERAL (SELECT DISTINCT code FROM unnest(ARRAY[v.definition -> 'ministry' ->> 'code', "
            f"CASE a.agency_type {units} END]) AS code WHERE code <> '') m")
# Synthetic per-dossier flags for what lives outside the dossier table (fees, payments, results, ratings).
FLAGS = {
    "received": "1",  # summed: COUNT(*)
    "online": "(d.channel = 'online')::int",
    "finished": "(d.finished_at IS NOT NULL)::int",
    "finished_on_time": "(d.finished_at IS NOT NULL AND (d.finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date "
                        "<= d.due_date)::int",
    "has_fee": "(d.id % 10 < 3)::int",
    "paid_online": "(d.id % 10 < 3 AND d.channel = 'online' AND d.id % 3 > 0)::int",
    "paid_online_amount": "CASE WHEN d.id % 10 < 3 AND d.channel = 'online' AND d.id % 3 > 0 THEN 50000 ELSE 0 END",
    "paid_amount": "CASE WHEN d.id % 10 < 3 THEN 50000 ELSE 0 END",
    "digitized": "(d.channel = 'online' OR d.id % 4 = 0)::int",
    "reused": "(d.id % 5 < 3)::int",
    "eid_verified": "(d.channel = 'online')::int",
    "approved": "(d.status IN (9, 10))::int",
    "result_electronic": "(d.status IN (9, 10) AND d.id % 20 > 0)::int",
    "result_in_wallet": "(d.status IN (9, 10) AND d.id % 20 > 0)::int",
    "rated": "(d.status = 10 AND d.id % 4 = 0)::int",
    "dissatisfied": "(d.status = 10 AND d.id % 4 = 0 AND d.id % 50 = 0)::int",
    "synced": "(d.id % 20 > 0)::int",  # acknowledged by the national portal
}


def build_rollups() -> None:
    from django.db import connection

    started = time.perf_counter()
    names = ", ".join(FLAGS)
    sums = ", ".join(f"SUM({expr})" for expr in FLAGS.values())
    month = "date_trunc('month', d.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    joins = ("FROM dossiers_dossier d JOIN catalog_agency a ON a.id = d.competent_agency_id "
             "JOIN catalog_procedureversion v ON v.id = d.procedure_version_id "
             "JOIN catalog_procedure p ON p.id = v.procedure_id")
    with connection.cursor() as cursor:
        for level, (scope, parent, where) in ROLLUP_LEVELS.items():
            source = joins + (ministries_join() if level.startswith("M") else "")
            cursor.execute(f"""
                INSERT INTO metrics_kpicounter (level, scope, parent, month, {names})
                SELECT '{level}', {scope}, {parent}, {month}, {sums} {source} WHERE {where} GROUP BY 2, 3, 4""")
            cursor.execute(f"""
                INSERT INTO metrics_kpiopendue (level, scope, parent, month, due_date, count)
                SELECT '{level}', {scope}, {parent}, {month},
                       CASE WHEN d.status = 5 THEN DATE '9999-12-31' ELSE d.due_date END, COUNT(*)
                {source} WHERE {where} AND d.finished_at IS NULL GROUP BY 2, 3, 4, 5""")
            print(f"  roll-up level {level:<2} built ({time.perf_counter() - started:,.0f} s)", flush=True)
    print(f"roll-up tables built in {time.perf_counter() - started:,.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database, or measure the one kept before")
    args = parser.parse_args()

    with throwaway_database("index", keep=args.keep) as new:
        from django.db import connection, transaction
        from django.utils import timezone

        from motcua.dossiers.models import Dossier
        from motcua.metrics import queries
        from motcua.metrics.queries import Period

        print(f"motcua index benchmark — {os.cpu_count()} CPUs, PostgreSQL, {args.dossiers:,} dossiers")
        if new:
            with transaction.atomic():
                generate(args.dossiers)
            build_rollups()
        elif (kept := Dossier.objects.count()) != args.dossiers:
            sys.exit(f"the kept database holds {kept:,} dossiers, not {args.dossiers:,}: drop it or ask for those")
        else:
            print("measuring the kept database (generated by an earlier run)")
        with connection.cursor() as cursor:
            # As autovacuum leaves the tables in a deployment: statistics, and the visibility map that lets a
            # drill-down read the roll-ups' covering index alone.
            cursor.execute("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM metrics_kpicounter")
            rows = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('dossiers_dossier')), "
                           "pg_size_pretty(pg_total_relation_size('metrics_kpicounter'))")
            sizes = cursor.fetchone()
        print(f"dossier table {sizes[0]}; roll-up table {rows:,} rows, {sizes[1]}")

        period = Period.parse("year", None, None)
        start = datetime(period.year, 1, 1, tzinfo=UTC) - timedelta(hours=7)
        end = datetime(period.year + 1, 1, 1, tzinfo=UTC) - timedelta(hours=7)
        today = timezone.localdate()

        def national():
            queries.headline("N", "", period)
            rows = queries.ranking("P", period)
            assert len(rows) == 34, len(rows)

        def drill_down():
            assert queries.ranking("C", period, parent="01")
            assert queries.ranking("PF", period, parent="01")

        naive_sql = """
            SELECT {group}, COUNT(*), SUM((channel = 'online')::int), SUM((finished_at IS NOT NULL)::int),
                   SUM((finished_at IS NOT NULL AND (finished_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                        <= due_date)::int),
                   SUM((finished_at IS NULL AND (status = 5 OR due_date >= %s))::int)
            FROM dossiers_dossier WHERE submitted_at >= %s AND submitted_at < %s {where} GROUP BY {group}"""

        def naive_national():
            with connection.cursor() as cursor:
                cursor.execute(naive_sql.format(group="province_code", where=""), [today, start, end])
                assert len(cursor.fetchall()) == 34

        def naive_drill_down():
            with connection.cursor() as cursor:
                cursor.execute(naive_sql.format(group="commune_code", where="AND province_code = '01'"),
                               [today, start, end])
                cursor.fetchall()
                cursor.execute("""SELECT procedure_version_id, COUNT(*) FROM dossiers_dossier
                                  WHERE submitted_at >= %s AND submitted_at < %s AND province_code = '01'
                                  GROUP BY 1""", [start, end])
                cursor.fetchall()

        def ministries():
            assert len(queries.ranking("M", period)) >= 5

        def ministry_sectors():
            assert queries.ranking("MS", period, parent="BCA")

        def sector_procedures():
            assert queries.ranking("MF", period, parent="BCA|cu_tru")

        def procedure_provinces():
            assert len(queries.ranking("MP", period, parent="BCA|1.004194")) == 34

        def province_agencies():
            assert queries.ranking("MA", period, parent="BCA|1.004194|79")

        for fn in (national, drill_down, ministries, ministry_sectors, sector_procedures, procedure_provinces,
                   province_agencies):
            fn()  # warm caches (catalog, agencies) as a running server has them
        gc.collect()
        gc.freeze()  # as the server processes do after start-up (see motcua.wsgi)
        naive_repeat = max(3, min(args.repeat, 5))
        fast_n = show("dashboard, national (34 provinces, whole index)", timed(national, args.repeat))
        slow_n = show("naive GROUP BY, national (progress + online only)", timed(naive_national, naive_repeat))
        fast_d = show("dashboard, drill-down (province: communes + procedures)", timed(drill_down, args.repeat))
        slow_d = show("naive GROUP BY, drill-down", timed(naive_drill_down, naive_repeat))
        print(f"ratio naive / roll-up: national {slow_n / fast_n:,.0f}x, drill-down {slow_d / fast_d:,.0f}x")
        show("ministries ranked (governed + own units' dossiers)", timed(ministries, args.repeat))
        show("ministry → sectors (Public Security)", timed(ministry_sectors, args.repeat))
        show("sector → procedures (residence)", timed(sector_procedures, args.repeat))
        show("procedure → its 34 provinces (residence)", timed(procedure_provinces, args.repeat))
        show("province → 100 busiest of its agencies (residence, HCMC)", timed(province_agencies, args.repeat))


if __name__ == "__main__":
    main()
