"""Reading issued documents: the citizen's wallet, who may open a signed file, a dossier's evidence files."""

from __future__ import annotations

import uuid

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.errors import Forbidden, Invalid, NotFound
from motcua.documents.models import Attachment, IssuedDocument
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import READING_RESULT, can_read, changed, record_read
from motcua.identity import second_factor
from motcua.identity.actors import Actor, Role
from motcua.registries.access import log_wallet_read
from motcua.registries.changes import ChangeSource, withdraw_document


def wallet_of(id_number: str) -> QuerySet[IssuedDocument]:
    """Every result and receipt issued to a person and in force, newest first (a revoked one is withdrawn;
    its dossier's page still shows it, marked revoked)."""
    return (IssuedDocument.objects.filter(owner_id_number=id_number, revoked_at__isnull=True)
            .select_related("issuer_agency", "dossier").order_by("-issued_at"))


def readable_document(actor: Actor, document_id: uuid.UUID | str) -> IssuedDocument:
    """A signed file opens for its owner, or an official who may read its dossier."""
    document = (IssuedDocument.objects.select_related("dossier__agency", "dossier__competent_agency", "issuer_agency")
                .filter(pk=document_id).first())
    if document is None:
        raise NotFound(str(document_id))
    if not can_read(actor, document.dossier):
        raise Forbidden("not_yours", "Bạn không có quyền xem văn bản này.", "You may not read this document.")
    record_read(actor, document.dossier, READING_RESULT)
    return document


def opened_attachment(actor: Actor, dossier: Dossier, attachment_id: int) -> tuple[Attachment, File]:
    """An evidence file of a dossier the actor may read (``readable_dossier`` checked that). One taken from the
    applicant's wallet is served from the wallet, and an official opening it is a logged registry read."""
    found = Attachment.objects.select_related("from_document").filter(dossier=dossier, pk=attachment_id).first()
    if found is None:
        raise NotFound(str(attachment_id))
    stored = found.from_document.file if found.from_document else found.file
    if not stored:
        raise NotFound(str(attachment_id))
    if found.origin == "wallet" and actor.kind == "official":
        log_wallet_read(actor, dossier, "Xem giấy tờ lấy từ kho dữ liệu khi giải quyết hồ sơ")
    return found, stored


class RevocationRefused(Forbidden):
    def __init__(self) -> None:
        super().__init__("not_issuer_leader", "Chỉ lãnh đạo cơ quan ban hành được thu hồi văn bản.",
                         "Only a leader of the issuing agency may revoke a document.")


def revoke(document: IssuedDocument, actor: Actor, reason: str, confirmation: str) -> bool:
    """A leader of the issuing agency revokes a document issued in error, confirming with a fresh second factor
    (``confirmation``): its verification page says so, it leaves the owner's wallet (it can no longer serve as
    evidence) and no longer counts in the index. Returns False when it was revoked already."""
    if actor.role != Role.LEADER or actor.agency_code != document.issuer_agency.code:
        raise RevocationRefused()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason_required", "Cần ghi rõ lý do thu hồi.", "Give the reason for revoking the document.",
                      "reason")
    second_factor.confirm_fresh(actor.id, confirmation, "revoke")
    return _revoke(document, actor, reason)


@transaction.atomic
def _revoke(document: IssuedDocument, actor: Actor, reason: str) -> bool:
    if document.revoked_at is not None:
        return False
    document.revoked_at, document.revocation_reason = timezone.now(), f"{reason[:200]} — {actor.name}"[:255]
    document.save(update_fields=["revoked_at", "revocation_reason"])
    withdraw_document(str(document.id), ChangeSource("dossier", document.dossier.code, actor.id,
                                                     f"Thu hồi: {reason[:200]}"))
    changed(document.dossier)
    return True
