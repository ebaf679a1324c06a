from django.db import models

LEVEL_LABELS = {"ministry": ("Bộ, ngành", "Ministry"), "province": ("Cấp tỉnh", "Province"),
                "commune": ("Cấp xã", "Commune")}


class Agency(models.Model):
    """A competent or receiving agency: one per (type, province) or (type, commune), or a ministry."""

    LEVELS = [(k, v[0]) for k, v in LEVEL_LABELS.items()]

    code = models.CharField(max_length=35, unique=True)  # e-ID code shape of Decision 20/2020: [0-9A-Z.]
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    level = models.CharField(max_length=10, choices=LEVELS)
    agency_type = models.CharField(max_length=40)
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    commune_code = models.CharField(max_length=5, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["agency_type", "province_code", "commune_code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class Procedure(models.Model):
    """The current definition of a procedure; every published definition is kept as a version."""

    LEVEL_LABELS = LEVEL_LABELS
    code = models.CharField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    sector_code = models.CharField(max_length=40, db_index=True)
    sector_vi = models.CharField(max_length=255)
    sector_en = models.CharField(max_length=255)
    level = models.CharField(max_length=10, db_index=True)
    online_level = models.CharField(max_length=10)
    statutory_days = models.PositiveIntegerField()
    eid_level = models.PositiveSmallIntegerField()
    counter_fee = models.PositiveBigIntegerField(default=0)
    online_fee = models.PositiveBigIntegerField(default=0)
    search_text = models.TextField(blank=True)  # lower-cased, accent-folded names for search
    current_version = models.ForeignKey(
        "ProcedureVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class ProcedureVersion(models.Model):
    """An immutable published definition; dossiers keep the version they were submitted under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    digest = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version")]
