"""A deployment's own keys: PKCS#12 files, and a PKCS#11 token (SoftHSM, the software token that stands in
for an HSM or a USB token) whose keys are generated on the token and never leave it."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from motcua.documents import pki, signers, signing
from motcua.documents.signers import SignerIdentity, SigningUnavailable
from motcua.documents.signers import pkcs11 as pkcs11_backend
from motcua.documents.signing import Signature
from motcua.dossiers.pdf import OfficialForm

SOFTHSM = next((p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
                if Path(p).exists()), None)
AGENCY = SignerIdentity("agency", "H01.X00070.UB", "Ủy ban nhân dân phường Hoàn Kiếm")


def blank_pdf() -> bytes:
    pdf = OfficialForm()
    pdf.add_page()
    pdf.font(11)
    pdf.cell(0, 10, "Văn bản thử")
    return bytes(pdf.output())


@pytest.fixture
def deployment_ca(tmp_path, settings):
    ca = pki.new_ca("Deployment Root CA")
    (tmp_path / "root.pem").write_bytes(ca.cert_pem)
    yield ca
    signers._backend.cache_clear()
    pkcs11_backend._pkcs11_session.cache_clear()


def use(settings, tmp_path, **changes):
    settings.SIGNING = {**settings.SIGNING, "TRUST_ROOTS": [str(tmp_path / "root.pem")], **changes}
    signers._backend.cache_clear()


def test_pkcs12_files(db, tmp_path, settings, deployment_ca):
    credential = pki.issue(deployment_ca, AGENCY.name, AGENCY.name)
    (tmp_path / f"{AGENCY.code}.p12").write_bytes(pki.to_pkcs12(credential, deployment_ca, b"mat-khau"))
    use(settings, tmp_path, BACKEND="pkcs12", PKCS12_DIR=str(tmp_path), PASSPHRASE="mat-khau")
    signed, certificates = signing.sign_pdf(blank_pdf(), [Signature(AGENCY, "Seal", "Đóng dấu")])
    check = signing.verify_pdf(signed)
    assert check.valid and certificates[0].owner_code == AGENCY.code and certificates[0].key_pem == ""
    with pytest.raises(SigningUnavailable):
        signing.sign_pdf(blank_pdf(), [Signature(SignerIdentity("official", "nobody", "X"), "S", "x")])


@pytest.mark.skipif(SOFTHSM is None or shutil.which("softhsm2-util") is None, reason="SoftHSM is not installed")
def test_pkcs11_token(db, tmp_path, settings, deployment_ca, monkeypatch):
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "motcua", "--pin", "123456",
                    "--so-pin", "654321"], check=True, capture_output=True)
    token = pkcs11.lib(SOFTHSM).get_token(token_label="motcua")
    with token.open(rw=True, user_pin="123456") as session:
        public, _private = session.generate_keypair(KeyType.RSA, 2048, label=AGENCY.code, store=True)
        numbers = RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                   int.from_bytes(public[Attribute.MODULUS], "big"))
        cert = pki.certify(deployment_ca, numbers.public_key(), AGENCY.name, AGENCY.name)
        session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,
                               Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
                               Attribute.LABEL: AGENCY.code, Attribute.SUBJECT: cert.subject.public_bytes(),
                               Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})
    use(settings, tmp_path, BACKEND="pkcs11", PKCS11_MODULE=SOFTHSM, PKCS11_TOKEN="motcua", PASSPHRASE="123456")
    pkcs11_backend._pkcs11_session.cache_clear()
    signed, certificates = signing.sign_pdf(blank_pdf(), [Signature(AGENCY, "Seal", "Đóng dấu")])
    assert signing.verify_pdf(signed).valid
    assert certificates[0].serial == format(cert.serial_number, "x")
    with pytest.raises(SigningUnavailable):
        signing.sign_pdf(blank_pdf(), [Signature(SignerIdentity("official", "nobody", "X"), "S", "x")])
    assert io.BytesIO(signed).read(5) == b"%PDF-"


@pytest.fixture
def published_crl():
    """The outside CA's revocation list, published over HTTP as a CA publishes it (a real server on a free
    port); ``published_crl.der`` is what it serves, None for "unreachable" (503)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Publisher(BaseHTTPRequestHandler):
        def do_GET(self):
            server.asked.append(self.path)
            body = server.der
            self.send_response(200 if body else 503)
            self.send_header("Content-Type", "application/pkix-crl")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    server.der, server.asked = None, []
    server.url = f"http://127.0.0.1:{server.server_address[1]}/root.crl"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_a_certificate_revoked_by_its_own_ca_no_longer_verifies(db, tmp_path, settings, deployment_ca,
                                                                published_crl):
    """PKCS#12 keys come from another CA: its revocation list, named in the certificate, is fetched."""
    from datetime import UTC, datetime

    credential = pki.issue(deployment_ca, AGENCY.name, AGENCY.name, crl_url=published_crl.url)
    (tmp_path / f"{AGENCY.code}.p12").write_bytes(pki.to_pkcs12(credential, deployment_ca, b"mat-khau"))
    use(settings, tmp_path, BACKEND="pkcs12", PKCS12_DIR=str(tmp_path), PASSPHRASE="mat-khau",
        REVOCATION_TIMEOUT_SECONDS=2)
    published_crl.der = pki.build_crl(deployment_ca, [])
    signed, _certificates = signing.sign_pdf(blank_pdf(), [Signature(AGENCY, "Seal", "Đóng dấu")])
    assert signing.verify_pdf(signed).valid
    revoked_on = datetime.now(UTC).replace(microsecond=0)
    published_crl.der = pki.build_crl(deployment_ca, [(credential.certificate.serial_number, revoked_on)])
    revoked = signing.verify_pdf(signed)
    assert not revoked.valid and revoked.signatures[0].revoked_at == revoked_on
    published_crl.der = None  # the CA's server is down: hard-fail trusts nothing it cannot check
    assert not signing.verify_pdf(signed).valid
    use(settings, tmp_path, BACKEND="pkcs12", PKCS12_DIR=str(tmp_path), PASSPHRASE="mat-khau",
        REVOCATION_MODE="soft-fail", REVOCATION_TIMEOUT_SECONDS=2)
    assert signing.verify_pdf(signed).valid


