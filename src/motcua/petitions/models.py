"""Petitions (phản ánh, kiến nghị — PAKN): what a citizen or business sends about a procedure, an agency or a
dossier, routed to the agency that answers it by a due date in working days; complaints attached to dossier
ratings are answered the same way. A small tally per agency and month feeds the service index."""

from django.db import models
from django.db.models import Q


class Petition(models.Model):
    KIND_LABELS = {"feedback": ("Phản ánh", "Feedback"), "petition": ("Kiến nghị", "Petition"),
                   "complaint": ("Góp ý khi đánh giá hồ sơ", "Comment with a dossier's rating")}
    ABOUT = [("procedure", "Thủ tục hành chính"), ("agency", "Cơ quan"), ("dossier", "Hồ sơ")]

    code = models.CharField(max_length=30, unique=True)  # PAKN-YYMMDD-NNNN, gap-free per day
    kind = models.CharField(max_length=10, choices=[(k, v[0]) for k, v in KIND_LABELS.items()])
    about = models.CharField(max_length=10, choices=ABOUT)
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="petitions")
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="petitions")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="petitions")
    # The agency's place, copied for counting by province and commune without a join.
    province_code = models.CharField(max_length=2, blank=True)
    commune_code = models.CharField(max_length=5, blank=True)
    sender_id_number = models.CharField(max_length=12)
    sender_name = models.CharField(max_length=255)
    sender_organization = models.CharField(max_length=255, blank=True)  # a business's name, when one sends
    sender_email = models.CharField(max_length=255, blank=True)
    sender_phone = models.CharField(max_length=20, blank=True)
    subject = models.CharField(max_length=255)
    content = models.TextField()
    may_publish = models.BooleanField(default=False)  # the sender agrees to its publication, without their name
    received_at = models.DateTimeField()
    month = models.DateField()  # first day of the month of receipt: the index's period
    due_on = models.DateField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=150, blank=True)
    answered_on_time = models.BooleanField(null=True)
    satisfied = models.BooleanField(null=True)  # the sender's rating of the answer
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One complaint item per rated dossier (a rating is given once).
            models.UniqueConstraint(fields=["dossier"], condition=Q(kind="complaint"), name="one_complaint_per_dossier"),
        ]
        indexes = [
            models.Index(fields=["agency", "due_on"]),
            models.Index(fields=["sender_id_number", "-received_at"]),
            models.Index(fields=["-answered_at"], condition=Q(may_publish=True, answered_at__isnull=False),
                         name="petition_published"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject}"


def _content_path(instance: "PetitionAttachment", filename: str) -> str:
    # Content-addressed, as dossier evidence is: the same bytes are stored once.
    return f"petitions/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class PetitionAttachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_content_path)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255)

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")


# The scopes of the index petitions are counted in: the country, a province, a commune, an agency.
LEVELS = [("N", "Toàn quốc"), ("P", "Tỉnh"), ("C", "Xã"), ("A", "Cơ quan")]


class PetitionTally(models.Model):
    """Petitions received in one month in one scope of the index (national, a province, a commune, an agency, as
    the dossiers' roll-ups): received, answered, answered on time, rated, rated satisfied. Kept in the same
    transaction as each change, so the dashboard sums a few small rows at any scale."""

    level = models.CharField(max_length=1, choices=LEVELS)
    scope = models.CharField(max_length=35)  # province, commune or agency code; "" for the country
    parent = models.CharField(max_length=5, blank=True)  # the province of a commune or an agency
    month = models.DateField()
    received = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "scope", "month"], name="unique_petition_tally")]
        indexes = [models.Index(fields=["level", "month"]), models.Index(fields=["level", "parent", "month"])]


class PetitionOpenDue(models.Model):
    """Unanswered petitions of a scope and month by due date: "still within the due date" depends on the day the
    figures are read, so it is summed then (due date ≥ today) from this small table, as for dossiers."""

    level = models.CharField(max_length=1, choices=LEVELS)
    scope = models.CharField(max_length=35)
    parent = models.CharField(max_length=5, blank=True)
    month = models.DateField()
    due_on = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "scope", "month", "due_on"],
                                               name="unique_petition_open_due")]
        # Read as "due today or later": the due date leads after the level, so past ones are skipped.
        indexes = [models.Index(fields=["level", "due_on"]), models.Index(fields=["level", "parent", "due_on"])]
