"""Local copies of the base registries, shaped as the national ones are queried: by personal ID number."""

from django.db import models


class Person(models.Model):
    """Population registry (Cơ sở dữ liệu quốc gia về dân cư) with residence (Cơ sở dữ liệu về cư trú)."""

    id_number = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=255)
    birth_date = models.DateField()
    birth_province = models.CharField(max_length=3)  # birth-registration province code of the ID number
    sex = models.CharField(max_length=1)
    father_id_number = models.CharField(max_length=12, blank=True)
    mother_id_number = models.CharField(max_length=12, blank=True)
    household_code = models.CharField(max_length=20, blank=True, db_index=True)
    permanent_commune = models.CharField(max_length=5, blank=True)
    permanent_address = models.CharField(max_length=255, blank=True)
    temporary_commune = models.CharField(max_length=5, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.id_number} {self.full_name}"


class CivilEvent(models.Model):
    """Civil-status register (hộ tịch): births, marriages, deaths."""

    KINDS = [("birth", "Khai sinh"), ("marriage", "Kết hôn"), ("death", "Khai tử")]

    kind = models.CharField(max_length=10, choices=KINDS)
    register_number = models.CharField(max_length=30, unique=True)
    date = models.DateField()
    commune_code = models.CharField(max_length=5)
    subject_id_number = models.CharField(max_length=12, db_index=True)  # the child, a spouse, the deceased
    other_id_number = models.CharField(max_length=12, blank=True, db_index=True)  # mother / other spouse
    data = models.JSONField(default=dict)


class Enterprise(models.Model):
    """Enterprise and household-business registry."""

    registration_number = models.CharField(max_length=20, unique=True)
    tax_code = models.CharField(max_length=14, blank=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=[("household", "Hộ kinh doanh"), ("enterprise", "Doanh nghiệp")])
    owner_id_number = models.CharField(max_length=12, db_index=True)
    commune_code = models.CharField(max_length=5)
    status = models.CharField(max_length=20, default="active")
    registered_on = models.DateField()


class HeldDocument(models.Model):
    """Results the state has already issued to a person: never asked for again."""

    owner_id_number = models.CharField(max_length=12, db_index=True)
    doc_type = models.CharField(max_length=50)
    number = models.CharField(max_length=50)
    issued_on = models.DateField()
    issuer_agency = models.CharField(max_length=35, blank=True)
    data = models.JSONField(default=dict)


class CorrectionReport(models.Model):
    """A person says a registry holds wrong data about them; routed to the registry's owner."""

    person_id_number = models.CharField(max_length=12, db_index=True)
    registry = models.CharField(max_length=20)
    owner_agency = models.CharField(max_length=35, db_index=True, default="")  # where the report is routed
    field = models.CharField(max_length=63)
    recorded_value = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, default="open")
    created_at = models.DateTimeField(auto_now_add=True)


class AccessLog(models.Model):
    """Every read of a person's registry data: who, for which agency, why, when."""

    person_id_number = models.CharField(max_length=12)
    registry = models.CharField(max_length=20)
    reader_kind = models.CharField(max_length=10)
    reader_id = models.CharField(max_length=150)
    reader_name = models.CharField(max_length=255, blank=True)
    reader_agency = models.CharField(max_length=35, blank=True)
    purpose = models.CharField(max_length=255)
    procedure_code = models.CharField(max_length=40, blank=True)
    dossier_code = models.CharField(max_length=60, blank=True)
    allowed = models.BooleanField(default=True)  # refused reads are logged too
    # Set when this person's data came back inside another person's record (the mother in a birth record).
    within_record_of = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["person_id_number", "-at"])]
