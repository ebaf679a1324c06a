import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from motcua.core.progress import ProgressBar
from motcua.demo.local_site import bundled_timestamps
from motcua.demo.seeding import seed_all
from motcua.demo.year import DEMO_DOSSIERS


class Command(BaseCommand):
    help = ("Create agencies for all divisions and import the bundled catalog; in the demo also its officials, "
            "e-ID accounts, registries, dossiers and a year of the country's dossiers.")

    def add_arguments(self, parser):
        parser.add_argument("--no-dossiers", action="store_true", help="skip the sample dossiers")
        parser.add_argument("--year-dossiers", type=int, default=DEMO_DOSSIERS,
                            help=f"dossiers of the last twelve months across the country, in the demo (default "
                                 f"{DEMO_DOSSIERS:,}; 0: none)")

    def handle(self, *args, **options):
        bar = ProgressBar(sys.stderr, "dossiers of the year")
        with bundled_timestamps():  # the results of the sample dossiers are signed before the server starts
            counts = seed_all(with_dossiers=not options["no_dossiers"], demo_people=settings.DEMO_MODE,
                              year_dossiers=options["year_dossiers"], progress=bar)
        bar.close()
        if connection.vendor == "sqlite":
            # Statistics for SQLite's planner, which has none until asked (PostgreSQL's autovacuum gathers its
            # own): without them a drill-down of the index walks the whole level instead of its province's rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(", ".join(f"{k}: {v} new" for k, v in counts.items()))
        if not settings.DEMO_MODE:
            self.stdout.write("Demo officials, e-ID accounts, registries and dossiers are made in the demo only "
                              "(MOTCUA_DEMO=1); create officials with `motcua officials create`.")
