from django.core.management.base import BaseCommand

from motcua.core import retention
from motcua.core.progress import ProgressBar


class Command(BaseCommand):
    help = ("Delete the working data kept past its period (MOTCUA_RETENTION_DAYS): ended sessions, stale 'my "
            "sessions' rows, old login attempts, expired e-ID tokens, handled outbox events. Run it daily.")

    def add_arguments(self, parser):
        parser.add_argument("--list", dest="show", action="store_true", help="show what is kept and for how long; delete nothing")

    def handle(self, *args, show, **options):
        if show:
            for kind in sorted(retention.RETAINED.values(), key=lambda kind: kind.name):
                self.stdout.write(f"{kind.name:<16} {retention.days_for(kind.name):>4} days  {kind.what}")
            return
        bar = ProgressBar(self.stdout, "kinds")
        try:
            done = retention.purge_all(progress=bar)
        finally:
            bar.close()
        for kind, days, deleted in done:
            self.stdout.write(f"{kind.name:<16} kept {days:>4} days: {deleted:,} deleted ({kind.what})")
