"""Public verification of issued documents (the page their QR code opens) and of uploaded files."""

from __future__ import annotations

import hashlib
import re

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.ratelimit import rate_limited
from motcua.core.web import pdf_response
from motcua.documents import signers, signing
from motcua.documents.models import IssuedDocument
from motcua.documents.timestamps import bundled

SUBJECT_ID = re.compile(rb"motcua:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def document_file(document: IssuedDocument) -> HttpResponse:
    """The signed PDF, shown in the browser; callers check who may read it."""
    with document.file.open("rb") as f:
        return pdf_response(f.read(), f'{document.doc_type}-{document.number.replace("/", "-")}.pdf')


def _masked(id_number: str) -> str:
    return "••••••••" + id_number[-4:]


def verification_context(document: IssuedDocument | None, data: bytes | None) -> dict:
    """What a check of ``data`` (and of the issuer's record of ``document``) found; shared by page and API."""
    check = signing.verify_pdf(data) if data is not None else None
    exact = document is not None and data is not None and hashlib.sha256(data).hexdigest() == document.sha256
    problems = []
    if check is not None and not check.readable:
        problems.append("unreadable")
    elif check is not None and not check.signatures:
        problems.append("unsigned")
    elif check is not None:
        if any(not s.intact or s.changed_after for s in check.signatures) or not check.signatures[-1].covers_whole_file:
            problems.append("tampered")
        # a changed file says nothing about its certificates: only intact signatures are judged on trust
        if any(s.intact and not s.trusted for s in check.signatures):
            problems.append("untrusted")
        if any(s.intact and s.timestamp_valid is False for s in check.signatures):
            problems.append("timestamp_untrusted")
        if any(s.revoked_at for s in check.signatures):
            problems.append("certificate_revoked")
    if document is not None and document.revoked_at:
        problems.append("document_revoked")
    if document is not None and data is not None and not exact and "tampered" not in problems:
        problems.append("not_the_issued_file")
    if document is None and check is not None and check.readable and check.signatures:
        problems.append("unknown_document")
    return {"document": document, "check": check, "problems": problems, "valid": check is not None and check.valid
            and not problems, "masked_id": _masked(document.owner_id_number) if document else "",
            "signers": [_signer(s, document) for s in check.signatures] if check is not None else []}


def _signer(check: signing.SignatureCheck, document: IssuedDocument | None) -> dict:
    """Who signed, in words: the official with the title the document prints, or the agency's seal."""
    official = check.field_name == "ChuKyNguoiKy"
    return {"check": check, "name": check.name or check.signer, "agency": check.organisation,
            "title": document.signer_title if official and document is not None else "", "seal": not official}


@require_http_methods(["GET", "POST"])
@rate_limited("verify", methods=("POST",))
def verify(request: HttpRequest, document_id=None) -> HttpResponse:
    """GET with an id (from the QR code): the issuer's record and a check of the stored file.
    POST a file: check its signatures and whether it is exactly the document the issuer recorded."""
    document = None
    if document_id is not None:
        document = (IssuedDocument.objects.select_related("issuer_agency").prefetch_related("certificates")
                    .filter(pk=document_id).first())
        if document is None:
            raise Http404("no such document")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size == 0:
            context = verification_context(document, None)
            context["form_error"] = True
            return render(request, "documents/verify.html", context, status=400)
        if upload.size > settings.MAX_UPLOAD_BYTES:
            context = verification_context(document, None)
            context["too_large"] = True
            return render(request, "documents/verify.html", context, status=413)
        data = upload.read()
        if document is None:
            found = SUBJECT_ID.search(data)
            document = IssuedDocument.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first() or (
                IssuedDocument.objects.filter(pk=found.group(1).decode()).first() if found else None)
        context = verification_context(document, data)
        context["uploaded"] = upload.name
        return render(request, "documents/verify.html", context)
    data = document.file.read() if document else None
    if document:
        document.file.close()
    return render(request, "documents/verify.html", verification_context(document, data))


def revocation_list(request: HttpRequest) -> HttpResponse:
    crl = signers.backend().revocation_list()
    if crl is None:
        raise Http404("revocation is published by the deployment's own CA")
    return HttpResponse(crl, content_type="application/pkix-crl")


def trust_root(request: HttpRequest) -> HttpResponse:
    roots = signers.backend().trust_roots()
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in roots)
    return HttpResponse(pem, content_type="application/x-pem-file")


@csrf_exempt  # a protocol endpoint (RFC 3161 §3.4), asked by time-stamping clients, never by a browser form
@require_POST
def timestamp(request: HttpRequest) -> HttpResponse:
    """The bundled time-stamping authority (demo and tests only: 404 where the development CA does not sign)."""
    if not settings.DEVELOPMENT_CA:
        raise Http404("the bundled time-stamping authority serves only the demo")
    if request.content_type != "application/timestamp-query":
        return HttpResponse("Content-Type must be application/timestamp-query", status=415,
                            content_type="text/plain")
    query = request.read(bundled.MAX_QUERY_BYTES + 1)
    if len(query) > bundled.MAX_QUERY_BYTES:
        return HttpResponse("timestamp query too large", status=413, content_type="text/plain")
    return HttpResponse(bundled.respond(query), content_type="application/timestamp-reply")
