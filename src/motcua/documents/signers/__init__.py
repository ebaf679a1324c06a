"""Signing backends: where the keys live. One module per backend in this package (the development CA,
PKCS#12 files, a PKCS#11 token), registered in :data:`BACKENDS`; ``settings.SIGNING["BACKEND"]`` chooses one.
Every backend hands out pyHanko signers for "the agency's seal" and "this official", and registers the
certificates it uses so the verification page can name them and revocation can be checked."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.core.errors import Unavailable
from motcua.core.plugins import Plugin, PluginRegistry
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


def asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class InMemoryKeySigner(signers.SimpleSigner):
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


def in_memory_signer(key, cert: x509.Certificate, chain: list[x509.Certificate]) -> signers.Signer:
    return InMemoryKeySigner(key, signing_cert=asn1_certificate(cert),
                             cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in chain]))


def register_certificate(cert: x509.Certificate, identity: SignerIdentity, key_pem: str = "") -> Certificate:
    serial = format(cert.serial_number, "x")
    row, _ = Certificate.objects.get_or_create(serial=serial, defaults={
        "owner_kind": identity.kind, "owner_code": identity.code, "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(), "pem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "key_pem": key_pem, "not_before": cert.not_valid_before_utc, "not_after": cert.not_valid_after_utc,
    })
    return row


class SignerBackend(Plugin):
    @classmethod
    def check(cls) -> list[str]:
        return [f"MOTCUA_SIGNING_TRUST_ROOTS: {path} is not a file" for path in settings.SIGNING["TRUST_ROOTS"]
                if not Path(path).is_file()]

    def signer_for(self, identity: SignerIdentity) -> tuple[signers.Signer, Certificate]:
        raise NotImplementedError

    def trust_roots(self) -> list[x509.Certificate]:
        return [cert for path in settings.SIGNING["TRUST_ROOTS"]
                for cert in x509.load_pem_x509_certificates(Path(path).read_bytes())]

    def revocation_list(self) -> bytes | None:
        """The CRL (DER) of a CA that motcua runs itself, published at /xac-thuc/crl.der; None when the
        deployment's own CA publishes revocation."""
        return None


BACKENDS: PluginRegistry[SignerBackend] = PluginRegistry("signing backend", SignerBackend, __name__)


def backend() -> SignerBackend:
    """The configured backend."""
    return _backend(settings.SIGNING["BACKEND"], str(settings.SIGNING["PKI_DIR"]))


@functools.lru_cache(maxsize=4)
def _backend(key: str, pki_dir: str) -> SignerBackend:
    return BACKENDS[key]()
