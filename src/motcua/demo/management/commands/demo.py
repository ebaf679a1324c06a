import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import override_settings
from oauth2_provider.settings import oauth2_settings

from motcua.core.errors import MotcuaError
from motcua.demo import exchange
from motcua.demo.seeding import DEMO_AGENCIES, DEMO_CITIZENS, DEMO_PASSWORD, ROLE_NAMES


class Command(BaseCommand):
    help = ("Migrate, seed and serve the demo on SQLite: the one-stop portal and, as a process of its own, the "
            "population registry's keeper whose registries the portal reads through the exchange.")

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--keeper-addr", default="",
                            help="where the registry keeper serves (default: the port after --addr)")
        parser.add_argument("--alone", action="store_true",
                            help="no registry keeper: the portal reads the registries in its own database")
        parser.add_argument("--role", choices=["portal", "keeper"], default="portal",
                            help="keeper: only the registry keeper (what the portal starts beside itself)")

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
        if options["role"] == "keeper":
            call_command("migrate", verbosity=0)
            call_command("seed", no_dossiers=True)
            self.stdout.write(f"registry keeper {settings.EXCHANGE['SYSTEM']} on http://{options['addr']}/")
            call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
            return
        keeper = None
        if not options["alone"]:
            host, port = options["addr"].rsplit(":", 1)
            keeper_addr = options["keeper_addr"] or f"{host}:{int(port) + 1}"
            # started first: it migrates and seeds while this process does the same
            keeper, keeper_env = exchange.start_keeper(settings.VAR_DIR / "keeper", keeper_addr)
        national_portal = not settings.NATIONAL_PORTAL["URL"]
        if national_portal:  # no real portal set: the bundled sandbox portal on this very server
            from motcua.nationalportal import sandbox

            settings.NATIONAL_PORTAL = {
                **settings.NATIONAL_PORTAL, "URL": f"http://{options['addr']}/sandbox-dvcqg/integration",
                "USERNAME": sandbox.USERNAME, "PASSWORD": sandbox.PASSWORD, "PUSH_INLINE": False}
        call_command("migrate", verbosity=0)
        call_command("seed")
        remote = {}
        if keeper is not None:
            try:
                exchange.connect_portal(settings.VAR_DIR / "exchange", keeper, keeper_env, f"http://{keeper_addr}",
                                        f"http://{options['addr']}")
            except (RuntimeError, OSError, MotcuaError) as exc:
                self.stderr.write(f"the registry keeper did not start ({exc}; its log: "
                                  f"{settings.VAR_DIR / 'keeper' / 'server.log'}): registries are read locally")
                keeper.terminate()
                keeper = None
            else:
                remote = {"EXCHANGE": {**settings.EXCHANGE, "SYSTEM": exchange.PORTAL,
                                       "REGISTRY_PROVIDER": exchange.KEEPER},
                          "REGISTRY_SOURCES": exchange.REMOTE_SOURCES}
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
        if keeper is not None:
            self.stdout.write(f"  registries are read through the exchange from the keeper {exchange.KEEPER} at "
                              f"http://{keeper_addr}/ (its own process and database); the message log: "
                              f"/backoffice/trao-doi-du-lieu/\n")
        try:
            with override_settings(**remote):
                call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
        finally:
            if keeper is not None:
                keeper.terminate()
                keeper.wait(timeout=20)
