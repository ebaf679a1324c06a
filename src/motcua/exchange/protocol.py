"""The exchange protocol's rules (pure Python, no Django import): what is signed, how it is checked, and why a
call is refused. See docs/exchange.md, which a system written in another language follows to join.

A call is an HTTP request signed with HTTP Message Signatures (RFC 9421) under the label ``motcua``: the
signature covers the method, the path, the body's ``Content-Digest`` (RFC 9530, SHA-256) and the call's
metadata headers (consumer, purpose, legal basis, case, message id); its parameters carry the creation time,
the key (the SHA-256 thumbprint of the signing certificate, base64url) and the algorithm. The answer is signed
the same way over its status, its body's digest, the message id and the digest of the request's signature base,
which binds it to the request it answers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from motcua.core.errors import MotcuaError

LABEL = "motcua"
HEADER_CLIENT = "motcua-client"
HEADER_PURPOSE = "motcua-purpose"
HEADER_LEGAL_BASIS = "motcua-legal-basis"
HEADER_CASE = "motcua-case"
HEADER_MESSAGE_ID = "motcua-message-id"
HEADER_REQUEST_DIGEST = "motcua-request-digest"
HEADER_OUTCOME = "motcua-outcome"

REQUEST_COMPONENTS: tuple[str, ...] = ("@method", "@path", "content-digest", HEADER_CLIENT, HEADER_PURPOSE,
                                       HEADER_LEGAL_BASIS, HEADER_CASE, HEADER_MESSAGE_ID)
RESPONSE_COMPONENTS: tuple[str, ...] = ("@status", "content-digest", HEADER_MESSAGE_ID, HEADER_REQUEST_DIGEST,
                                        HEADER_OUTCOME)
ALGORITHMS = ("rsa-v1_5-sha256", "ecdsa-p256-sha256")
CLOCK_WINDOW_SECONDS = 300

# What a member, system, service, purpose, legal basis, case or message id may be written with: header-safe ASCII.
MEMBER_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,29}")
SYSTEM_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{0,29}\.[a-z0-9][a-z0-9-]{0,29}")
SERVICE_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39}){0,3}")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")
MESSAGE_ID = re.compile(r"[A-Za-z0-9-]{16,64}")
CASE = re.compile(r"-|[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")  # "-": no dossier or case


# --- refusals ------------------------------------------------------------------------------------------------

# reason → (HTTP status, Vietnamese, English). The code travels in the answer's body ("code") and the
# Motcua-Outcome header, and is what both message logs record.
REASONS: dict[str, tuple[int, str, str]] = {
    "unsigned": (401, "Yêu cầu không có chữ ký số.", "The request is not signed."),
    "malformed": (400, "Chữ ký hoặc tiêu đề của yêu cầu không đúng định dạng.",
                  "The request's signature or headers are malformed."),
    "unknown_member": (401, "Hệ thống gửi yêu cầu không có trong danh bạ thành viên.",
                       "The calling system is not in the member directory."),
    "unknown_certificate": (401, "Chứng thư số ký yêu cầu không phải của hệ thống gửi.",
                            "The signing certificate is not one of the calling system's."),
    "untrusted_certificate": (401, "Chứng thư số không do tổ chức cung cấp dịch vụ chứng thực được công nhận cấp, "
                                   "hoặc đã hết hạn.",
                              "The certificate was not issued by an approved CA, or is not valid now."),
    "certificate_revoked": (401, "Chứng thư số đã bị thu hồi.", "The certificate has been revoked."),
    "bad_signature": (401, "Chữ ký số không hợp lệ hoặc nội dung đã bị thay đổi.",
                      "The signature does not verify, or the content was changed."),
    "expired": (401, "Thời điểm ký nằm ngoài khoảng thời gian cho phép.",
                "The signature's time is outside the allowed window."),
    "replayed": (401, "Mã thông điệp đã được dùng: yêu cầu bị gửi lại.",
                 "The message id was already used: the request is a replay."),
    "unknown_service": (404, "Hệ thống này không cung cấp dịch vụ được yêu cầu.",
                        "This system does not provide the requested service."),
    "no_right": (403, "Hệ thống gửi không được cấp quyền dùng dịch vụ này.",
                 "The calling system has no right to use this service."),
    "purpose_not_allowed": (403, "Mục đích khai thác không được phép với dịch vụ này.",
                            "The purpose is not allowed for this service."),
    "legal_basis_mismatch": (403, "Căn cứ pháp lý không khớp với căn cứ đã đăng ký cho mục đích này.",
                             "The legal basis is not the one registered for this purpose."),
    "invalid_request": (422, "Nội dung yêu cầu không hợp lệ.", "The request's content is not valid."),
    "not_found": (404, "Không tìm thấy dữ liệu được yêu cầu.", "The requested record was not found."),
    "provider_error": (502, "Hệ thống cung cấp không trả lời được.", "The providing system could not answer."),
    "bad_response": (502, "Câu trả lời của hệ thống cung cấp không có chữ ký hợp lệ.",
                     "The providing system's answer is not validly signed."),
}


class Refused(MotcuaError):
    """A call refused for one of :data:`REASONS` (its code), by the provider or, for the answer, the consumer."""

    def __init__(self, reason: str, field: str | None = None, detail: str = "") -> None:
        status, vi, en = REASONS[reason]
        super().__init__(reason, vi, en, field, status=status)
        self.reason = reason
        self.detail = detail


# --- digests and the signature base ---------------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def content_digest(body: bytes) -> str:
    """The ``Content-Digest`` field value (RFC 9530) of a body: ``sha-256=:<base64>:``."""
    return f"sha-256=:{b64(hashlib.sha256(body).digest())}:"


def digest_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def thumbprint(certificate_der: bytes) -> str:
    """A certificate's key id: base64url (no padding) of the SHA-256 of its DER (JOSE's ``x5t#S256``)."""
    return b64url(hashlib.sha256(certificate_der).digest())


