import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import MotcuaError
from motcua.core.progress import ProgressBar
from motcua.registries import datasets, reconciliation
from motcua.registries.synthetic import generate


def _bar(unit: str) -> ProgressBar:
    return ProgressBar(sys.stderr, unit)


class Command(BaseCommand):
    help = ("Base registries: generate reproducible synthetic people; reconcile another agency's dataset with the "
            "population registry; digitize old civil-status books.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        g = sub.add_parser("generate", help="add synthetic people (whole households) to the registries")
        g.add_argument("--people", type=int, required=True)
        g.add_argument("--seed", type=int, default=2026)
        g.add_argument("--batch", type=int, default=20_000)

        r = sub.add_parser("reconcile", help="link another agency's dataset (CSV, JSON Lines, Parquet) to the "
                                             "population registry and record the findings")
        r.add_argument("dataset", help="the dataset file")
        r.add_argument("--mapping", help="the column mapping (YAML); default: the file's name with .yaml")
        r.add_argument("--engine", choices=("duckdb", "spark"), help="default MOTCUA_RECONCILE_ENGINE (duckdb)")
        r.add_argument("--threshold", type=float, help="match probability to link (default MOTCUA_RECONCILE_THRESHOLD)")
        r.add_argument("--registry-snapshot", help="a Parquet export of the population registry (id_number, "
                                                   "full_name, birth_date, sex, permanent_commune) instead of the "
                                                   "database")
        r.add_argument("--by", default="", help="who runs it (recorded with the run)")

        s = sub.add_parser("synthetic-dataset", help="a ministry dataset of people of the registry, with known "
                                                     "truth and controlled errors")
        s.add_argument("output", help="file to write (.csv, .jsonl or .parquet); its mapping is written beside it")
        s.add_argument("--records", type=int, required=True)
        s.add_argument("--seed", type=int, default=7)
        s.add_argument("--code", default="bhxh-synthetic", help="the dataset's code in the mapping")
        s.add_argument("--clean", action="store_true", help="no errors at all")

        e = sub.add_parser("export-findings", help="what goes back to the source agency: the conflicts on which "
                                                   "the steward found the registry right (CSV)")
        e.add_argument("run", type=int)
        e.add_argument("--output", help="CSV file (default: standard output)")

        d = sub.add_parser("digitize", help="import a transcribed civil-status book (CSV: book, page, entry, "
                                            "fields) into the civil-status register")
        d.add_argument("file")
        d.add_argument("--commune", help="commune code of the books, when the file has no commune_code column")
        d.add_argument("--by", default="")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action.replace('-', '_')}")(**options)
        except datasets.DatasetRejected as exc:
            self.stderr.write(exc.report())
            raise CommandError(f"{exc.vi}\n{exc.en}") from None
        except MotcuaError as exc:
            raise CommandError(f"{exc.vi}\n{exc.en}") from None

    def _generate(self, people, seed, batch, **_):
        if people <= 0:
            raise CommandError("--people must be positive")
        bar = _bar("people")
        written = generate(people, seed, batch, bar)
        bar.close()
        self.stdout.write(f"{written:,} people written")

    def _reconcile(self, dataset, mapping, engine, threshold, registry_snapshot, by, **_):
        mapping_file = mapping or str(Path(dataset).with_suffix(".yaml"))
        bars: dict[str, ProgressBar] = {}

        def stage(unit: str):
            def report(done: int, total: int) -> None:
                bars.setdefault(unit, _bar(unit))(done, total)
            return report

        def announce(text: str) -> None:
            for bar in bars.values():
                bar.close()
            bars.clear()
            self.stderr.write(f"… {text}")

        run = reconciliation.reconcile(
            dataset, mapping_file, by or "motcua registries reconcile",
            reconciliation.Options(engine=engine or "", threshold=threshold, registry_snapshot=registry_snapshot),
            reconciliation.Stages(reading=stage("bytes read"), registry=stage("registry people"),
                                  classifying=stage("records"), announce=announce))
        announce("done")
        self._figures(run)

    def _figures(self, run):
        self.stdout.write(f"run {run.pk} of {run.dataset.code}: {run.records:,} records, engine {run.engine}, "
                          f"threshold {run.threshold}")
        for label, count in (("exact / khớp hoàn toàn", run.exact),
                             ("conflicting / khớp, có trường khác", run.conflicting),
                             ("probable, ID wrong or missing / có thể khớp, sai hoặc thiếu số định danh", run.probable),
                             ("unmatched / không khớp", run.unmatched),
                             ("duplicates / trùng", run.duplicates)):
            self.stdout.write(f"  {label}: {count:,} ({run.share(count):.1%})")
        if run.precision is not None:
            self.stdout.write(f"  against the known truth: precision {run.precision:.4f}, recall {run.recall:.4f}")

    def _synthetic_dataset(self, output, records, seed, code, clean, **_):
        from motcua.registries import synthetic_datasets
        from motcua.registries.models import Person

        people = Person.objects.order_by("?" if records < 100_000 else "id").values(
            "id_number", "full_name", "birth_date", "sex", "permanent_commune", "permanent_address")
        fmt = datasets.EXTENSIONS.get(Path(output).suffix.lower())
        if fmt is None:
            raise CommandError("the output must end in .csv, .jsonl or .parquet")
        rates = synthetic_datasets.ErrorRates.none() if clean else None
        written = synthetic_datasets.write(
            synthetic_datasets.MinistryDataset(seed, rates).records(people.iterator(chunk_size=10_000), records),
            output, fmt, code)
        self.stdout.write(f"{written:,} records written to {output}, mapping {synthetic_datasets.mapping_path(output)}")

    def _export_findings(self, run, output, **_):
        from motcua.registries.models import DatasetRun

        found = DatasetRun.objects.select_related("dataset").filter(pk=run).first()
        if found is None:
            raise CommandError(f"no run {run}")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                self._write_export(found, out)
        else:
            self._write_export(found, self.stdout)

    @staticmethod
    def _write_export(run, out) -> None:
        writer = csv.DictWriter(out, fieldnames=reconciliation.EXPORT_COLUMNS)
        writer.writeheader()
        for row in reconciliation.export_for_source(run):
            writer.writerow(row)

    def _digitize(self, file, commune, by, **_):
        from motcua.registries import digitization

        bar = _bar("entries")
        run = digitization.digitize(file, by or "motcua registries digitize", default_commune=commune or "",
                                    progress=bar)
        bar.close()
        self.stdout.write(f"run {run.pk}: {run.records:,} entries, {run.inserted:,} written to the register "
                          f"(marked digitized, with book and page), {run.duplicates:,} probable duplicates sent to "
                          f"the data steward, {run.unmatched:,} people not found in the population registry")