def test_verifying_an_uploaded_pdf_calls_no_address_its_certificates_name(db, tmp_path, settings, deployment_ca,
                                                                         published_crl):
    """Anyone may upload a PDF to the verification page: a certificate of a CA nobody trusts, naming an internal
    address as its issuer's location, its revocation list and its OCSP responder, makes the server call none."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import AuthorityInformationAccessOID

    stranger = pki.new_ca("Stranger CA")
    planted = pki.issue(stranger, AGENCY.name, AGENCY.name, crl_url=published_crl.url)
    base = planted.certificate
    internal = x509.UniformResourceIdentifier(published_crl.url.replace("root.crl", "internal"))
    cert = (x509.CertificateBuilder().subject_name(base.subject).issuer_name(stranger.certificate.subject)
            .public_key(base.public_key()).serial_number(base.serial_number)
            .not_valid_before(base.not_valid_before_utc).not_valid_after(base.not_valid_after_utc))
    for extension in base.extensions:
        cert = cert.add_extension(extension.value, extension.critical)
    cert = cert.add_extension(x509.AuthorityInformationAccess([
        x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS, internal),
        x509.AccessDescription(AuthorityInformationAccessOID.OCSP, internal)]), critical=False)
    signed_cert = cert.sign(stranger.private_key, hashes.SHA256())
    forged = pki.Credential(signed_cert.public_bytes(serialization.Encoding.PEM), planted.key_pem)
    (tmp_path / f"{AGENCY.code}.p12").write_bytes(pki.to_pkcs12(forged, None, b"mat-khau"))
    use(settings, tmp_path, BACKEND="pkcs12", PKCS12_DIR=str(tmp_path), PASSPHRASE="mat-khau")
    signed, _certificates = signing.sign_pdf(blank_pdf(), [Signature(AGENCY, "Seal", "Đóng dấu")])
    check = signing.verify_pdf(signed)
    assert not check.valid and not check.signatures[0].trusted
    assert published_crl.asked == []
