from django.core.management.base import BaseCommand, CommandError

from motcua.notifications import events, services


class Command(BaseCommand):
    help = "Notifications: send due deliveries (a long-lived worker), raise reminders, show and retry failures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="send deliveries as they fall due, with retries (several workers may run)")
        send.add_argument("--once", action="store_true", help="stop when nothing is due")
        send.add_argument("--poll", type=float, default=1.0, help="seconds to wait when idle")
        sub.add_parser("remind", help="raise the alerts of dossiers not received in time")
        sub.add_parser("status", help="deliveries by channel and status, the backlog, the failures")
        retry = sub.add_parser("retry", help="send failed deliveries again (all, or the ids given)")
        retry.add_argument("ids", nargs="*", type=int)

    def handle(self, *args, action, **options):
        if action == "send":
            total = services.run(options["poll"], options["once"], progress=lambda r: self.stdout.write(
                f"\r{r.sent:,} sent, {r.retried:,} to retry, {r.failed:,} failed", ending=""))
            self.stdout.write(f"\n{total.sent:,} sent, {total.retried:,} to retry, {total.failed:,} failed")
        elif action == "remind":
            self.stdout.write(f"{events.raise_reminders():,} reminders raised")
        elif action == "status":
            found = services.status()
            for (channel, state), n in sorted(found.counts.items()):
                self.stdout.write(f"{channel:8} {state:8} {n:>10,}")
            self.stdout.write(f"oldest due delivery waiting: {found.backlog_seconds:.0f} s")
            for d in services.failed_deliveries(20):
                self.stdout.write(f"failed #{d.pk} {d.channel} {d.message.kind} {d.message.recipient} "
                                  f"after {d.attempts} attempts: {d.last_error[:200]}")
            if found.failed:
                raise CommandError(f"{found.failed:,} deliveries failed (retry: motcua notifications retry)",
                                   returncode=1)
        elif action == "retry":
            n = services.retry_failed(options["ids"] or None)
            self.stdout.write(f"{n:,} deliveries due again")
