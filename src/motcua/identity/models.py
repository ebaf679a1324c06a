from django.conf import settings
from django.db import models

from motcua.identity.actors import ROLE_LABELS, Role


class Official(models.Model):
    """A civil servant acting for one agency in one role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="officials")
    role = models.CharField(max_length=20, choices=[(r.value, ROLE_LABELS[r][0]) for r in Role])
    full_name = models.CharField(max_length=255)

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role}, {self.agency.code})"


class ApiToken(models.Model):
    """A bearer token for an official's API client; only the SHA-256 of the token is stored."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
