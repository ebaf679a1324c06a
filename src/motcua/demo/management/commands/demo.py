import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oauth2_provider.settings import oauth2_settings

from motcua.demo.seeding import DEMO_AGENCIES, DEMO_CITIZENS, DEMO_PASSWORD, ROLE_NAMES


class Command(BaseCommand):
    help = "Migrate, seed and serve the demo on SQLite (citizen picker instead of e-ID login)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            os.environ["MOTCUA_DEMO"] = "1"
            settings.DEMO_MODE = settings.SANDBOX_GATEWAY = settings.DEVELOPMENT_CA = settings.BUNDLED_EID = True
            if "MOTCUA_SECOND_FACTOR_ROLES" not in os.environ:  # demo accounts log in with their password
                settings.SECOND_FACTOR_ROLES = []
            # as settings.py decides for the demo: the bundled provider accepts the portal on any loopback port
            settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOW_LOCALHOST_LOOPBACK": True}
            oauth2_settings.reload()
        call_command("migrate", verbosity=0)
        call_command("seed")
        self.stdout.write(self.style.SUCCESS(f"\nmotcua demo on http://{options['addr']}/"))
        self.stdout.write("  citizens log in with the bundled e-ID provider: "
                          + ", ".join(f"{c.id_number} ({c.name}, level {c.eid_level})" for c in DEMO_CITIZENS)
                          + f"; password {DEMO_PASSWORD}")
        users = [f"{p}.{s}" for p in DEMO_AGENCIES for s in ROLE_NAMES.values()]
        self.stdout.write(f"  back office /backoffice/ — users {', '.join(users)}; password {DEMO_PASSWORD}\n")
        call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
