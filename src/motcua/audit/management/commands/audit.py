import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.audit import services
from motcua.core.progress import ProgressBar
from motcua.documents.signers import SigningUnavailable


class Command(BaseCommand):
    help = "Tamper-evident logs: seal the chains' heads (signed), verify every chain and seal, print the grants."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seal", help="sign the heads of the chains that changed (run it from cron, e.g. hourly)")
        sub.add_parser("verify", help="walk every chain and check every seal; exit 1 on any problem")
        grants = sub.add_parser("grants", help="SQL for the owner role: the application role only appends to "
                                               "the chained tables (PostgreSQL)")
        grants.add_argument("role", help="the application's database role")

    def handle(self, *args, action, **options):
        if action == "grants":
            self.stdout.write(services.grants(options["role"]), ending="")
        elif action == "seal":
            try:
                seal = services.seal()
            except SigningUnavailable as exc:
                raise CommandError(f"cannot sign the seal: {exc.detail}") from exc
            self.stdout.write(f"seal {seal.seq} at {timezone.localtime(seal.sealed_at):%Y-%m-%d %H:%M:%S%z}, "
                              f"digest {seal.digest}, signed with certificate {seal.certificate.serial}")
        else:
            self._verify()

    def _verify(self) -> None:
        bar = ProgressBar(sys.stderr, "entries")
        report = services.verify(bar)
        bar.close()
        last = (f", the last at {timezone.localtime(report.last_seal):%Y-%m-%d %H:%M:%S%z}" if report.last_seal
                else " (none yet: run `motcua audit seal`)")
        self.stdout.write(f"{report.entries:,} entries in {report.streams:,} streams of {report.chains} chains; "
                          f"{report.seals:,} seals{last}")
        for problem in report.problems:
            self.stdout.write(problem)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems found", returncode=1)
        self.stdout.write("every chain is whole and every seal verifies")
