from django.core.management.base import BaseCommand

from motcua.core import outbox


class Command(BaseCommand):
    help = "Outbox: hand pending events to their consumers (index roll-ups). Run as a long-lived worker."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("run", help="drain pending events, then keep polling (several workers may run)")
        r.add_argument("--once", action="store_true", help="stop when nothing is pending")
        r.add_argument("--poll", type=float, default=0.5, help="seconds to wait when idle")

    def handle(self, *args, action, **options):
        total = outbox.run(options["poll"], options["once"],
                           lambda n: self.stdout.write(f"\r{n:,} events processed", ending=""))
        self.stdout.write(f"\n{total:,} events processed")
