"""Written authorisations (văn bản ủy quyền) and their append-only log."""

from django.db import models
from django.utils import timezone

from motcua.core.chained import Chain, ChainedEntry


def _content_path(instance: "Authorisation", filename: str) -> str:
    # Content-addressed, as dossier evidence is: the same bytes are stored once.
    return f"authorisations/{instance.file_sha256[:2]}/{instance.file_sha256}{instance.extension}"


class Authorisation(models.Model):
    """One person (the grantor) lets another (the grantee) file the named procedures for them until a date.
    ``signed``: created in the portal under the grantor's e-ID login, which is their signature; ``paper``: a
    scan the grantee uploaded, which the reception officer checks against the original. The row is the current
    state; what happened to it is its :class:`AuthorisationEntry` log."""

    KIND_LABELS = {"signed": ("Ký trên cổng bằng tài khoản định danh điện tử", "Signed on the portal with the e-ID account"),
                   "paper": ("Văn bản giấy, kiểm tra khi tiếp nhận", "On paper, checked at reception")}

    kind = models.CharField(max_length=10, choices=[(k, v[0]) for k, v in KIND_LABELS.items()])
    grantor_id_number = models.CharField(max_length=12, db_index=True)
    grantor_name = models.CharField(max_length=255)
    grantee_id_number = models.CharField(max_length=12, db_index=True)
    grantee_name = models.CharField(max_length=255)
    procedure_codes = models.JSONField(default=list)
    valid_from = models.DateField()
    valid_until = models.DateField()
    created_at = models.DateTimeField()
    eid_level = models.PositiveSmallIntegerField(null=True)  # of the login that signed it
    # paper: the scan the grantee uploaded, stored by its digest
    file = models.FileField(upload_to=_content_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["grantee_id_number", "grantor_id_number"])]

    def __str__(self) -> str:
        return f"{self.grantor_id_number} → {self.grantee_id_number}"

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")

    @property
    def reference(self) -> str:
        return f"authorisation:{self.pk}"


class AuthorisationEntry(ChainedEntry):
    """What was done to a person's authorisations (signed, uploaded, revoked), by whom and when, with the
    terms as they stood: append-only, chained by hash per grantor, sealed and verified with the other logs."""

    chain = Chain(stream="grantor_id_number", title="authorisations of person")
    KINDS = [("signed", "Ký"), ("uploaded", "Tải lên văn bản giấy"), ("revoked", "Thu hồi")]

    grantor_id_number = models.CharField(max_length=12)
    authorisation_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=KINDS)
    actor_id = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=255, blank=True)
    eid_level = models.PositiveSmallIntegerField(null=True)
    terms = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grantor_id_number", "seq"],
                                               name="unique_authorisation_entry_seq")]
