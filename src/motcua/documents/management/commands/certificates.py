from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.documents.models import Certificate


class Command(BaseCommand):
    help = "Signing certificates: list them, or revoke one (its signatures then verify as invalid)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="certificates known to the system")
        r = sub.add_parser("revoke", help="revoke a certificate (key lost or compromised, holder left)")
        r.add_argument("serial", help="serial number in hexadecimal, as listed")
        r.add_argument("--reason", required=True)

    def handle(self, *args, action, **options):
        if action == "list":
            for c in Certificate.objects.order_by("owner_kind", "owner_code", "not_before"):
                state = f"revoked {c.revoked_at:%Y-%m-%d}" if c.revoked_at else f"valid to {c.not_after:%Y-%m-%d}"
                self.stdout.write(f"{c.serial}  {c.owner_kind:8} {c.owner_code:25} {state}  {c.subject}")
            return
        updated = Certificate.objects.filter(serial=options["serial"].lower(), revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revocation_reason=options["reason"][:255])
        if not updated:
            raise CommandError("no such certificate, or it is already revoked")
        self.stdout.write(f"certificate {options['serial']} revoked; the next signature uses a new certificate")
