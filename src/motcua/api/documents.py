"""Documents API: signed results and receipts of a dossier, the citizen's wallet, the signed file and its
public verification."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, ErrorOut, Named, caller, citizen_caller, official_caller
from motcua.core import ratelimit
from motcua.core.errors import NotFound
from motcua.core.web import pdf_response
from motcua.documents.issuing import verification_url
from motcua.documents.models import IssuedDocument
from motcua.documents.results import preview_result
from motcua.documents.services import readable_document, wallet_of
from motcua.documents.views import document_file as document_file_response
from motcua.documents.views import verification_context
from motcua.dossiers.services import READING_DOSSIER, READING_PREVIEW, readable_dossier, record_read
from motcua.eid.scopes import DOCUMENTS_READ

router = Router(tags=["documents"])


class IssuedDocumentOut(Schema):
    id: str
    kind: Literal["result", "receipt"]
    doc_type: str
    number: str
    title_vi: str
    title_en: str
    issuer: Named
    issued_at: datetime
    signed_by: str
    sha256: str
    revoked: bool
    verify_url: str
    file_url: str


def _document_out(document) -> dict:
    return {
        "id": str(document.id), "kind": document.kind, "doc_type": document.doc_type, "number": document.number,
        "title_vi": document.title_vi, "title_en": document.title_en,
        "issuer": {"code": document.issuer_agency.code, "name_vi": document.issuer_agency.name_vi,
                   "name_en": document.issuer_agency.name_en},
        "issued_at": document.issued_at, "signed_by": document.signed_by, "sha256": document.sha256,
        "revoked": document.revoked_at is not None, "verify_url": verification_url(document.id),
        "file_url": f"/api/documents/{document.id}/file",
    }


@router.get("/dossiers/{code}/documents", response={200: list[IssuedDocumentOut], **ERRORS}, auth=ActorAuth(DOCUMENTS_READ),
            summary="Signed results and receipts issued for a dossier")
def dossier_documents(request: HttpRequest, code: str):
    dossier, _state = readable_dossier(caller(request), code, READING_DOSSIER)
    return [_document_out(d) for d in dossier.issued_documents.select_related("issuer_agency").order_by("issued_at")]


@router.get("/dossiers/{code}/result-preview", response={200: None, **ERRORS}, auth=ActorAuth(),
            summary="The result as the deciding official would sign it now: an unsigned PDF marked as a preview",
            description="For the official who may complete the dossier at its current step (403 otherwise), to "
                        "review before approving (`reviewed: true`). The registries' effects are tried and undone: "
                        "what they would refuse is refused here (409). Numbers drawn at signing are printed as "
                        "such; nothing is stored.")
def result_preview(request: HttpRequest, code: str):
    actor = official_caller(request)
    dossier, state = readable_dossier(actor, code, "")
    data = preview_result(dossier, state, actor)
    record_read(actor, dossier, READING_PREVIEW)
    return pdf_response(data, f"xem-truoc-{dossier.code}.pdf")


@router.get("/wallet", response={200: list[IssuedDocumentOut], **ERRORS}, auth=ActorAuth(DOCUMENTS_READ),
            summary="The calling citizen's document wallet")
def wallet(request: HttpRequest):
    return [_document_out(d) for d in wallet_of(citizen_caller(request).id)]


@router.get("/documents/{document_id}/file", response={200: None, **ERRORS}, auth=ActorAuth(DOCUMENTS_READ),
            summary="The signed PDF (its owner, or an official who may read its dossier)")
def document_file(request: HttpRequest, document_id: uuid.UUID):
    return document_file_response(readable_document(caller(request), document_id))


class SignatureOut(Schema):
    field_name: str
    signer: str
    serial: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    revoked_at: datetime | None
    covers_whole_file: bool
    name: str = Field(description="the certificate's common name: the official or the agency")
    organisation: str = Field(description="the certificate's organisation: the agency")
    timestamped_at: datetime | None = Field(description="the time an RFC 3161 time-stamping authority certified "
                                                        "(PAdES B-T); null without a timestamp")
    timestamp_authority: str
    timestamp_valid: bool | None = Field(description="the timestamp is intact and from a trusted authority; null "
                                                     "without a timestamp")


class VerificationOut(Schema):
    valid: bool
    problems: list[str] = Field(description="tampered, untrusted, timestamp_untrusted, certificate_revoked, "
                                            "document_revoked, not_the_issued_file, unknown_document, unsigned, "
                                            "unreadable")
    signer_title: str = Field(description="the deciding official's title as the document prints it")
    number: str
    title_vi: str
    title_en: str
    issuer: Named
    issued_at: datetime
    revoked_at: datetime | None
    signatures: list[SignatureOut]


@router.get("/documents/{document_id}/verification", response={200: VerificationOut, 404: ErrorOut, 429: ErrorOut},
            summary="Public verification of an issued document (what its QR code shows)")
def verify_document(request: HttpRequest, document_id: uuid.UUID):
    ratelimit.check(request, "verify")
    document = IssuedDocument.objects.select_related("issuer_agency").filter(pk=document_id).first()
    if document is None:
        raise NotFound(str(document_id))
    with document.file.open("rb") as f:
        context = verification_context(document, f.read())
    return {
        "valid": context["valid"], "problems": context["problems"], "number": document.number,
        "title_vi": document.title_vi, "title_en": document.title_en,
        "issuer": {"code": document.issuer_agency.code, "name_vi": document.issuer_agency.name_vi,
                   "name_en": document.issuer_agency.name_en},
        "issued_at": document.issued_at, "revoked_at": document.revoked_at, "signer_title": document.signer_title,
        "signatures": [vars(s) for s in context["check"].signatures],
    }


