import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.progress import ProgressBar
from motcua.proactive import services
from motcua.proactive.rules import RulesRefused


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: '{value}' is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Check the proactive rules, or run the daily job that offers the identity-card renewal."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("check", help="check a rules file (default: the shipped one)")
        p.add_argument("path", nargs="?", type=Path, default=services.RULES_FILE)
        p = sub.add_parser("daily", help="offer the renewals due (run once a day, e.g. from cron)")
        p.add_argument("--date", type=_day, default=None, help="the day to run for (default: today)")
        p.add_argument("--catch-up", type=int, default=0, metavar="DAYS",
                       help="also consider milestones reached in the DAYS before (a first run, a long outage)")

    def handle(self, *args, action, **options):
        if action == "check":
            try:
                rules = services.load_rules(options["path"])
            except RulesRefused as refused:
                for e in refused.errors:
                    self.stderr.write(f"{e.field}: {e.en} / {e.vi}")
                raise CommandError(f"{len(refused.errors)} problem(s); the rules file is refused") from None
            self.stdout.write(f"{len(rules)} rules are valid")
            return
        if not 0 <= options["catch_up"] <= 3660:
            raise CommandError("--catch-up: from 0 to 3660 days")
        bar = ProgressBar(sys.stderr, "ranges")
        try:
            report = services.run_daily(options["date"], options["catch_up"], progress=bar)
        finally:
            bar.close()
        self.stdout.write(f"{report.day}: {report.people:,} people in the window, {report.offers:,} offers made "
                          f"({report.queries} range queries, {report.seconds:.1f} s)")
