from pathlib import Path

from django.conf import settings
from django.core import checks

from motcua.core import keyfiles
from motcua.documents.signers import BACKENDS
from motcua.documents.timestamps import AUTHORITIES


@checks.register()
def signing_backend(app_configs, **kwargs) -> list[checks.Error]:
    """MOTCUA_SIGNING_BACKEND names a backend (E121) whose settings are in place (E122)."""
    return BACKENDS.system_check(settings.SIGNING["BACKEND"], unusable="motcua.E121", misconfigured="motcua.E122")


@checks.register()
def timestamp_authority(app_configs, **kwargs) -> list[checks.Error]:
    """MOTCUA_SIGNING_TSA names a time-stamping authority (E126) whose settings are in place (E127)."""
    return AUTHORITIES.system_check(settings.SIGNING["TSA"], unusable="motcua.E126", misconfigured="motcua.E127")


REVOCATION_MODES = ("hard-fail", "soft-fail", "require")


@checks.register()
def revocation_checking(app_configs, **kwargs) -> list[checks.Error]:
    """MOTCUA_SIGNING_REVOCATION is a mode the validator knows and its timeout a positive number (E125)."""
    problems = []
    if settings.SIGNING["REVOCATION_MODE"] not in REVOCATION_MODES:
        problems.append(checks.Error(f"MOTCUA_SIGNING_REVOCATION: unknown mode {settings.SIGNING['REVOCATION_MODE']!r}",
                                     hint=f"one of {', '.join(REVOCATION_MODES)}", id="motcua.E125"))
    if not settings.SIGNING["REVOCATION_TIMEOUT_SECONDS"] > 0:
        problems.append(checks.Error("MOTCUA_SIGNING_REVOCATION_TIMEOUT_SECONDS must be more than 0",
                                     id="motcua.E125"))
    return problems


@checks.register(checks.Tags.security, deploy=True)
def signing_keys(app_configs, **kwargs) -> list[checks.Error]:
    """A deployment does not sign with the development CA nor timestamp with its bundled authority (E123), and no
    signing key file is readable by other users than the service account (E124)."""
    problems = []
    if settings.SIGNING["BACKEND"] == "dev_ca" and not settings.DEVELOPMENT_CA:
        problems.append(checks.Error("the development CA signs only in the demo",
                                     hint="set MOTCUA_SIGNING_BACKEND to pkcs12 or pkcs11", id="motcua.E123"))
    if settings.SIGNING["TSA"] == "bundled" and not settings.DEVELOPMENT_CA:
        problems.append(checks.Error("the bundled time-stamping authority serves only the demo",
                                     hint="set MOTCUA_SIGNING_TSA=http and MOTCUA_SIGNING_TSA_URL", id="motcua.E123"))
    key_files = [Path(settings.SIGNING["PKI_DIR"]) / "dev-ca-key.pem", Path(settings.SIGNING["PKI_DIR"]) / "tsa.pem"]
    if settings.SIGNING["PKCS12_DIR"] and Path(settings.SIGNING["PKCS12_DIR"]).is_dir():
        key_files += sorted(Path(settings.SIGNING["PKCS12_DIR"]).glob("*.p12"))
    problems += [checks.Error(file.problem, hint=file.hint, id="motcua.E124") for file in keyfiles.exposed_files(key_files)]
    return problems
