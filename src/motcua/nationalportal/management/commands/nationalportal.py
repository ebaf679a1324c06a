from django.core.management.base import BaseCommand, CommandError

from motcua.nationalportal import client, services


class Command(BaseCommand):
    help = "National portal: push dossiers as they change (a long-lived worker), show and retry failures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        push = sub.add_parser("push", help="push changed dossiers with retries (several workers may run)")
        push.add_argument("--once", action="store_true", help="stop when nothing is due")
        push.add_argument("--poll", type=float, default=1.0, help="seconds to wait when idle")
        sub.add_parser("status", help="dossiers by synchronisation status, the backlog, the failures")
        retry = sub.add_parser("retry", help="push failed dossiers again (all, or the codes given)")
        retry.add_argument("codes", nargs="*")

    def handle(self, *args, action, **options):
        if action == "push":
            if not client.enabled():
                raise CommandError("no national portal is set (MOTCUA_NATIONAL_PORTAL_URL)")
            total = services.run(options["poll"], options["once"], progress=lambda r: self.stdout.write(
                f"\r{r.sent:,} synchronised, {r.retried:,} to retry, {r.failed:,} failed", ending=""))
            self.stdout.write(f"\n{total.sent:,} synchronised, {total.retried:,} to retry, {total.failed:,} failed")
        elif action == "status":
            self.stdout.write(f"national portal: {client.config()['URL'] or 'not set (off)'}")
            found = services.status()
            for state, n in sorted(found.counts.items()):
                self.stdout.write(f"{state:8} {n:>10,}")
            self.stdout.write(f"oldest change not acknowledged: {found.backlog_seconds:.0f} s")
            for row in services.failed_pushes(20):
                self.stdout.write(f"failed {row.dossier.code} after {row.attempts} attempts: {row.last_error[:300]}")
            if found.failed:
                raise CommandError(f"{found.failed:,} dossiers not synchronised (retry: motcua nationalportal retry)",
                                   returncode=1)
        elif action == "retry":
            n = services.retry_failed(options["codes"] or None)
            self.stdout.write(f"{n:,} dossiers due again")
