"""What is pushed to the national portal, per dossier; and what the bundled sandbox receiver holds."""

from django.db import models
from django.utils import timezone


class PortalSync(models.Model):
    """A dossier's synchronisation with the national portal: one row per dossier, so one worker at a time
    pushes it (under a lease) and always its latest state; a newer change while a push is in flight leaves it
    due again. ``changes`` counts the changes seen, ``changes_sent`` those covered by the last acknowledged push;
    ``version_acked`` is the journal entry the portal holds the dossier at (its progress steps sent up to it)."""

    STATUSES = [("pending", "Chờ gửi"), ("sending", "Đang gửi"), ("synced", "Đã đồng bộ"),
                ("failed", "Không gửi được")]

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, primary_key=True,
                                   related_name="portal_sync")
    status = models.CharField(max_length=10, choices=STATUSES, default="pending")
    changes = models.PositiveIntegerField(default=0)
    changes_sent = models.PositiveIntegerField(default=0)
    claimed_changes = models.PositiveIntegerField(default=0)
    version_acked = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    waiting_since = models.DateTimeField(null=True, blank=True)  # the oldest change not yet acknowledged
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["status", "lease_until"]),
                   models.Index(fields=["status", "waiting_since"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.status}"


class SandboxDossier(models.Model):
    """The sandbox receiver's copy of a dossier (the last ``DongBoHoSoMC`` item) and the statuses it was
    sent in, in the order received."""

    code = models.CharField(max_length=60, unique=True)
    data = models.JSONField(default=dict)
    statuses = models.JSONField(default=list)
    first_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class SandboxStep(models.Model):
    """A ``CapNhatTienDoHoSoMC`` item the sandbox receiver holds; the same step sent again is kept once."""

    code = models.CharField(max_length=60, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    data = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
