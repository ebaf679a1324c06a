import sys

from django.core.management.base import BaseCommand

from motcua.metrics.rollup import rebuild


class Command(BaseCommand):
    help = "Service index roll-ups: rebuild every figure from the dossier journals."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="recompute the roll-up tables from the journals (replaces them)")

    def handle(self, *args, action, **options):
        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} dossiers")
            sys.stdout.flush()

        done = rebuild(progress)
        self.stdout.write(f"\n{done:,} dossiers folded from their journals; roll-ups replaced")
