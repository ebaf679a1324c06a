"""PAdES signing and verification of PDFs with pyHanko, with the keys of the configured signing backend
(:mod:`motcua.documents.signers`); detached CMS signatures over bytes (audit seals) with the same keys and
the same trust and revocation checks."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import CertificateFetcher, Fetchers, FetchLimits
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from motcua.documents.models import Certificate
from motcua.documents.signers import SignerIdentity, asn1_certificate, backend
from motcua.documents.timestamps import TimestampUnavailable, authority


def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko's synchronous calls run their own event loop; where one already runs in this thread (an async
    server, a browser driver), the call is made from a helper thread instead. Only pure computation goes there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


# Room kept in the PDF for each CMS signature. Reserving it up front spares pyHanko a dry-run signature to
# estimate the size (a third of the signing time); 8 KiB holds an RSA-4096 signature with a 3-certificate chain,
# and a timestamp token (the TSA's signature and its own chain) as much again.
SIGNATURE_BYTES_RESERVED = 8192
TIMESTAMP_BYTES_RESERVED = 8192


@dataclass(frozen=True)
class Signature:
    """One signature to apply: who signs, and what the signature says."""

    identity: SignerIdentity
    field_name: str
    reason: str
    location: str = ""


def agency_seal(agency, reason: str) -> Signature:
    """The issuing agency's seal: the last signature on everything it issues."""
    return Signature(SignerIdentity("agency", agency.code, agency.name_vi, agency.name_vi), "ChuKyCoQuan", reason,
                     agency.name_vi)


def sign_pdf(pdf: bytes, signatures: list[Signature]) -> tuple[bytes, list[Certificate]]:
    """Apply PAdES signatures one after another (incremental updates); the last covers the whole file. Each
    carries a timestamp from the configured authority (B-T), unless the deployment chose none (B-B)."""
    used = []
    timestamper = authority().timestamper()
    reserved = SIGNATURE_BYTES_RESERVED + (TIMESTAMP_BYTES_RESERVED if timestamper else 0)
    for sig in signatures:
        signer, certificate = backend().signer_for(sig.identity)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(field_name=sig.field_name, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason=sig.reason, location=sig.location)
        try:
            pdf = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer, timestamper=timestamper,
                                      bytes_reserved=reserved).getvalue()
        except (TimestampRequestError, SigningError) as exc:
            if timestamper is None:
                raise
            raise TimestampUnavailable(f"{type(exc).__name__}: {exc}") from exc
        used.append(certificate)
    return pdf, used


# --- verification ------------------------------------------------------------------------------------

@dataclass
class SignatureCheck:
    field_name: str
    signer: str
    serial: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the certificate chains to a trusted root and was valid
    revoked_at: datetime | None  # the signing certificate was revoked
    covers_whole_file: bool
    changed_after: bool  # content changed after this signature in a later revision
    name: str = ""  # the certificate's common name: the official or the agency
    organisation: str = ""  # the certificate's organisation: the agency
    timestamped_at: datetime | None = None  # the time a time-stamping authority vouches for (PAdES B-T)
    timestamp_authority: str = ""
    timestamp_valid: bool | None = None  # None: no timestamp; else intact and from a trusted authority

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and self.revoked_at is None and not self.changed_after \
            and self.timestamp_valid is not False


@dataclass
class Verification:
    signatures: list[SignatureCheck] = field(default_factory=list)
    readable: bool = True

    @property
    def valid(self) -> bool:
        return self.readable and bool(self.signatures) and all(s.valid for s in self.signatures) and \
            self.signatures[-1].covers_whole_file


class _NoIssuerFetching(CertificateFetcher):
    """Issuer certificates are never fetched from the addresses a certificate names (its caIssuers): anyone can
    upload a PDF to the public verification page, so those addresses are the uploader's to choose, and the
    server would call them (internal ones included). Chains are built from the certificates the signature
    carries and the configured roots."""

    async def fetch_cert_issuers(self, cert):
        return
        yield

    async def fetch_crl_issuers(self, certificate_list):
        return
        yield

    def fetched_certs(self):
        return ()


class _RevocationFetching(RequestsFetcherBackend):
    """Revocation lists and OCSP answers only. They are asked for only once a chain to a trusted root is
    built, so the addresses come from certificates a trusted CA issued."""

    def get_fetchers(self) -> Fetchers:
        fetchers = super().get_fetchers()
        return Fetchers(ocsp_fetcher=fetchers.ocsp_fetcher, crl_fetcher=fetchers.crl_fetcher,
                        cert_fetcher=_NoIssuerFetching())


