from django.db import models
from django.utils import timezone


class StaffDelegation(models.Model):
    """An organisation lets one of its staff (by personal ID number) file its dossiers: for some procedures or
    all (``procedures`` empty), until a day. Granted and revoked by its legal representative; a revoked or
    expired delegation gives no right from that moment, to file or to read."""

    organisation_code = models.CharField(max_length=20)
    organisation_name = models.CharField(max_length=255)
    staff_id_number = models.CharField(max_length=12)
    staff_name = models.CharField(max_length=255)
    procedures = models.JSONField(default=list)  # procedure codes; empty: every procedure organisations file
    expires_on = models.DateField()  # the last day it holds
    granted_by = models.CharField(max_length=12)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=12, blank=True)

    class Meta:
        indexes = [models.Index(fields=["staff_id_number", "organisation_code"]),
                   models.Index(fields=["organisation_code", "granted_at"])]

    def covers(self, procedure_code: str) -> bool:
        return not self.procedures or procedure_code in self.procedures
