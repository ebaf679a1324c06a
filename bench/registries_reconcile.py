"""Reconciliation benchmark: a ministry's dataset linked to the population registry, quality and speed.

    python bench/registries_reconcile.py [--people 10000000] [--records 1000000] [--engines duckdb,spark]
                                         [--spark-people N] [--spark-records N]

Creates a throwaway PostgreSQL database (where the runs and findings are written), streams --people synthetic
people from the registry generator into a Parquet snapshot of the population registry (the form a national
registry is handed over in; generating 10 M people into PostgreSQL first would add 12 minutes and measure the
generator, see registry_lookup.py) and, from every (people / records)-th of them, a social-insurance dataset of
--records records with known truth and the generator's controlled errors (typos, diacritics stripped, swapped
day/month, missing, wrong or old 9-digit ID numbers, pre-2025 and stale addresses, duplicates, strangers).
Then it reconciles the dataset through the service (``registries.reconciliation.reconcile``: read and check the
file, normalize the registry, train and link, classify, write the run and its findings in one transaction) on
each engine, and prints per stage the wall time, the records/s, the peak memory of this process (DuckDB runs
inside it) and of Spark's JVM, and the precision and recall against the known truth. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from throwaway import throwaway_database


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mib() -> float:
    """The largest high-water mark of this process's children (Spark's JVM), read before they end."""
    peak = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(os.getpid()) and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]) / 1024)
    return peak


def make_data(folder: Path, people: int, records: int, seed: int) -> tuple[Path, Path]:
    """The registry snapshot (Parquet) and the dataset (CSV with its mapping), in one pass of the generator."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from motcua.core.progress import ProgressBar
    from motcua.registries import synthetic_datasets
    from motcua.registries.synthetic import Generator

    snapshot, dataset = folder / "population.parquet", folder / "bhxh.csv"
    step = max(1, people // records)
    chosen: list[dict] = []
    schema = pa.schema([("id_number", pa.string()), ("full_name", pa.string()), ("birth_date", pa.date32()),
                        ("sex", pa.string()), ("permanent_commune", pa.string())])
    bar = ProgressBar(sys.stderr, "people")
    made = 0
    with pq.ParquetWriter(snapshot, schema) as out:
        for batch in Generator(seed=seed).batches(people, batch_size=100_000):
            rows = batch.people
            out.write_table(pa.table({name: [p[name] for p in rows] for name in schema.names}, schema=schema))
            chosen.extend({k: p[k] for k in ("id_number", "full_name", "birth_date", "sex", "permanent_commune",
                                             "permanent_address")} for p in rows[made % step::step])
            made += len(rows)
            bar(made, people)
    bar.close()
    written = synthetic_datasets.write(synthetic_datasets.MinistryDataset(seed=seed + 1).records(chosen, records),
                                       dataset, "csv", "bhxh-bench")
    print(f"data: {made:,} registry people (Parquet {snapshot.stat().st_size / 2**20:,.0f} MiB), {written:,} "
          f"dataset records (CSV {dataset.stat().st_size / 2**20:,.0f} MiB)")
    return snapshot, dataset


def reconcile(engine: str, snapshot: Path, dataset: Path, spark=None) -> None:
    from motcua.core.progress import ProgressBar
    from motcua.registries import reconciliation, synthetic_datasets

    stages: list[tuple[str, float]] = []
    bars: dict[str, ProgressBar] = {}

    def announce(name: str) -> None:
        for bar in bars.values():
            bar.close()
        bars.clear()
        stages.append((name, time.perf_counter()))

    def stage(unit: str):
        def report(done: int, total: int) -> None:
            bars.setdefault(unit, ProgressBar(sys.stderr, unit))(done, total)
        return report

    started = time.perf_counter()
    run = reconciliation.reconcile(
        dataset, synthetic_datasets.mapping_path(dataset), "bench",
        reconciliation.Options(engine=engine, registry_snapshot=str(snapshot), spark=spark),
        reconciliation.Stages(reading=stage("bytes read"), registry=stage("registry people"),
                              classifying=stage("records classified"), announce=announce))
    announce("end")
    wall = time.perf_counter() - started
    print(f"\n{engine}: {run.records:,} records against the registry in {wall:,.0f} s = "
          f"{run.records / wall:,.0f} records/s; {run.pairs_scored:,} candidate pairs scored")
    for (name, at), (_, until) in zip(stages, stages[1:], strict=False):
        print(f"  {name:<12} {until - at:8.1f} s")
    print(f"  peak memory: this process {peak_mib():,.0f} MiB" +
          (f", Spark's JVM {children_peak_mib():,.0f} MiB" if spark is not None else ""))
    print(f"  outcomes: exact {run.exact:,} ({run.share(run.exact):.1%}), conflicting {run.conflicting:,} "
          f"({run.share(run.conflicting):.1%}), probable {run.probable:,} ({run.share(run.probable):.1%}), "
          f"unmatched {run.unmatched:,} ({run.share(run.unmatched):.1%}), duplicates {run.duplicates:,}")
    print(f"  quality against the known truth: precision {run.precision:.4f}, recall {run.recall:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--spark-people", type=int, help="registry size for Spark (default: --people)")
    parser.add_argument("--spark-records", type=int, help="dataset size for Spark (default: --records)")
    parser.add_argument("--spark-memory", default="8g")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]

    with throwaway_database("reconcile"), tempfile.TemporaryDirectory(prefix="motcua-bench-") as folder:
        print(f"motcua reconciliation benchmark — {os.cpu_count()} CPUs, {args.people:,} registry people, "
              f"{args.records:,} dataset records")
        data = make_data(Path(folder), args.people, args.records, args.seed)
        if "duckdb" in engines:
            reconcile("duckdb", *data)
        if "spark" in engines:
            from motcua.registries import linkage

            if (args.spark_people or args.people, args.spark_records or args.records) != (args.people, args.records):
                sub = Path(folder) / "spark"
                sub.mkdir()
                data = make_data(sub, args.spark_people or args.people, args.spark_records or args.records, args.seed)
            session = linkage.spark_session("motcua-bench", cores=os.cpu_count(), memory=args.spark_memory,
                                            scratch=folder)
            try:
                reconcile("spark", *data, spark=session)
            finally:
                session.stop()


if __name__ == "__main__":
    main()