def _validation_context(moment: datetime | None = None, extra_roots: list | None = None) -> ValidationContext:
    """The trust roots of the configured backend and how revocation is learnt; certificates judged at
    ``moment`` (default now). The CA motcua runs itself hands its list over; another CA's list or OCSP
    responder, named in its certificates, is fetched (SIGNING["REVOCATION_MODE"] says what an unreachable one
    means). ``extra_roots``: the time-stamping authority's, in the context that checks timestamps only."""
    chosen = backend()
    roots = [asn1_certificate(c) for c in [*chosen.trust_roots(), *(extra_roots or [])]]
    crl = chosen.revocation_list()
    if crl is not None:
        return ValidationContext(trust_roots=roots, crls=[crl], allow_fetching=False, revocation_mode="soft-fail",
                                 moment=moment)
    return ValidationContext(
        trust_roots=roots, allow_fetching=True, revocation_mode=settings.SIGNING["REVOCATION_MODE"], moment=moment,
        fetcher_backend=_RevocationFetching(per_request_timeout=settings.SIGNING["REVOCATION_TIMEOUT_SECONDS"],
                                            limits=FetchLimits(max_requests=20, max_cert_requests=0)))


def _revoked() -> dict[str, datetime]:
    return dict(Certificate.objects.filter(revoked_at__isnull=False).values_list("serial", "revoked_at"))


def _revoked_at(status, serial: str, revoked: dict[str, datetime]) -> datetime | None:
    """When the signing certificate (or a CA above it) was revoked: motcua's own record, else the date the
    revocation list or OCSP answer gave."""
    if serial in revoked:
        return revoked[serial]
    details = status.revocation_details
    return details.revocation_date if details is not None else None


def _names(cert) -> dict[str, str]:
    subject = cert.subject.native
    return {"name": subject.get("common_name", ""), "organisation": subject.get("organization_name", "")}


def verify_pdf(data: bytes) -> Verification:
    """Check every signature of a PDF: integrity, trust chain, revocation, and nothing changed after it."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 — any unparsable upload is simply "not a signed PDF we can read"
        return Verification(readable=False)
    context = _validation_context()
    # a time-stamping authority's root vouches for times, never for who signed
    stamp_roots = authority().trust_roots()
    stamps = _validation_context(extra_roots=stamp_roots) if stamp_roots else context
    revoked = _revoked()
    result = Verification()
    for sig in embedded:
        try:
            status = _outside_event_loop(validate_pdf_signature, sig, context, ts_validation_context=stamps)
        except Exception:  # noqa: BLE001 — a malformed signature dictionary is an invalid signature
            result.signatures.append(SignatureCheck(sig.field_name, "", "", None, False, False, None, False, True))
            continue
        cert = status.signing_cert
        serial = format(cert.serial_number, "x")
        level = status.modification_level
        stamp = status.timestamp_validity
        result.signatures.append(SignatureCheck(
            field_name=sig.field_name, signer=cert.subject.human_friendly, serial=serial,
            signed_at=status.signer_reported_dt, intact=status.intact and status.valid, trusted=status.trusted,
            revoked_at=_revoked_at(status, serial, revoked),
            covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            changed_after=level is not None and level.name not in ("NONE", "LTA_UPDATES", "FORM_FILLING"),
            **_names(cert),
            timestamped_at=stamp.timestamp if stamp else None,
            timestamp_authority=_names(stamp.signing_cert)["name"] if stamp else "",
            timestamp_valid=(stamp.intact and stamp.valid and stamp.trusted) if stamp else None,
        ))
    return result


# --- detached signatures over bytes --------------------------------------------------------------------------

def sign_data(data: bytes, identity: SignerIdentity) -> tuple[bytes, Certificate]:
    """A detached CMS signature (DER) over ``data``, by the key the backend holds for ``identity``."""
    signer, certificate = backend().signer_for(identity)
    signed = _outside_event_loop(asyncio.run, signer.async_sign_general_data(data, "sha256", detached=True))
    return signed.dump(), certificate


def verify_data(data: bytes, signature: bytes, moment: datetime | None = None) -> SignatureCheck:
    """Check a detached CMS signature over ``data``: integrity, chain to a trusted root with the certificate
    judged at ``moment`` (when the data was signed; default now), and revocation."""
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        status = _outside_event_loop(asyncio.run, async_validate_detached_cms(
            data, signed_data, signer_validation_context=_validation_context(moment)))
    except Exception:  # noqa: BLE001 — an unreadable signature is an invalid one
        return SignatureCheck("", "", "", None, False, False, None, True, False)
    serial = format(status.signing_cert.serial_number, "x")
    return SignatureCheck(
        field_name="", signer=status.signing_cert.subject.human_friendly, serial=serial,
        signed_at=status.signer_reported_dt, intact=status.intact and status.valid, trusted=status.trusted,
        revoked_at=_revoked_at(status, serial, _revoked()),
        covers_whole_file=True, changed_after=False,
    )
