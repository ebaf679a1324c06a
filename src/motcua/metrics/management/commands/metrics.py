import sys

from django.core.management.base import BaseCommand

from motcua.core.progress import ProgressBar
from motcua.metrics.rollup import rebuild


class Command(BaseCommand):
    help = "Service index roll-ups: rebuild every figure from the dossier journals."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="recompute the roll-up tables from the journals (replaces them)")

    def handle(self, *args, action, **options):
        bar = ProgressBar(sys.stderr, "dossiers")
        done = rebuild(bar)
        bar.close()
        self.stdout.write(f"{done:,} dossiers folded from their journals; roll-ups replaced")
