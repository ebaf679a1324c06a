"""The bundled time-stamping authority of the demo and the tests: served by this site at /xac-thuc/dau-thoi-gian
over HTTP (RFC 3161 §3.4) and asked by the same HTTP client as any other authority. Its certificate is issued
by the development CA, so it exists only where that CA signs."""

from __future__ import annotations

import functools
from pathlib import Path

from asn1crypto import cms, core, keys, pem, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.urls import reverse
from pyhanko.sign.general import as_signing_certificate, get_pyca_cryptography_hash, simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper

from motcua.core import keyfiles
from motcua.documents import pki
from motcua.documents.signers import SigningUnavailable, asn1_certificate
from motcua.documents.signers.dev_ca import DEVELOPMENT_CA_REFUSED, DevelopmentCA
from motcua.documents.timestamps import AUTHORITIES
from motcua.documents.timestamps.http import HttpAuthority

# ETSI EN 319 421 / TS 102 023 baseline time-stamp policy (itu-t(0) identified-organization(4) etsi(0)
# time-stamp-policy(2023) policy-identifiers(1) baseline-ts-policy(1)).
BASELINE_POLICY = "0.4.0.2023.1.1"
ACCEPTED_DIGESTS = ("sha256", "sha384", "sha512")
MAX_QUERY_BYTES = 4096


@AUTHORITIES.register("bundled")
class BundledAuthority(HttpAuthority):
    @classmethod
    def check(cls) -> list[str]:
        return []

    def __init__(self) -> None:
        if not settings.DEVELOPMENT_CA:
            raise SigningUnavailable(DEVELOPMENT_CA_REFUSED)
        super().__init__()

    def url(self) -> str:
        """MOTCUA_SIGNING_TSA_URL when set (a test serving the site elsewhere), else this site's own address."""
        return settings.SIGNING["TSA_URL"] or settings.PUBLIC_URL + reverse("documents:timestamp")

    def trust_roots(self) -> list[x509.Certificate]:
        return [DevelopmentCA().ca.certificate]


class _Responder(DummyTimeStamper):
    """pyHanko's own TSA engine, with a real policy, the stated accuracy, RFC 3161's rule that certificates go in
    the token only when the request asks for them (certReq), and the key parsed once (pyHanko parses it for
    every token, which costs tens of milliseconds for RSA)."""

    def __init__(self, credential: pki.Credential, chain: list) -> None:
        super().__init__(asn1_certificate(credential.certificate), keys.PrivateKeyInfo.load(
            pem.unarmor(credential.key_pem)[2]), certs_to_embed=chain)
        self.private_key = credential.private_key
        # the same for every token, and costly to encode: asn1crypto re-encodes the certificate's names
        self.signing_certificate = simple_cms_attribute("signing_certificate",
                                                        as_signing_certificate(self.tsa_cert)).dump()

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            cms.CMSAttribute.load(self.signing_certificate),
            simple_cms_attribute("message_digest", digest.finalize()),
        ])
        return self.private_key.sign(signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm)), \
            signed_attrs

    def _build_tst_info(self, message_imprint, dt, req) -> tsp.TSTInfo:
        info = super()._build_tst_info(message_imprint, dt, req)
        info["policy"] = tsp.ObjectIdentifier(BASELINE_POLICY)
        info["accuracy"] = tsp.Accuracy({"seconds": 1})
        return info

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        response = super().request_tsa_response(req)
        if not req["cert_req"].native:
            del response["time_stamp_token"]["content"]["certificates"]
        return response


@functools.lru_cache(maxsize=4)
def _responder(pki_dir: str) -> _Responder:
    path = Path(pki_dir) / "tsa.pem"  # key and certificate in one file: created whole or not at all
    if not path.exists():
        ca = DevelopmentCA().ca
        credential = pki.issue_timestamping(ca, "motcua Development Time-Stamping Authority")
        keyfiles.create(path, credential.key_pem + credential.cert_pem)  # else another process made it: use that
    content = keyfiles.read(path, allow_exposed=settings.DEMO_MODE)
    split = content.index(b"-----END PRIVATE KEY-----") + len(b"-----END PRIVATE KEY-----\n")
    credential = pki.Credential(content[split:], content[:split])
    return _Responder(credential, [asn1_certificate(DevelopmentCA().ca.certificate)])


class Refusal(core.Sequence):
    """A TimeStampResp without a token (asn1crypto's own declares the token mandatory, RFC 3161 does not)."""

    _fields = [("status", tsp.PKIStatusInfo)]


def _rejection(failure: str) -> bytes:
    return Refusal({"status": tsp.PKIStatusInfo({"status": "rejection",
                                                  "fail_info": tsp.PKIFailureInfo({failure})})}).dump()


def respond(query: bytes) -> bytes:
    """The DER TimeStampResp to a DER TimeStampReq: a token, or a rejection saying why (RFC 3161 §2.4.2)."""
    if not settings.DEVELOPMENT_CA:
        raise SigningUnavailable(DEVELOPMENT_CA_REFUSED)
    try:
        request = tsp.TimeStampReq.load(query)
        digest = request["message_imprint"]["hash_algorithm"]["algorithm"].native
        request.native  # noqa: B018 — parses every field now: a malformed request is refused, not half-read
    except (ValueError, TypeError, KeyError):
        return _rejection("bad_data_format")
    if digest not in ACCEPTED_DIGESTS:
        return _rejection("bad_alg")
    if request["req_policy"].native not in (None, BASELINE_POLICY):
        return _rejection("unaccepted_policy")
    return _responder(str(settings.SIGNING["PKI_DIR"])).request_tsa_response(request).dump()