@dataclass(frozen=True)
class SignatureParams:
    components: tuple[str, ...]
    created: int
    keyid: str
    alg: str

    def serialize(self) -> str:
        """The inner list with its parameters, exactly as in ``Signature-Input`` and the base's last line."""
        names = " ".join(f'"{name}"' for name in self.components)
        return f'({names});created={self.created};keyid="{self.keyid}";alg="{self.alg}"'


def signature_base(params: SignatureParams, values: Mapping[str, str]) -> bytes:
    """The signature base (RFC 9421 §2.5): one line per covered component, then ``"@signature-params"``."""
    lines = [f'"{name}": {values[name]}' for name in params.components]
    lines.append(f'"@signature-params": {params.serialize()}')
    return "\n".join(lines).encode("ascii")


_INPUT = re.compile(r'^motcua=\(((?:"[a-z0-9@-]+"(?: "[a-z0-9@-]+")*)?)\)((?:;[a-z]+=(?:"[^"\\]*"|[0-9]{1,15}))*)$')
_PARAM = re.compile(r';([a-z]+)=("([^"\\]*)"|([0-9]{1,15}))')
_SIGNATURE = re.compile(r"^motcua=:([A-Za-z0-9+/]+={0,2}):$")


def parse_signature_input(value: str) -> SignatureParams:
    """The ``motcua`` member of a ``Signature-Input`` field; refused as malformed unless it has exactly the
    parameters created, keyid and alg (an integer and two strings)."""
    found = _INPUT.match(value.strip())
    if not found:
        raise Refused("malformed", "signature-input")
    components = tuple(name.strip('"') for name in found.group(1).split(" ")) if found.group(1) else ()
    params: dict[str, str | int] = {}
    for name, _, text, number in _PARAM.findall(found.group(2)):
        if name in params:
            raise Refused("malformed", "signature-input")
        params[name] = int(number) if number else text
    created, keyid, alg = params.get("created"), params.get("keyid"), params.get("alg")
    if set(params) != {"created", "keyid", "alg"} or not isinstance(created, int) or not isinstance(keyid, str) \
            or not isinstance(alg, str) or len(set(components)) != len(components):
        raise Refused("malformed", "signature-input")
    if alg not in ALGORITHMS:
        raise Refused("malformed", "signature-input", f"algorithm {alg} not supported")
    return SignatureParams(components, created, keyid, alg)


