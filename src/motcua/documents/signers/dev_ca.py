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

from motcua.core import keyfiles
from motcua.documents import pki
from motcua.documents.models import Certificate
from motcua.documents.signers import (
    BACKENDS,
    SignerBackend,
    SignerIdentity,
    SigningUnavailable,
    in_memory_signer,
    register_certificate,
)

CRL_REBUILD_AFTER = timedelta(hours=1)


@functools.lru_cache(maxsize=256)
def _announced_crl(pem: str) -> str:
    """Where a certificate says its revocation list is ("" when it does not say)."""
    try:
        points = x509.load_pem_x509_certificate(pem.encode()).extensions.get_extension_for_class(
            x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return ""
    return next((name.value for point in points for name in point.full_name or ()
                 if isinstance(name, x509.UniformResourceIdentifier)), "")
DEVELOPMENT_CA_REFUSED = ("the development CA signs only in the demo (MOTCUA_DEMO=1): set MOTCUA_SIGNING_BACKEND "
                          "to pkcs12 or pkcs11 (docs/deployment.md, Signing keys)")
_crl_cache: dict[tuple, tuple[datetime, bytes]] = {}


@BACKENDS.register("dev_ca")
class DevelopmentCA(SignerBackend):
    """A CA generated on first use under ``SIGNING["PKI_DIR"]``; it issues a certificate to each agency and
    official the first time they sign. Its private keys are kept in the database, sealed
    with the key-encryption key (motcua.core.sealing)."""

    def __init__(self) -> None:
        if not settings.DEVELOPMENT_CA:
            raise SigningUnavailable(DEVELOPMENT_CA_REFUSED)
        directory = Path(settings.SIGNING["PKI_DIR"])
        cert_path, key_path = directory / "dev-ca-cert.pem", directory / "dev-ca-key.pem"
        if not key_path.exists():
            ca = pki.new_ca()
            if keyfiles.create(key_path, ca.key_pem):  # else another process made the CA first: use that one
                keyfiles.create(cert_path, ca.cert_pem)
        self.ca = pki.Credential(cert_path.read_bytes(),
                                 keyfiles.read(key_path, allow_exposed=settings.DEMO_MODE))

    @property
    def crl_url(self) -> str:
        return f"{settings.PUBLIC_URL}/xac-thuc/crl.der"

    def signer_for(self, identity: SignerIdentity) -> tuple[signers.Signer, Certificate]:
        row = (Certificate.objects.filter(owner_kind=identity.kind, owner_code=identity.code,
                                          revoked_at__isnull=True, not_after__gt=timezone.now())
               .exclude(key_pem="").order_by("-not_before").first())
        # A new certificate when this CA did not issue the last one, or the demo now serves at another address
        # than the one its revocation list is announced at (a relying party could not check it).
        if (row is None or row.issuer != self.ca.certificate.subject.rfc4514_string()
                or _announced_crl(row.pem) != self.crl_url):
            row = self._issue(identity)
        return _loaded_signer(row.pem, row.key_pem, self.ca.cert_pem), row

    def _issue(self, identity: SignerIdentity) -> Certificate:
        credential = pki.issue(self.ca, identity.name, identity.organisation,
                               uid=identity.code if identity.kind == "official" else "", crl_url=self.crl_url)
        with transaction.atomic():  # the key is sealed by its column (Certificate.key_pem)
            return register_certificate(credential.certificate, identity, credential.key_pem.decode())

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
    return in_memory_signer(serialization.load_pem_private_key(key_pem.encode(), password=None),
                            x509.load_pem_x509_certificate(cert_pem.encode()),
                            [x509.load_pem_x509_certificate(ca_pem)])
