from __future__ import annotations

import functools

from cryptography import x509
from django.conf import settings
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError

from motcua.documents.models import Certificate
from motcua.documents.signers import (
    BACKENDS,
    SignerBackend,
    SignerIdentity,
    SigningUnavailable,
    register_certificate,
)


@BACKENDS.register("pkcs11")
class Pkcs11Token(SignerBackend):
    """Keys that never leave a token (HSM, USB token): the private key and its certificate carry the label
    ``<agency code>`` or ``<official username>`` on the token named by ``PKCS11_TOKEN``."""

    @classmethod
    def check(cls) -> list[str]:
        missing = [] if settings.SIGNING["PKCS11_MODULE"] else ["MOTCUA_SIGNING_PKCS11_MODULE is not set"]
        return [*super().check(), *missing]

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
