from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from motcua.core.sealing import SealedTextField
from motcua.identity.actors import ROLE_LABELS, Role


class Official(models.Model):
    """A civil servant acting for one agency in one role."""

    ROLE_LABELS = ROLE_LABELS
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="officials")
    role = models.CharField(max_length=20, choices=[(r.value, ROLE_LABELS[r][0]) for r in Role])
    full_name = models.CharField(max_length=255)
    # A password an operator set (`motcua officials create` / `reset-password`) works once: the official
    # chooses their own before anything else, and before it lapses (settings.ONE_TIME_PASSWORD_HOURS).
    password_change_required = models.BooleanField(default=False)
    one_time_password_expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role}, {self.agency.code})"

    @property
    def one_time_password_expired(self) -> bool:
        return (self.password_change_required and self.one_time_password_expires_at is not None
                and self.one_time_password_expires_at <= timezone.now())


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


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """An official's authenticator app (TOTP, RFC 6238), as django-otp's TOTP device but with its seed sealed
    (motcua.core.sealing): a copy of the database gives no one the officials' one-time codes. Codes are
    checked by django-otp's own TOTP device methods, borrowed, not rewritten."""

    key = SealedTextField(default=default_key)  # hex, 20 random bytes
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)  # steps either side of now still accepted
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)  # the step of the last code taken: each code works once

    bin_key = TOTPDevice.bin_key
    config_url = TOTPDevice.config_url
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        pass
