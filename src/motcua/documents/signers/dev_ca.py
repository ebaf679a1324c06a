from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from pyhanko.sign import signers

from motcua.documents import pki
from motcua.documents.models import Certificate
from motcua.documents.signers import (
    BACKENDS,
    SignerBackend,
    SignerIdentity,
    in_memory_signer,
    passphrase,
    register_certificate,
)

CRL_REBUILD_AFTER = timedelta(hours=1)
_crl_cache: dict[tuple, tuple[datetime, bytes]] = {}


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
                                      serialization.BestAvailableEncryption(passphrase()))
        with transaction.atomic():
            return register_certificate(credential.certificate, identity, encrypted.decode())

    def trust_roots(self) -> list[x509.Certificate]:
        return [self.ca.certificate, *super().trust_roots()]

    def revocation_list(self) -> bytes:
        """Built from the certificates recorded as revoked; rebuilt (signed again) when a revocation is
        recorded or after an hour, not for every verification."""
        revoked = Certificate.objects.filter(revoked_at__isnull=False)
        state = (self.ca.cert_pem, *revoked.aggregate(n=Count("id"), last=Max("revoked_at")).values())
        cached = _crl_cache.get(state)
        if cached and timezone.now() - cached[0] < CRL_REBUILD_AFTER:
            return cached[1]
        der = pki.build_crl(self.ca, [(int(serial, 16), at) for serial, at in
                                      revoked.values_list("serial", "revoked_at")])
        _crl_cache.clear()
        _crl_cache[state] = (timezone.now(), der)
        return der


@functools.lru_cache(maxsize=512)
def _loaded_signer(cert_pem: str, key_pem: str, ca_pem: bytes) -> signers.Signer:
    return in_memory_signer(serialization.load_pem_private_key(key_pem.encode(), password=passphrase()),
                            x509.load_pem_x509_certificate(cert_pem.encode()),
                            [x509.load_pem_x509_certificate(ca_pem)])
