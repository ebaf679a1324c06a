from __future__ import annotations

import functools
from pathlib import Path

from cryptography import x509
from django.conf import settings
from pyhanko.sign import signers

from motcua.documents.models import Certificate
from motcua.documents.signers import (
    BACKENDS,
    SignerBackend,
    SignerIdentity,
    SigningUnavailable,
    in_memory_signer,
    register_certificate,
)


@BACKENDS.register("pkcs12")
class Pkcs12Files(SignerBackend):
    """A deployment's own keys: ``<PKCS12_DIR>/<agency code or official username>.p12``."""

    @classmethod
    def check(cls) -> list[str]:
        directory = settings.SIGNING["PKCS12_DIR"]
        if not directory:
            problems = ["MOTCUA_SIGNING_PKCS12_DIR is not set"]
        elif not Path(directory).is_dir():
            problems = [f"MOTCUA_SIGNING_PKCS12_DIR: {directory} is not a directory"]
        else:
            problems = []
        return [*super().check(), *problems]

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

    key, cert, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(),
                                                         settings.SIGNING["PASSPHRASE"].encode() or None)
    return in_memory_signer(key, cert, chain)