def parse_signature(value: str) -> bytes:
    found = _SIGNATURE.match(value.strip())
    if not found:
        raise Refused("malformed", "signature")
    try:
        return base64.b64decode(found.group(1), validate=True)
    except ValueError:
        raise Refused("malformed", "signature") from None


def signature_fields(params: SignatureParams, signature: bytes) -> dict[str, str]:
    return {"Signature-Input": f"{LABEL}={params.serialize()}", "Signature": f"{LABEL}=:{b64(signature)}:"}


# --- keys ---------------------------------------------------------------------------------------------------

def algorithm_for(public_key: object) -> str:
    if isinstance(public_key, rsa.RSAPublicKey):
        return "rsa-v1_5-sha256"
    if isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name == "secp256r1":
        return "ecdsa-p256-sha256"
    raise ValueError("only RSA and ECDSA P-256 keys sign exchange messages")


def raw_signature(alg: str, der_or_raw: bytes) -> bytes:
    """What the wire carries: PKCS#1 v1.5 bytes as they are; ECDSA as r‖s (32 bytes each, RFC 9421 §3.3.4),
    from the DER a signer returns."""
    if alg != "ecdsa-p256-sha256":
        return der_or_raw
    r, s = decode_dss_signature(der_or_raw)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify_signature(public_key: object, alg: str, base: bytes, signature: bytes) -> bool:
    try:
        if alg == "rsa-v1_5-sha256" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, base, padding.PKCS1v15(), hashes.SHA256())
            return True
        if alg == "ecdsa-p256-sha256" and isinstance(public_key, ec.EllipticCurvePublicKey) and len(signature) == 64:
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public_key.verify(der, base, ec.ECDSA(hashes.SHA256()))
            return True
    except InvalidSignature:
        return False
    return False


# --- the checks ---------------------------------------------------------------------------------------------

def within_clock(created: int, now: float, window: int = CLOCK_WINDOW_SECONDS) -> bool:
    """A signature is accepted while its creation time is within ``window`` seconds of the receiver's clock,
    either way (a sender's clock a little ahead is tolerated as much as one behind)."""
    return abs(now - created) <= window


def replay_key(consumer: str, message_id: str) -> str:
    """What the provider remembers of a message to refuse it a second time: consumer and message id, hashed
    to a fixed length. Remembered for the clock window past its creation; after that, the clock refuses it."""
    return digest_hex(f"{consumer}\n{message_id}".encode())


@dataclass(frozen=True)
class Right:
    """A consumer system may call a provider system's service for these purposes, each on its legal basis."""

    consumer: str
    provider: str
    service: str
    purposes: Mapping[str, str] = field(default_factory=dict)  # purpose code → legal basis


def decide(rights: Mapping[tuple[str, str, str], Right], consumer: str, provider: str, service: str, purpose: str,
           legal_basis: str) -> str | None:
    """Deny by default: None when a right lets ``consumer`` call ``service`` for ``purpose`` on
    ``legal_basis``, else the reason of the refusal."""
    right = rights.get((consumer, provider, service))
    if right is None:
        return "no_right"
    if purpose not in right.purposes:
        return "purpose_not_allowed"
    if right.purposes[purpose] != legal_basis:
        return "legal_basis_mismatch"
    return None


def check_request_headers(headers: Mapping[str, str]) -> None:
    """The metadata a call carries, each in its form (field-level refusal)."""
    forms = {HEADER_CLIENT: SYSTEM_ID, HEADER_PURPOSE: TOKEN, HEADER_LEGAL_BASIS: TOKEN, HEADER_CASE: CASE,
             HEADER_MESSAGE_ID: MESSAGE_ID}
    for name, form in forms.items():
        if not form.fullmatch(headers.get(name, "")):
            raise Refused("malformed", name)


def certificate_trusted(cert: x509.Certificate, anchors: Sequence[x509.Certificate], now_ts: float) -> bool:
    """Issued (and signed) by one of the approved CAs, and valid now."""
    if not cert.not_valid_before_utc.timestamp() <= now_ts <= cert.not_valid_after_utc.timestamp():
        return False
    for anchor in anchors:
        if anchor.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(anchor)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


def covers(params: SignatureParams, required: Sequence[str]) -> bool:
    return set(required) <= set(params.components)
