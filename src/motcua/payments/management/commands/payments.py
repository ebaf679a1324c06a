import sys
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.core.progress import ProgressBar
from motcua.payments.services import reconcile


class Command(BaseCommand):
    help = "Online payments: reconcile a day's payments against the gateway's records (run daily, e.g. by cron)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("reconcile", help="check every online payment of a day against the gateway")
        r.add_argument("--date", help="YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, action, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate() - timedelta(days=1)
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None

        bar = ProgressBar(sys.stderr, "payments checked")
        run = reconcile(day, bar)
        bar.close()
        self.stdout.write(f"{day}: {run.checked} online payments, {run.matched} match the gateway, "
                          f"{len(run.mismatches)} mismatches")
        for m in run.mismatches:
            self.stdout.write(f"  {m['kind']}: {m['reference']} (dossier {m['dossier']}) ours={m['ours']} "
                              f"gateway={m['gateway']}")
        if run.mismatches:
            raise SystemExit(1)  # a scheduler shows the run as failed: someone must look
