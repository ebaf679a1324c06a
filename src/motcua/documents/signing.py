"""PAdES signing and verification of PDFs with pyHanko.

Where keys live is a plug-in (``settings.SIGNING["BACKEND"]``): the development CA, PKCS#12 files or a
PKCS#11 token. Every backend hands out pyHanko signers for "the agency's seal" and "this official", and
registers the certificates it uses so the verification page can name them and revocation can be checked.
"""

from __future__ import annotations

import asyncio
import functools
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.core.errors import Unavailable
from motcua.core.plugins import PluginRegistry
from motcua.documents import pki
from motcua.documents.models import Certificate


class SigningUnavailable(Unavailable):
    """No key for this signer (no PKCS#12 file, no key on the token, unreadable CA); ``detail`` says which,
    for the operator's log."""

    def __init__(self, detail: str) -> None:
        super().__init__("signing_unavailable", "Không ký số được: chưa có chứng thư số cho người ký hoặc cơ quan.",
                         "Cannot sign: no signing certificate for the signer or the agency.")
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class SignerIdentity:
    kind: str  # "agency" | "official"
    code: str  # agency code or official username
    name: str  # agency name or official's full name
    organisation: str = ""


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _InMemoryKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses the private key on every signature (about 30 ms for RSA); this one
    keeps the parsed key, so signing costs what the RSA operation costs."""

    def __init__(self, private_key, **kwargs) -> None:
        super().__init__(signing_key=None, **kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._private_key, EllipticCurvePrivateKey):
            return self._private_key.sign(data, ECDSA(hash_algorithm))
        return self._private_key.sign(data, PKCS1v15(), hash_algorithm)


def register_certificate(cert: x509.Certificate, identity: SignerIdentity, key_pem: str = "") -> Certificate:
    serial = format(cert.serial_number, "x")
    row, _ = Certificate.objects.get_or_create(serial=serial, defaults={
        "owner_kind": identity.kind, "owner_code": identity.code, "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(), "pem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "key_pem": key_pem, "not_before": cert.not_valid_before_utc, "not_after": cert.not_valid_after_utc,
    })
    return row


class SignerBackend:
    key: str

    def signer_for(self, identity: SignerIdentity) -> tuple[signers.Signer, Certificate]:
        raise NotImplementedError

    def trust_roots(self) -> list[x509.Certificate]:
        return [cert for path in settings.SIGNING["TRUST_ROOTS"]
                for cert in x509.load_pem_x509_certificates(Path(path).read_bytes())]

    def crls(self) -> list[bytes]:
        return []


BACKENDS: PluginRegistry[SignerBackend] = PluginRegistry("signing backend")


def _passphrase() -> bytes:
    return (settings.SIGNING["PASSPHRASE"] or settings.SECRET_KEY).encode()


@BACKENDS.register("dev_ca")
class DevelopmentCA(SignerBackend):
    """A CA generated on first use under ``SIGNING["PKI_DIR"]``; it issues a certificate to each agency and
    official the first time they sign. Its private keys are kept in the database, encrypted."""

    def __init__(self) -> None:
        directory = Path(settings.SIGNING["PKI_DIR"])
        cert_path, key_path = directory / "dev-ca-cert.pem", directory / "dev-ca-key.pem"
        if not cert_path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            ca = pki.new_ca()
            key_path.write_bytes(ca.key_pem)
            key_path.chmod(0o600)
            cert_path.write_bytes(ca.cert_pem)
        self.ca = pki.Credential(cert_path.read_bytes(), key_path.read_bytes())

    @property
    def crl_url(self) -> str:
        return f"{settings.PUBLIC_URL}/xac-thuc/crl.der"

    def signer_for(self, identity: SignerIdentity) -> tuple[signers.Signer, Certificate]:
        row = (Certificate.objects.filter(owner_kind=identity.kind, owner_code=identity.code,
                                          revoked_at__isnull=True, not_after__gt=timezone.now())
               .exclude(key_pem="").order_by("-not_before").first())
        if row is None or row.issuer != self.ca.certificate.subject.rfc4514_string():
            row = self._issue(identity)
        return _loaded_signer(row.pem, row.key_pem, self.ca.cert_pem), row

    def _issue(self, identity: SignerIdentity) -> Certificate:
        credential = pki.issue(self.ca, identity.name, identity.organisation,
                               uid=identity.code if identity.kind == "official" else "", crl_url=self.crl_url)
        encrypted = credential.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(_passphrase()))
        with transaction.atomic():
            return register_certificate(credential.certificate, identity, encrypted.decode())

    def trust_roots(self) -> list[x509.Certificate]:
        return [self.ca.certificate, *super().trust_roots()]

    def crls(self) -> list[bytes]:
        return [revocation_list(self)]


@functools.lru_cache(maxsize=512)
def _loaded_signer(cert_pem: str, key_pem: str, ca_pem: bytes) -> signers.Signer:
    return _in_memory_signer(serialization.load_pem_private_key(key_pem.encode(), password=_passphrase()),
                             x509.load_pem_x509_certificate(cert_pem.encode()),
                             [x509.load_pem_x509_certificate(ca_pem)])


def _in_memory_signer(key, cert: x509.Certificate, chain: list[x509.Certificate]) -> signers.Signer:
    return _InMemoryKeySigner(key, signing_cert=_asn1(cert),
                              cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]))


@BACKENDS.register("pkcs12")
class Pkcs12Files(SignerBackend):
    """A deployment's own keys: ``<PKCS12_DIR>/<agency code or official username>.p12``."""

    def signer_for(self, identity: SignerIdentity) -> tuple[signers.Signer, Certificate]:
        path = Path(settings.SIGNING["PKCS12_DIR"]) / f"{identity.code}.p12"
        if not path.exists():
            raise SigningUnavailable(f"no PKCS#12 file for {identity.kind} {identity.code}")
        signer = _pkcs12_signer(str(path), path.stat().st_mtime)
        cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
        return signer, register_certificate(cert, identity)


