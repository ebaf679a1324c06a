"""Local copies of the base registries, shaped as the national ones are queried: by personal ID number."""

from django.db import models
from django.utils import timezone

from motcua.core.chained import Chain, ChainedEntry


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
    temporary_address = models.CharField(max_length=255, blank=True)
    temporary_until = models.DateField(null=True, blank=True)
    MARITAL_STATUSES = [("single", "Chưa kết hôn"), ("married", "Đã kết hôn"), ("widowed", "Góa"),
                        ("divorced", "Đã ly hôn")]
    marital_status = models.CharField(max_length=10, choices=MARITAL_STATUSES, blank=True)  # blank: not recorded
    deceased_on = models.DateField(null=True, blank=True)
    death_place = models.CharField(max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Who reaches an age within a window (the identity card's renewal ages): one range scan per age.
        indexes = [models.Index(fields=["birth_date"], name="registries_person_birth_date")]

    def __str__(self) -> str:
        return f"{self.id_number} {self.full_name}"


class CivilEvent(models.Model):
    """Civil-status register (hộ tịch): births, marriages, deaths, guardianships (the ward the subject, the
    guardian the other person; ``data["ended_on"]`` once the guardianship ended)."""

    KINDS = [("birth", "Khai sinh"), ("marriage", "Kết hôn"), ("death", "Khai tử"), ("guardianship", "Giám hộ")]

    kind = models.CharField(max_length=12, choices=KINDS)
    register_number = models.CharField(max_length=30, unique=True)
    date = models.DateField()
    commune_code = models.CharField(max_length=5)
    subject_id_number = models.CharField(max_length=12, db_index=True)  # the child, a spouse, the deceased, the ward
    other_id_number = models.CharField(max_length=12, blank=True, db_index=True)  # mother / other spouse / guardian
    data = models.JSONField(default=dict)


class Enterprise(models.Model):
    """Enterprise and household-business registry."""

    registration_number = models.CharField(max_length=20, unique=True)
    tax_code = models.CharField(max_length=14, blank=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=[("household", "Hộ kinh doanh"), ("enterprise", "Doanh nghiệp")])
    owner_id_number = models.CharField(max_length=12, db_index=True)  # the owner, its legal representative
    # The legal representative's title as registered ("Giám đốc", "Chủ hộ kinh doanh"…); empty: the owner.
    representative_title = models.CharField(max_length=100, blank=True)
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
    """Registry data said to be wrong: by the person (the "this is wrong" button), by a data steward after
    reconciling another agency's dataset, or by the digitization of an old register. Routed to the registry's
    keeper, who answers by a due date: accepted (the registry changes, with its history) or rejected, with the
    reason. ``registry_value`` is what the registry held; ``proposed_value`` what it should hold, if known."""

    ORIGIN_LABELS = {"citizen": ("Người dân báo", "Reported by the person"),
                     "reconciliation": ("Đối soát dữ liệu", "Dataset reconciliation"),
                     "digitization": ("Số hóa sổ", "Digitized registers")}
    STATUS_LABELS = {"open": ("Đang xử lý", "Being handled"), "accepted": ("Đã chấp nhận, đã sửa", "Accepted, corrected"),
                     "rejected": ("Không chấp nhận", "Not accepted")}

    person_id_number = models.CharField(max_length=12, db_index=True)
    registry = models.CharField(max_length=20)
    owner_agency = models.CharField(max_length=35, db_index=True, default="")  # where the report is routed
    field = models.CharField(max_length=63)
    recorded_value = models.CharField(max_length=255, blank=True)
    proposed_value = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    origin = models.CharField(max_length=20, choices=[(k, v[0]) for k, v in ORIGIN_LABELS.items()], default="citizen")
    reference = models.CharField(max_length=100, blank=True)  # the finding or register entry behind it
    status = models.CharField(max_length=10, choices=[(k, v[0]) for k, v in STATUS_LABELS.items()], default="open")
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(null=True, blank=True)  # the keeper answers by then (working days)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=150, blank=True)
    answer = models.TextField(blank=True)  # the reason given to the person, accepted or not
    legal_basis = models.CharField(max_length=255, blank=True)


class RegistryVersion(ChainedEntry):
    """The history of one registry record (a person's population or residence data, a civil-status entry, an
    enterprise, a held document): every version as it was recorded, never changed. ``data`` is the record's
    values after the change; the change's source says how they got there (the dossier whose result changed it,
    a correction, a digitized register, or the values the record held before its first recorded change)."""

    chain = Chain(stream="record", title="history of registry record")
    SOURCES = [("baseline", "Dữ liệu có trước"), ("dossier", "Kết quả giải quyết hồ sơ"),
               ("correction", "Chỉnh sửa theo phản ánh"), ("digitization", "Số hóa sổ hộ tịch")]

    record = models.CharField(max_length=80)  # "<registry>:<key>", e.g. "population:001226000101"
    registry = models.CharField(max_length=20)
    event = models.CharField(max_length=20, blank=True)  # born, died, moved, married, corrected…
    data = models.JSONField()
    valid_from = models.DateField(null=True, blank=True)  # when it became true (None: not known)
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=SOURCES)
    source_reference = models.CharField(max_length=100, blank=True)  # the dossier code, the correction id…
    recorded_by = models.CharField(max_length=150, blank=True)
    legal_basis = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "seq"], name="unique_registry_version_seq")]


