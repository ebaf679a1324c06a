"""Signing certificates, issued (signed) documents and the evidence files of dossiers."""

import uuid

from django.db import models

from motcua.core.sealing import SealedTextField


def _content_path(instance, filename: str) -> str:
    # Content-addressed: the same bytes are stored once, and a rolled-back write leaves nothing that a
    # record points to by mistake.
    return f"{instance.STORE}/{instance.sha256[:2]}/{instance.sha256}{instance.EXTENSION}"


class Certificate(models.Model):
    """A signing certificate the system knows: issued by the development CA (with its key, sealed), or
    registered from a deployment's PKCS#12 file or token (certificate only). Revocation is recorded here
    and published in the CA's revocation list."""

    OWNER_KINDS = [("agency", "Cơ quan"), ("official", "Cán bộ"), ("system", "Hệ thống")]  # system: audit seals

    serial = models.CharField(max_length=50, unique=True)  # hexadecimal
    owner_kind = models.CharField(max_length=10, choices=OWNER_KINDS)
    owner_code = models.CharField(max_length=150)  # agency code, official username or system key name
    subject = models.CharField(max_length=500)
    issuer = models.CharField(max_length=500)
    pem = models.TextField()
    key_pem = SealedTextField(blank=True)  # development CA only: the private key, sealed (motcua.core.sealing)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner_kind", "owner_code"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class IssuedDocument(models.Model):
    """A result or receipt the state issued: signed PDF, public verification by its id (in the QR code),
    and the owner's document wallet."""

    STORE, EXTENSION = "issued", ".pdf"
    KINDS = [("result", "Kết quả giải quyết"), ("receipt", "Biên lai thu phí, lệ phí")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=KINDS)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="issued_documents")
    owner_id_number = models.CharField(max_length=12)
    owner_name = models.CharField(max_length=255)
    doc_type = models.CharField(max_length=60)
    number = models.CharField(max_length=60)
    title_vi = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255)
    issuer_agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    signed_by = models.CharField(max_length=255)
    signer_title = models.CharField(max_length=120, blank=True)  # as the document prints it: "Phó Chủ tịch"
    certificates = models.ManyToManyField(Certificate, related_name="documents")
    sha256 = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to=_content_path)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner_id_number", "kind", "-issued_at"])]
        constraints = [models.UniqueConstraint(fields=["issuer_agency", "kind", "number"],
                                               name="unique_document_number_per_issuer")]

    def __str__(self) -> str:
        return f"{self.number} {self.title_vi}"


class Signatory(models.Model):
    """An official who signs results as a deputy of the agency's head (a vice-chair of the People's Committee):
    the signature block then reads "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Decree 30/2020/NĐ-CP). Officials without a
    row sign as the head."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.CASCADE, related_name="+")
    official_id = models.CharField(max_length=150)
    deputy = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "official_id"], name="one_signatory_row")]


class Attachment(models.Model):
    """One file of a dossier's evidence: uploaded by the citizen, scanned at the counter (digitized from
    paper), or taken from the citizen's wallet (a document the state already issued: never asked again)."""

    STORE = "evidence"
    ORIGINS = [("upload", "Công dân tải lên"), ("scan", "Số hóa tại bộ phận một cửa"), ("wallet", "Lấy từ kho dữ liệu")]

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="attachments")
    evidence_code = models.CharField(max_length=63)
    origin = models.CharField(max_length=10, choices=ORIGINS)
    file = models.FileField(upload_to=_content_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(default=0)
    original_name = models.CharField(max_length=255, blank=True)
    from_document = models.ForeignKey(IssuedDocument, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="reuses")
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(auto_now_add=True)
    # The journal entry (seq) it came with: the submission, or the citizen's supplement.
    added_with = models.PositiveIntegerField(null=True, blank=True)

    @property
    def EXTENSION(self) -> str:  # noqa: N802 — same name as IssuedDocument's constant
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(self.content_type, "")

    @property
    def digitized(self) -> bool:
        """Held electronically by the state: scanned at the counter or reused from the wallet."""
        return self.origin in ("scan", "wallet")
