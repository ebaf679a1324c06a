from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from motcua.identity.actors import ROLE_LABELS, Role


class Official(models.Model):
    """A civil servant acting for one agency in one role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="officials")
    role = models.CharField(max_length=20, choices=[(r.value, ROLE_LABELS[r][0]) for r in Role])
    full_name = models.CharField(max_length=255)
    # A password an operator set (`motcua officials create` / `reset-password`) works once: the official
    # chooses their own before anything else.
    password_change_required = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role}, {self.agency.code})"


TOKEN_DAYS = 90
TOKEN_SCOPES = {"read": ("Đọc", "Read"), "act": ("Thao tác trên hồ sơ", "Act on dossiers")}


def token_expiry():
    return timezone.now() + timedelta(days=TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for an official's API client, issued and revoked by an operator (`motcua tokens`); only
    the SHA-256 of the token is stored. ``read`` allows safe methods, ``act`` the others; it ends at
    ``expires_at`` or when revoked, and its last use is kept."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    scope = models.CharField(max_length=50, default="read act")  # space-separated TOKEN_SCOPES
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())


class SessionRecord(models.Model):
    """A login's session, as its owner sees it in "my sessions" and may end it: who (an official's username or
    a citizen's ID number), since when, last seen when and from where. The session itself (its data, its cookie)
    is Django's; this row goes when it ends."""

    session_key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10)  # "official" | "citizen"
    subject = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "subject"])]
