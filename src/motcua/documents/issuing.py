"""Issuing a signed document (a result or a receipt): number it, render it with a QR code to its public
verification page, sign it (PAdES), store it and, for results, put it in the owner's wallet."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from motcua.catalog.models import Agency
from motcua.documents.models import IssuedDocument
from motcua.documents.signing import Signature, sign_pdf
from motcua.dossiers.lifecycle import local_date
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import next_number

NUMBER_SUFFIX = {"result": "KQ", "receipt": "BL"}


@dataclass(frozen=True)
class Draft:
    """What the renderer needs to print on the document besides the dossier's own data. A preview is shown to
    the deciding official before signing: unsigned, unnumbered, stored nowhere."""

    id: uuid.UUID
    number: str
    issued_at: datetime
    verify_url: str
    preview: bool = False


def verification_url(document_id: uuid.UUID | str) -> str:
    return settings.PUBLIC_URL + reverse("documents:verify", args=[document_id])


def issue(dossier: Dossier, kind: str, doc_type: str, title: tuple[str, str], issuer: Agency, at: datetime,
          signed_by: str, signatures: list[Signature], render: Callable[[Draft], bytes],
          signer_title: str = "") -> IssuedDocument:
    """Call inside the transaction of the action that issues the document: a failure leaves nothing."""
    day = local_date(at)
    number = f"{next_number(f'{issuer.code}/{NUMBER_SUFFIX[kind]}', day.replace(month=1, day=1)):06d}" \
             f"/{day.year}/{NUMBER_SUFFIX[kind]}"
    document_id = uuid.uuid4()
    draft = Draft(document_id, number, at, verification_url(document_id))
    signed, certificates = sign_pdf(render(draft), signatures)
    digest = hashlib.sha256(signed).hexdigest()
    document = IssuedDocument(
        id=draft.id, kind=kind, dossier=dossier, owner_id_number=dossier.applicant_id_number,
        owner_name=dossier.applicant_name, doc_type=doc_type, number=number, title_vi=title[0], title_en=title[1],
        issuer_agency=issuer, issued_at=at, signed_by=signed_by, signer_title=signer_title, sha256=digest,
    )
    document.file.save(f"{digest}.pdf", ContentFile(signed), save=False)
    document.save(force_insert=True)
    document.certificates.set(certificates)
    return document
