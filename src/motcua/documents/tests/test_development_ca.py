"""The development CA signs in the demo and the tests only; its key is a private file."""

import stat

import pytest

from motcua.documents import checks, signers
from motcua.documents.signers import SigningUnavailable, dev_ca


@pytest.fixture
def fresh_pki(settings, tmp_path):
    settings.SIGNING = {**settings.SIGNING, "BACKEND": "dev_ca", "PKI_DIR": tmp_path / "pki"}
    signers._backend.cache_clear()
    yield tmp_path / "pki"
    signers._backend.cache_clear()


def test_outside_the_demo_the_development_ca_refuses_to_sign(settings, fresh_pki):
    settings.DEVELOPMENT_CA = False
    with pytest.raises(SigningUnavailable, match="MOTCUA_SIGNING_BACKEND to pkcs12 or pkcs11"):
        signers.backend()
    assert not fresh_pki.exists()  # no CA was made
    assert [e.msg for e in checks.signing_keys(None)] == [  # neither the CA nor its time-stamping authority
        "the development CA signs only in the demo", "the bundled time-stamping authority serves only the demo"]
    settings.SIGNING = {**settings.SIGNING, "TSA": "http", "TSA_URL": "https://tsa.example.vn/"}
    assert [e.msg for e in checks.signing_keys(None)] == ["the development CA signs only in the demo"]
    settings.DEVELOPMENT_CA = True
    assert checks.signing_keys(None) == []


def test_its_key_is_written_private_and_refused_once_others_may_read_it(settings, fresh_pki):
    ca = signers.backend()
    key = fresh_pki / "dev-ca-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(fresh_pki.stat().st_mode) == 0o700
    assert dev_ca.DevelopmentCA().ca.cert_pem == ca.ca.cert_pem  # the same CA when read again
    key.chmod(0o640)
    with pytest.raises(PermissionError, match=f"chmod 600 {key}"):
        dev_ca.DevelopmentCA()
    assert [(e.id, e.hint) for e in checks.signing_keys(None)] == [("motcua.E124", f"chmod 600 {key}")]
    settings.DEMO_MODE = True  # the demo takes a checkout's files as they are
    assert dev_ca.DevelopmentCA().ca.cert_pem == ca.ca.cert_pem


def test_exposed_pkcs12_files_are_reported(settings, tmp_path):
    (tmp_path / "H01.p12").write_bytes(b"p12")
    (tmp_path / "H01.p12").chmod(0o604)
    settings.SIGNING = {**settings.SIGNING, "BACKEND": "pkcs12", "PKCS12_DIR": str(tmp_path),
                        "PKI_DIR": tmp_path / "pki"}
    assert [e.msg for e in checks.signing_keys(None)] == [
        f"the private key file {tmp_path / 'H01.p12'} is readable by other users"]


def test_a_demo_served_at_another_address_announces_its_revocation_list_there(settings, fresh_pki, db):
    official = signers.SignerIdentity("official", "hoankiem.lanhdao", "Nguyễn Văn Lãnh Đạo", "UBND phường Hoàn Kiếm")
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    _signer, first = signers.backend().signer_for(official)
    assert signers.backend().signer_for(official)[1] == first  # kept while the address stays
    settings.PUBLIC_URL = "http://127.0.0.1:8720"
    _signer, second = signers.backend().signer_for(official)
    assert second != first and dev_ca._announced_crl(second.pem) == "http://127.0.0.1:8720/xac-thuc/crl.der"
    assert dev_ca._announced_crl(first.pem) == "http://127.0.0.1:8000/xac-thuc/crl.der"
