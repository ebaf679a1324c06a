from functools import cached_property

from django.db import models

from motcua.core.chained import Chain, ChainedEntry
from motcua.dossiers.filing import APPLICANT_KINDS as KINDS
from motcua.dossiers.filing import ASSISTED, SELF, filed_as_label
from motcua.dossiers.filing import FILED_AS as WAYS
from motcua.dossiers.lifecycle import STATUS_LABELS, DossierState
from motcua.dossiers.provenance import Provenance

APPLICANT_KINDS = [(k, v[0]) for k, v in KINDS.items()]
FILED_AS = [(k, v[0]) for k, v in WAYS.items()]


class Dossier(models.Model):
    """A submitted dossier. Its truth is the journal (DossierAction); the columns after
    ``# derived`` are a projection of it, rewritten in the same transaction as each action,
    so queues and lookups need no replay."""

    CHANNELS = [("online", "Trực tuyến"), ("counter", "Trực tiếp"), ("post", "Bưu chính")]
    STATUS_LABELS = STATUS_LABELS

    code = models.CharField(max_length=60, unique=True)
    procedure_version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.PROTECT)
    channel = models.CharField(max_length=10, choices=CHANNELS)
    # The applicant is the person or organisation the dossier is about: a personal ID number, or an enterprise
    # code (tax code) with its branch suffix, e.g. "0101234567-001".
    applicant_kind = models.CharField(max_length=12, choices=APPLICANT_KINDS, default="person")
    applicant_id_number = models.CharField(max_length=20, db_index=True)
    applicant_name = models.CharField(max_length=255)
    # The name lower-cased without accents (đ as d), written with it: the back office finds "Nguyen Van An" and
    # "nguyễn văn an" alike on SQLite and PostgreSQL, which fold accents differently or not at all.
    applicant_name_folded = models.CharField(max_length=255, blank=True)
    applicant_phone = models.CharField(max_length=20, blank=True)
    applicant_email = models.CharField(max_length=255, blank=True)
    # The filer is who acted: the applicant, someone acting for them online (``filed_as`` says as what, ``mandate``
    # what allowed it: a registry record, a written authorisation, a delegation), or the reception officer who
    # recorded a counter or postal filing (ID number, or the officer's username).
    filer_id_number = models.CharField(max_length=150, db_index=True)
    filer_name = models.CharField(max_length=255, blank=True)
    filed_as = models.CharField(max_length=25, choices=FILED_AS, default="self")
    mandate = models.CharField(max_length=60, blank=True)
    commune_code = models.CharField(max_length=5, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    form_data = models.JSONField(default=dict)
    evidence = models.JSONField(default=list)
    # Per field: taken from a registry (which, record version, when) or declared by the citizen.
    provenance = models.JSONField(default=dict)  # see ``origins``
    competent_agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 — NULL: no key, not unique
    request_digest = models.CharField(max_length=64, blank=True)
    # derived
    status = models.PositiveSmallIntegerField(choices=[(s.value, v[0]) for s, v in STATUS_LABELS.items()])
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="dossiers")
    step = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField(null=True)
    appointment_date = models.DateField(null=True)
    received_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    paused = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["applicant_id_number", "submitted_at"]),
            models.Index(fields=["filer_id_number", "submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["applicant_id_number", "idempotency_key"],
                                    name="unique_idempotency_key_per_applicant",
                                    condition=models.Q(idempotency_key__isnull=False)),
        ]

    # The state folded when this instance last recorded an action, so readers need not replay the journal
    # just written (``services.state_of`` checks it is of the current version). Not a column.
    folded_state: DossierState | None = None

    def __str__(self) -> str:
        return self.code

    @property
    def filed_as_label(self) -> tuple[str, str]:
        """How the filer stands to the applicant, in Vietnamese and English."""
        return filed_as_label(self.filed_as)

    @property
    def filed_for_someone(self) -> bool:
        """Filed online by someone acting for the applicant (not the applicant, not at the counter)."""
        return self.filed_as not in (SELF, ASSISTED)

    @property
    def followed_by(self) -> tuple[str, str]:
        """Who is told of the dossier's progress (ID number, name): who filed it for someone (a child, a deceased
        relative), else the applicant."""
        if self.filed_for_someone:
            return self.filer_id_number, self.filer_name
        return self.applicant_id_number, self.applicant_name

    @cached_property  # written once at submission; parsed once per instance, not per field shown
    def origins(self) -> Provenance:
        """Where each submitted value came from (the ``provenance`` column, typed)."""
        return Provenance.from_dict(self.provenance)


class DossierAction(ChainedEntry):
    """One entry of a dossier's append-only journal, chained by hash to the entry before it. Appends are
    serialized by the lock ``services.act`` takes on the dossier (a new dossier's first entry needs none)."""

    chain = Chain(stream="dossier", title="dossier", caller_locks_stream=True)

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=10)
    actor_id = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=255, blank=True)
    actor_agency = models.CharField(max_length=35, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    # The organisation a citizen's login acted for (NULL otherwise, so entries written before it hash the same).
    actor_organisation = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="unique_journal_seq")]

    @classmethod
    def stream_names(cls, keys):
        return dict(Dossier.objects.filter(pk__in=keys).values_list("pk", "code"))


class DailySequence(models.Model):
    """Per agency and day, the last number used in dossier codes."""

    agency_code = models.CharField(max_length=35)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="unique_daily_sequence")]


class DossierGroup(models.Model):
    """One application for an interlinked group of procedures (Nghị định 63/2024/NĐ-CP): the form filled in once,
    the members chosen, and the group's statutory time. Each member is a normal dossier at its own agency,
    submitted when its inputs exist (``GroupMember``)."""

    code = models.CharField(max_length=60, unique=True)
    group_code = models.CharField(max_length=40)
    applicant_id_number = models.CharField(max_length=20, db_index=True)
    applicant_name = models.CharField(max_length=255)
    applicant_phone = models.CharField(max_length=20, blank=True)
    applicant_email = models.CharField(max_length=255, blank=True)
    eid_level = models.PositiveSmallIntegerField(null=True)  # of the login that filed it: later members file under it
    commune_code = models.CharField(max_length=5, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    form_data = models.JSONField(default=dict)
    provenance = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()
    due_date = models.DateField()
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 — NULL: no key
    request_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["applicant_id_number", "idempotency_key"],
                                    name="unique_group_idempotency_key_per_applicant",
                                    condition=models.Q(idempotency_key__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code


class GroupMember(models.Model):
    """A member procedure of a group application: waiting for the result it needs, started (its dossier),
    blocked (it could not be filed: the reason says why, and the agency is alerted) or cancelled (the member it
    waited for was refused)."""

    STATES = [("waiting", "Chờ kết quả thủ tục trước"), ("started", "Đã chuyển đến cơ quan giải quyết"),
              ("blocked", "Chưa chuyển được"), ("cancelled", "Không thực hiện")]

    group = models.ForeignKey(DossierGroup, on_delete=models.PROTECT, related_name="members")
    procedure_code = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    statutory_days = models.PositiveSmallIntegerField()
    after = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=STATES)
    dossier = models.OneToOneField(Dossier, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="group_member")
    problem_vi = models.TextField(blank=True)
    problem_en = models.TextField(blank=True)
    result = models.JSONField(default=dict)  # what its result allotted, passed to the members after it
    started_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["group", "position"]
        constraints = [models.UniqueConstraint(fields=["group", "procedure_code"], name="unique_group_member")]