class AccessLog(ChainedEntry):
    """Every read of a person's registry data: who, for which agency, why, when. Append-only, chained by hash
    per person (the stream the person's "who read my data" page shows): reads of different people never wait
    for each other."""

    chain = Chain(stream="person_id_number", title="access log of person")

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
    at = models.DateTimeField(default=timezone.now)  # known before the insert, which the digest covers

    class Meta:
        indexes = [models.Index(fields=["person_id_number", "-at"])]
        constraints = [models.UniqueConstraint(fields=["person_id_number", "seq"], name="unique_access_log_seq")]


class Dataset(models.Model):
    """Another agency's dataset reconciled against a registry (social-insurance members, health-insurance
    cards, land-use holders…), with the column mapping it was last read with; or the digitized old paper
    registers of a commune (``kind`` digitization)."""

    KINDS = [("reconciliation", "Đối soát dữ liệu"), ("digitization", "Số hóa sổ hộ tịch")]

    code = models.SlugField(max_length=63, unique=True)
    kind = models.CharField(max_length=20, choices=KINDS, default="reconciliation")
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    source_agency = models.CharField(max_length=63)  # the agency that holds the dataset
    registry = models.CharField(max_length=20, default="population")
    mapping = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class DatasetRun(models.Model):
    """One reconciliation (or digitization) of one file of a dataset: who ran it, with which engine, and the
    figures; the findings that need a steward are its :class:`Finding` rows (exact matches are only counted)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="runs")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    engine = models.CharField(max_length=10, default="duckdb")
    model_version = models.CharField(max_length=30)
    threshold = models.FloatField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(auto_now_add=True)
    started_by = models.CharField(max_length=150)
    records = models.PositiveIntegerField(default=0)
    exact = models.PositiveIntegerField(default=0)
    conflicting = models.PositiveIntegerField(default=0)
    probable = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)  # records of a person another record already is
    inserted = models.PositiveIntegerField(default=0)  # digitization: entries written to the register
    pairs_scored = models.BigIntegerField(default=0)
    # Measured against the truth a synthetic dataset carries (None for real data).
    precision = models.FloatField(null=True, blank=True)
    recall = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dataset", "-started_at"])]

    def share(self, count: int) -> float:
        return count / self.records if self.records else 0.0


class Finding(models.Model):
    """A record of a run that a data steward should see: fields in conflict with the registry, a probable
    match with a wrong or missing ID number, no match, or (digitization) a probable duplicate of an entry
    already in the register. ``source`` is what the record said, ``registry`` what the registry holds."""

    OUTCOMES = [("exact", "Khớp hoàn toàn"), ("conflict", "Khớp, có trường khác"), ("probable", "Có thể khớp, sai/thiếu số định danh"),
                ("unmatched", "Không khớp"), ("duplicate", "Có thể trùng bản ghi đã có")]
    STATES = [("open", "Chưa quyết định"), ("decided", "Đã quyết định")]

    run = models.ForeignKey(DatasetRun, on_delete=models.CASCADE, related_name="findings")
    line = models.PositiveIntegerField()
    source_key = models.CharField(max_length=100)
    outcome = models.CharField(max_length=10, choices=OUTCOMES)
    person_id_number = models.CharField(max_length=12, blank=True, db_index=True)
    probability = models.FloatField(null=True, blank=True)
    conflicts = models.JSONField(default=list)  # [{field, source, registry, kind}]
    source = models.JSONField(default=dict)
    registry = models.JSONField(default=dict)
    duplicate_of_line = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default="open")

    class Meta:
        indexes = [models.Index(fields=["run", "outcome", "state"])]


class StewardDecision(ChainedEntry):
    """A data steward's decision on one field of a finding (or, for a probable duplicate, on the record):
    who, when, what, why. Append-only and chained by hash per dataset; the latest decision on a field holds."""

    DECISIONS = [("registry_right", "Cơ sở dữ liệu đúng: trả về đơn vị nguồn"),
                 ("registry_wrong", "Cơ sở dữ liệu sai: đề nghị đính chính"),
                 ("unsure", "Chưa chắc chắn: để mở"),
                 ("insert", "Không trùng: ghi vào sổ"), ("duplicate", "Trùng: không ghi")]

    chain = Chain(stream="dataset", title="steward decisions of dataset")

    dataset = models.CharField(max_length=63)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="decisions")
    field = models.CharField(max_length=63)
    decision = models.CharField(max_length=20, choices=DECISIONS)
    source_value = models.CharField(max_length=255, blank=True)
    registry_value = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150)
    decided_by_name = models.CharField(max_length=255, blank=True)
    decided_by_agency = models.CharField(max_length=35, blank=True)
    correction = models.ForeignKey(CorrectionReport, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "seq"], name="unique_steward_decision_seq")]
