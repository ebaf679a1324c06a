"""Offers the platform made a person on its own initiative, and what the person did with them."""

from django.db import models


class Offer(models.Model):
    """One procedure offered to one person by one rule about one subject (the child whose birth was registered,
    the milestone age "25", the registered business). Made once: a declined offer is never made again."""

    STATUSES = [("offered", "Đang đề xuất"), ("taken", "Đã nộp hồ sơ"), ("declined", "Đã từ chối")]

    person_id_number = models.CharField(max_length=12)
    rule = models.CharField(max_length=63)
    procedure_code = models.CharField(max_length=40)
    subject = models.CharField(max_length=40)  # what the offer is about, within the rule
    prefill = models.JSONField(default=dict)  # form field: value, opened with the procedure's form
    reason_vi = models.TextField()
    reason_en = models.TextField()
    status = models.CharField(max_length=10, choices=STATUSES, default="offered")
    made_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    dossier_code = models.CharField(max_length=60, blank=True)  # the dossier that took it up

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person_id_number", "rule", "subject", "procedure_code"],
                                               name="unique_offer_per_person_rule_subject_procedure")]
        indexes = [models.Index(fields=["person_id_number", "status", "-made_at"])]

    def __str__(self) -> str:
        return f"{self.person_id_number} {self.rule}/{self.subject} {self.procedure_code}"
