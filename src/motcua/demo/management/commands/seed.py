from django.core.management.base import BaseCommand

from motcua.demo.seeding import seed_all


class Command(BaseCommand):
    help = "Create agencies for all divisions, import the bundled catalog, demo officials and dossiers."

    def add_arguments(self, parser):
        parser.add_argument("--no-dossiers", action="store_true", help="skip the sample dossiers")

    def handle(self, *args, **options):
        counts = seed_all(with_dossiers=not options["no_dossiers"])
        self.stdout.write(", ".join(f"{k}: {v} new" for k, v in counts.items()))
