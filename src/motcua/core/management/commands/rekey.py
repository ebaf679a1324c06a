from django.core.management.base import BaseCommand, CommandError

from motcua.core import rekeying, sealing
from motcua.core.progress import ProgressBar


class Command(BaseCommand):
    help = ("Seal every secret kept in the database (signing keys) again under the newest key of "
            "MOTCUA_KEY_ENCRYPTION_KEYS, after putting a new key in front; then the older ones may be removed.")

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true",
                            help="print a new key-encryption key and change nothing")

    def handle(self, *args, new_key, **options):
        if new_key:
            self.stdout.write(sealing.new_key())
            return
        bar = ProgressBar(self.stdout, "values")
        try:
            count = rekeying.rekey(bar)
        except sealing.UnsealError as error:
            raise CommandError(f"{error}: put back the key it was sealed with, then run `motcua rekey` again") \
                from None
        finally:
            bar.close()
        self.stdout.write(f"{count:,} sealed values now under the newest key; older keys may be removed from "
                          "MOTCUA_KEY_ENCRYPTION_KEYS")
