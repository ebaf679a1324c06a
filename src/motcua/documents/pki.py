"""Certificates for signing results: a development CA, the certificates it issues to agencies (the
seal) and officials (personal signature), and its revocation list. Pure ``cryptography``, no Django:
a deployment replaces all of this with its own keys (PKCS#12 files or a PKCS#11 token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_BITS = 2048
# RFC 9336 id-kp-documentSigning: the certificate signs documents people read (not e-mail, not code).
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")


@dataclass(frozen=True)
class Credential:
    """A certificate and its private key, both PEM."""

    cert_pem: bytes
    key_pem: bytes

    @cached_property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)

    @cached_property
    def private_key(self):
        # Parsing an RSA key checks it, which costs tens of milliseconds: done once per credential.
        return serialization.load_pem_private_key(self.key_pem, password=None)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common_name: str, organisation: str = "", uid: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    if uid:
        parts.append(x509.NameAttribute(NameOID.USER_ID, uid))
    return x509.Name(parts)


def new_ca(name: str = "motcua Development Root CA", years: int = 20, now: datetime | None = None) -> Credential:
    now = now or datetime.now(UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    subject = _name(name, "motcua development")
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Credential(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def issue(ca: Credential, common_name: str, organisation: str = "", uid: str = "", years: int = 3,
          crl_url: str = "", now: datetime | None = None) -> Credential:
    """A new key and its document-signing certificate, for an agency seal or an official."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    cert = certify(ca, key.public_key(), common_name, organisation, uid, years, crl_url, now)
    return Credential(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def issue_timestamping(ca: Credential, common_name: str, years: int = 10, crl_url: str = "",
                       now: datetime | None = None) -> Credential:
    """A key and certificate for a time-stamping authority (RFC 3161 §2.3: extended key usage timeStamping
    only, marked critical)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    cert = certify(ca, key.public_key(), common_name, "motcua development", years=years, crl_url=crl_url, now=now,
                   usage=ExtendedKeyUsageOID.TIME_STAMPING)
    return Credential(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def certify(ca: Credential, public_key, common_name: str, organisation: str = "", uid: str = "", years: int = 3,
            crl_url: str = "", now: datetime | None = None,
            usage: x509.ObjectIdentifier = DOCUMENT_SIGNING) -> x509.Certificate:
    """A signing certificate (digital signature and non-repudiation) for a public key, e.g. one generated inside
    a token: for documents unless ``usage`` says otherwise (a time-stamping authority's, whose extended key
    usage RFC 3161 requires to be critical)."""
    now = now or datetime.now(UTC)
    ca_cert = ca.certificate
    builder = (
        x509.CertificateBuilder().subject_name(_name(common_name, organisation, uid))
        .issuer_name(ca_cert.subject).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=usage == ExtendedKeyUsageOID.TIME_STAMPING)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False)
    )
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    return builder.sign(ca.private_key, hashes.SHA256())


def build_crl(ca: Credential, revoked: list[tuple[int, datetime]], now: datetime | None = None,
              valid_for: timedelta = timedelta(days=1)) -> bytes:
    """DER certificate revocation list of ``(serial, revoked_at)``, signed by the CA."""
    now = now or datetime.now(UTC)
    ca_cert = ca.certificate
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(now - timedelta(minutes=5)).next_update(now + valid_for)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
                              critical=False)
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False))
    for serial, at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(at).build())
    return builder.sign(ca.private_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def to_pkcs12(credential: Credential, ca: Credential | None, passphrase: bytes, name: str = "") -> bytes:
    """The credential as a PKCS#12 file, the way a deployment hands over its own keys."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    return pkcs12.serialize_key_and_certificates(
        name.encode() or None, credential.private_key, credential.certificate,
        [ca.certificate] if ca else None, serialization.BestAvailableEncryption(passphrase))
