"""The configured signing backend and its settings are checked at start-up (Django system checks)."""

from django.core import checks


def errors() -> list[tuple[str, str]]:
    return sorted((e.id, e.msg) for e in checks.run_checks())


def test_an_unknown_backend_is_reported(settings):
    settings.SIGNING = {**settings.SIGNING, "BACKEND": "hsm"}
    assert errors() == [("motcua.E121", "no signing backend 'hsm' (known: dev_ca, pkcs11, pkcs12)")]


def test_pkcs11_needs_its_module(settings):
    settings.SIGNING = {**settings.SIGNING, "BACKEND": "pkcs11", "PKCS11_MODULE": ""}
    assert errors() == [("motcua.E122", "signing backend 'pkcs11': MOTCUA_SIGNING_PKCS11_MODULE is not set")]


def test_pkcs12_needs_its_directory(settings, tmp_path):
    settings.SIGNING = {**settings.SIGNING, "BACKEND": "pkcs12", "PKCS12_DIR": ""}
    assert errors() == [("motcua.E122", "signing backend 'pkcs12': MOTCUA_SIGNING_PKCS12_DIR is not set")]
    settings.SIGNING = {**settings.SIGNING, "PKCS12_DIR": str(tmp_path / "keys")}
    assert errors() == [("motcua.E122", f"signing backend 'pkcs12': MOTCUA_SIGNING_PKCS12_DIR: {tmp_path / 'keys'} "
                                        "is not a directory")]
    (tmp_path / "keys").mkdir()
    assert errors() == []


def test_every_backend_needs_its_trusted_roots(settings, tmp_path):
    settings.SIGNING = {**settings.SIGNING, "TRUST_ROOTS": [str(tmp_path / "root.pem")]}
    assert errors() == [("motcua.E122", f"signing backend 'dev_ca': MOTCUA_SIGNING_TRUST_ROOTS: "
                                        f"{tmp_path / 'root.pem'} is not a file")]


def test_revocation_checking_knows_its_modes(settings):
    settings.SIGNING = {**settings.SIGNING, "REVOCATION_MODE": "hardfail", "REVOCATION_TIMEOUT_SECONDS": 0}
    assert errors() == [("motcua.E125", "MOTCUA_SIGNING_REVOCATION: unknown mode 'hardfail'"),
                        ("motcua.E125", "MOTCUA_SIGNING_REVOCATION_TIMEOUT_SECONDS must be more than 0")]


def test_the_timestamp_authority_is_checked(settings):
    settings.SIGNING = {**settings.SIGNING, "TSA": "tsa.example"}
    assert errors() == [("motcua.E126", "no timestamp authority 'tsa.example' (known: bundled, http, none)")]
    settings.SIGNING = {**settings.SIGNING, "TSA": "http", "TSA_URL": ""}
    assert errors() == [("motcua.E127", "timestamp authority 'http': MOTCUA_SIGNING_TSA_URL is not set")]
