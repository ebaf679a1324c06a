from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.identity.callers import issue_token
from motcua.identity.models import TOKEN_DAYS, TOKEN_SCOPES, ApiToken, Official
from motcua.identity.notices import notify_factor_change


class Command(BaseCommand):
    help = "API access tokens of officials: issue (shown once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a token to an official and print it (only its digest is kept)")
        issue.add_argument("username")
        issue.add_argument("--label", default="", help="what the token is for (the app, the machine)")
        issue.add_argument("--scope", default="read,act",
                           help=f"comma-separated: {', '.join(TOKEN_SCOPES)} (default read,act)")
        issue.add_argument("--days", type=int, default=TOKEN_DAYS, help=f"days it is valid (default {TOKEN_DAYS})")
        listing = sub.add_parser("list", help="tokens with their scope, expiry and last use")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke a token by its number (from list)")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def issue(self, username, label, scope, days, **options):
        official = Official.objects.select_related("user").filter(user__username=username).first()
        if official is None:
            raise CommandError(f"no official '{username}'")
        scopes = [s.strip() for s in scope.split(",") if s.strip()]
        if not scopes or set(scopes) - set(TOKEN_SCOPES):
            raise CommandError(f"--scope: choose among {', '.join(TOKEN_SCOPES)}")
        if not 1 <= days <= 366:
            raise CommandError("--days: from 1 to 366")
        token = issue_token(official, label, " ".join(scopes), days)
        notify_factor_change(official.user, "token_issued",
                             f"Một mã truy cập API ({label or 'không nhãn'}) đã được cấp cho tài khoản của bạn.",
                             f"An API access token ({label or 'no label'}) was issued to your account.")
        self.stdout.write(token)

    def list(self, username, **options):
        tokens = ApiToken.objects.select_related("official__user").order_by("id")
        if username:
            tokens = tokens.filter(official__user__username=username)
        now = timezone.now()
        for t in tokens:
            state = ("revoked" if t.revoked_at else "expired" if t.expires_at <= now else "active")
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(f"{t.id}\t{t.official.user.username}\t{t.label or '-'}\t{t.scope}\t{state}\t"
                              f"expires {t.expires_at:%Y-%m-%d}\tlast used {used}")

    def revoke(self, id, **options):
        updated = ApiToken.objects.filter(pk=id, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not updated:
            raise CommandError(f"no active token {id}")
        token = ApiToken.objects.select_related("official__user").get(pk=id)
        notify_factor_change(token.official.user, "token_revoked",
                             f"Mã truy cập API số {id} của tài khoản của bạn đã bị thu hồi.",
                             f"API access token {id} of your account was revoked.")
        self.stdout.write(f"token {id} revoked")
