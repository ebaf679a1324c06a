from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.backoffice import accounts
from motcua.core.errors import MotcuaError
from motcua.identity.actors import Role
from motcua.identity.models import Authenticator, Official


class Command(BaseCommand):
    help = "Officials' accounts: create (with a one-time password), list, reset a password or second factor, deactivate."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new official; prints a one-time password to hand over")
        create.add_argument("username")
        create.add_argument("--agency", required=True, help="agency code, e.g. H01.X00070.UB")
        create.add_argument("--role", required=True, choices=[r.value for r in Role])
        create.add_argument("--name", required=True, help="full name, as signed documents show it")
        create.add_argument("--email", default="", help="where account changes are told")
        create.add_argument("--admin", action="store_true", help="an administrator (must use a second factor)")
        listing = sub.add_parser("list", help="officials with role, agency and the state of their factors")
        listing.add_argument("--agency")
        for name, text in (("reset-password", "a new one-time password; the official's sessions end"),
                           ("reset-second-factor", "remove the authenticator: enrolled again at next login"),
                           ("deactivate", "no more logins; sessions end and tokens are revoked")):
            sub.add_parser(name, help=text).add_argument("username")

    def handle(self, *args, action, **options):
        try:
            getattr(self, action.replace("-", "_"))(**options)
        except MotcuaError as error:
            raise CommandError(f"{error.field or 'error'}: {error.en}") from None

    def create(self, username, agency, role, name, email, admin, **options):
        official, password = accounts.create_official(username, agency, role, name, email, admin)
        self.stdout.write(f"{official}\n{_handed_over(password)}")

    def list(self, agency, **options):
        officials = Official.objects.select_related("user", "agency").order_by("agency__code", "user__username")
        if agency:
            officials = officials.filter(agency__code=agency)
        enrolled = set(Authenticator.objects.filter(confirmed=True).values_list("user_id", flat=True))
        for o in officials:
            flags = [f for f, on in (("admin", o.user.is_staff), ("inactive", not o.user.is_active),
                                     ("must-change-password", o.password_change_required),
                                     ("authenticator", o.user_id in enrolled)) if on]
            last = f"{o.user.last_login:%Y-%m-%d %H:%M}" if o.user.last_login else "never"
            self.stdout.write(f"{o.user.username}\t{o.full_name}\t{o.role}\t{o.agency.code}\t"
                              f"last login {last}\t{' '.join(flags)}")

    def reset_password(self, username, **options):
        self.stdout.write(_handed_over(accounts.reset_password(username)))

    def reset_second_factor(self, username, **options):
        accounts.reset_second_factor(username)
        self.stdout.write(f"{username}: authenticator removed")

    def deactivate(self, username, **options):
        revoked = accounts.deactivate(username)
        self.stdout.write(f"{username}: deactivated, {revoked} token(s) revoked")


def _handed_over(password: str) -> str:
    return (f"one-time password (to be changed at first login, within {settings.ONE_TIME_PASSWORD_HOURS} h): "
            f"{password}")
