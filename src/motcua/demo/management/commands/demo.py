import os
import threading

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
            settings.SANDBOX_NATIONAL_PORTAL = True
            if "MOTCUA_SECOND_FACTOR_ROLES" not in os.environ:  # demo accounts log in with their password
                settings.SECOND_FACTOR_ROLES = []
            # as settings.py decides for the demo: the bundled provider accepts the portal on any loopback port
            settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOW_LOCALHOST_LOOPBACK": True}
            oauth2_settings.reload()
        national_portal = not settings.NATIONAL_PORTAL["URL"]
        if national_portal:  # no real portal set: the bundled sandbox portal on this very server
            from motcua.nationalportal import sandbox

            settings.NATIONAL_PORTAL = {
                **settings.NATIONAL_PORTAL, "URL": f"http://{options['addr']}/sandbox-dvcqg/integration",
                "USERNAME": sandbox.USERNAME, "PASSWORD": sandbox.PASSWORD, "PUSH_INLINE": False}
        call_command("migrate", verbosity=0)
        call_command("seed")
        self.stdout.write(self.style.SUCCESS(f"\nmotcua demo on http://{options['addr']}/"))
        self.stdout.write("  citizens log in with the bundled e-ID provider: "
                          + ", ".join(f"{c.id_number} ({c.name}, level {c.eid_level})" for c in DEMO_CITIZENS)
                          + f"; password {DEMO_PASSWORD}")
        users = [f"{p}.{s}" for p in DEMO_AGENCIES for s in ROLE_NAMES.values()]
        self.stdout.write(f"  back office /backoffice/ — users {', '.join(users)}; password {DEMO_PASSWORD}\n")
        if settings.NATIONAL_PORTAL["URL"]:
            self.stdout.write(f"  dossiers are pushed to {settings.NATIONAL_PORTAL['URL']}"
                              + (f" — what it received: http://{options['addr']}/sandbox-dvcqg/\n"
                                 if national_portal else "\n"))
            if not settings.NATIONAL_PORTAL["PUSH_INLINE"]:
                # the push worker beside the server (a deployment runs `motcua nationalportal push`)
                from motcua.nationalportal import services

                threading.Thread(target=services.run, name="national-portal-push", daemon=True).start()
        call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
