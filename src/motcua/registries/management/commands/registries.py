import sys

from django.core.management.base import BaseCommand, CommandError

from motcua.core.progress import ProgressBar
from motcua.registries.synthetic import generate


class Command(BaseCommand):
    help = "Base registries: generate reproducible synthetic people, households, events and businesses."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        g = sub.add_parser("generate", help="add synthetic people (whole households) to the registries")
        g.add_argument("--people", type=int, required=True)
        g.add_argument("--seed", type=int, default=2026)
        g.add_argument("--batch", type=int, default=20_000)

    def handle(self, *args, action, **options):
        if options["people"] <= 0:
            raise CommandError("--people must be positive")
        bar = ProgressBar(sys.stderr, "people")
        written = generate(options["people"], options["seed"], options["batch"], bar)
        bar.close()
        self.stdout.write(f"{written:,} people written")