@functools.lru_cache(maxsize=512)
def _pkcs12_signer(path: str, mtime: float) -> signers.Signer:
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), _passphrase())
    return _in_memory_signer(key, cert, chain)


@BACKENDS.register("pkcs11")
class Pkcs11Token(SignerBackend):
    """Keys that never leave a token (HSM, USB token): the private key and its certificate carry the label
    ``<agency code>`` or ``<official username>`` on the token named by ``PKCS11_TOKEN``."""

    def signer_for(self, identity: SignerIdentity) -> tuple[signers.Signer, Certificate]:
        from pkcs11.exceptions import PKCS11Error
        from pyhanko.sign import pkcs11 as pyhanko_pkcs11

        try:
            signer = pyhanko_pkcs11.PKCS11Signer(_pkcs11_session(), key_label=identity.code,
                                                 cert_label=identity.code)
            cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
        except (PKCS11Error, SigningError) as exc:
            raise SigningUnavailable(f"no key labelled {identity.code} on the token: {exc}") from exc
        return signer, register_certificate(cert, identity)


@functools.lru_cache(maxsize=1)
def _pkcs11_session():
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as pyhanko_pkcs11

    config = settings.SIGNING
    if not config["PKCS11_MODULE"]:
        raise SigningUnavailable("MOTCUA_SIGNING_PKCS11_MODULE is not set")
    return pyhanko_pkcs11.open_pkcs11_session(config["PKCS11_MODULE"],
                                              token_criteria=TokenCriteria(label=config["PKCS11_TOKEN"] or None),
                                              user_pin=config["PASSPHRASE"])


def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko's synchronous calls run their own event loop; where one already runs in this thread (an async
    server, a browser driver), the call is made from a helper thread instead. Only pure computation goes there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def backend() -> SignerBackend:
    return _backend(settings.SIGNING["BACKEND"], str(settings.SIGNING["PKI_DIR"]))


@functools.lru_cache(maxsize=4)
def _backend(key: str, pki_dir: str) -> SignerBackend:
    return BACKENDS[key]()


_crl_cache: dict[tuple, tuple[datetime, bytes]] = {}
CRL_REBUILD_AFTER = timedelta(hours=1)


def revocation_list(ca_backend: DevelopmentCA) -> bytes:
    """The development CA's CRL, from the certificates recorded as revoked; rebuilt (signed again) when a
    revocation is recorded or after an hour, not for every verification."""
    revoked = Certificate.objects.filter(revoked_at__isnull=False)
    state = (ca_backend.ca.cert_pem, *revoked.aggregate(n=Count("id"), last=Max("revoked_at")).values())
    cached = _crl_cache.get(state)
    if cached and timezone.now() - cached[0] < CRL_REBUILD_AFTER:
        return cached[1]
    der = pki.build_crl(ca_backend.ca, [(int(serial, 16), at) for serial, at in
                                        revoked.values_list("serial", "revoked_at")])
    _crl_cache.clear()
    _crl_cache[state] = (timezone.now(), der)
    return der


# Room kept in the PDF for each CMS signature. Reserving it up front spares pyHanko a dry-run signature to
# estimate the size (a third of the signing time); 8 KiB holds an RSA-4096 signature with a 3-certificate chain.
SIGNATURE_BYTES_RESERVED = 8192


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
    """Apply PAdES B-B signatures one after another (incremental updates); the last covers the whole file."""
    used = []
    for sig in signatures:
        signer, certificate = backend().signer_for(sig.identity)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(field_name=sig.field_name, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason=sig.reason, location=sig.location)
        pdf = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer,
                                  bytes_reserved=SIGNATURE_BYTES_RESERVED).getvalue()
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

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and self.revoked_at is None and not self.changed_after


@dataclass
class Verification:
    signatures: list[SignatureCheck] = field(default_factory=list)
    readable: bool = True

    @property
    def valid(self) -> bool:
        return self.readable and bool(self.signatures) and all(s.valid for s in self.signatures) and \
            self.signatures[-1].covers_whole_file


def verify_pdf(data: bytes) -> Verification:
    """Check every signature of a PDF: integrity, trust chain, revocation, and nothing changed after it."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 — any unparsable upload is simply "not a signed PDF we can read"
        return Verification(readable=False)
    chosen = backend()
    context = ValidationContext(trust_roots=[_asn1(c) for c in chosen.trust_roots()], crls=chosen.crls(),
                                allow_fetching=False, revocation_mode="soft-fail")
    revoked = dict(Certificate.objects.filter(revoked_at__isnull=False).values_list("serial", "revoked_at"))
    result = Verification()
    for sig in embedded:
        try:
            status = _outside_event_loop(validate_pdf_signature, sig, context)
        except Exception:  # noqa: BLE001 — a malformed signature dictionary is an invalid signature
            result.signatures.append(SignatureCheck(sig.field_name, "", "", None, False, False, None, False, True))
            continue
        cert = status.signing_cert
        serial = format(cert.serial_number, "x")
        level = status.modification_level
        result.signatures.append(SignatureCheck(
            field_name=sig.field_name, signer=cert.subject.human_friendly, serial=serial,
            signed_at=status.signer_reported_dt, intact=status.intact and status.valid, trusted=status.trusted,
            revoked_at=revoked.get(serial) or (datetime.now(UTC) if status.revoked else None),
            covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            changed_after=level is not None and level.name not in ("NONE", "LTA_UPDATES", "FORM_FILLING"),
        ))
    return result
