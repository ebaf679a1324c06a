"""The member directory as each process holds it (parsed certificates, rights by key: no database round trip
per call), renewed when its generation changes; and the signed configuration file that carries the directory
to every member (a JWS in the flattened JSON serialization, RFC 7515 §7.2.2, signed by the configuration
authority's system key and checked against the anchors each member trusts)."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from motcua.core.errors import Invalid
from motcua.documents.models import Certificate
from motcua.exchange import protocol
from motcua.exchange.models import AccessRight, DirectoryState, Member, Service, System

CONFIG_FORMAT = "motcua-exchange-config/1"
CONFIG_TYPE = "motcua-exchange-config+json"


@dataclass(frozen=True)
class SystemEntry:
    ident: str
    member: str
    member_name_vi: str
    member_name_en: str
    name_vi: str
    address: str
    certificates: dict[str, x509.Certificate]  # by thumbprint (the signatures' keyid)


@dataclass(frozen=True)
class ServiceEntry:
    provider: str
    code: str
    title_vi: str
    title_en: str


@dataclass
class Directory:
    generation: int
    systems: dict[str, SystemEntry]
    services: dict[tuple[str, str], ServiceEntry]
    rights: dict[tuple[str, str, str], protocol.Right]
    anchors: list[x509.Certificate]
    revoked: frozenset[str]
    _trusted: dict[str, bool] = field(default_factory=dict)

    def certificate_status(self, system: str, keyid: str, now: float) -> tuple[x509.Certificate | None, str | None]:
        """The certificate a signature names and, if it cannot be relied on, why (a refusal reason)."""
        entry = self.systems.get(system)
        if entry is None:
            return None, "unknown_member"
        cert = entry.certificates.get(keyid)
        if cert is None:
            return None, "unknown_certificate"
        if format(cert.serial_number, "x") in self.revoked:
            return cert, "certificate_revoked"
        trusted = self._trusted.get(keyid)
        if trusted is None or not trusted:  # an untrusted answer is not kept: validity is a matter of time
            trusted = self._trusted[keyid] = protocol.certificate_trusted(cert, self.anchors, now)
        return cert, None if trusted else "untrusted_certificate"


def load_pems(text: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(text.encode()) if text.strip() else []


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _state() -> DirectoryState:
    state, _ = DirectoryState.objects.get_or_create(pk=1)
    return state


def build() -> Directory:
    state = _state()
    systems = {}
    for system in System.objects.select_related("member"):
        certs = load_pems(system.certificates)
        systems[system.ident] = SystemEntry(
            system.ident, system.member.code, system.member.name_vi, system.member.name_en, system.name_vi,
            system.address.rstrip("/"),
            {protocol.thumbprint(c.public_bytes(serialization.Encoding.DER)): c for c in certs})
    services = {(s.provider.ident, s.code): ServiceEntry(s.provider.ident, s.code, s.title_vi, s.title_en)
                for s in Service.objects.select_related("provider")}
    rights = {}
    for right in AccessRight.objects.select_related("consumer", "service__provider"):
        key = (right.consumer.ident, right.service.provider.ident, right.service.code)
        rights[key] = protocol.Right(*key, purposes={str(k): str(v) for k, v in right.purposes.items()})
    revoked = set(state.revoked) | set(Certificate.objects.filter(revoked_at__isnull=False)
                                       .values_list("serial", flat=True))
    return Directory(state.generation, systems, services, rights, load_pems(state.trust_anchors), frozenset(revoked))


_lock = threading.Lock()
_cached: Directory | None = None
_checked_at = 0.0


def setting(name: str) -> Any:
    exchange: dict[str, Any] = settings.EXCHANGE
    return exchange[name]


def current() -> Directory:
    """This process's copy of the directory; the generation is read again at most every
    ``EXCHANGE["DIRECTORY_REFRESH_SECONDS"]``, and the copy rebuilt when it moved."""
    global _cached, _checked_at
    now = time.monotonic()
    found = _cached
    if found is not None and now - _checked_at < setting("DIRECTORY_REFRESH_SECONDS"):
        return found
    with _lock:
        generation = DirectoryState.objects.filter(pk=1).values_list("generation", flat=True).first() or 0
        if _cached is None or _cached.generation != generation:
            _cached = build()
        _checked_at = now
        return _cached


def forget() -> None:
    global _cached
    _cached = None


def changed() -> None:
    """Count the directory's generation up (in the caller's transaction): every process renews its copy."""
    _state()
    DirectoryState.objects.filter(pk=1).update(generation=F("generation") + 1)
    transaction.on_commit(forget)
    forget()


@receiver([post_save, post_delete], sender=Member)
@receiver([post_save, post_delete], sender=System)
@receiver([post_save, post_delete], sender=Service)
@receiver([post_save, post_delete], sender=AccessRight)
def _directory_changed(sender: type, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        changed()


# --- the signed configuration file --------------------------------------------------------------------------

def snapshot(version: int) -> dict:
    """The directory as the configuration file carries it."""
    state = _state()
    return {
        "format": CONFIG_FORMAT,
        "version": version,
        "issued_at": timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trust_anchors": [pem(c) for c in load_pems(state.trust_anchors)],
        "revoked": sorted(set(state.revoked)),
        "members": [{"code": m.code, "name_vi": m.name_vi, "name_en": m.name_en, "kind": m.kind}
                    for m in Member.objects.order_by("code")],
        "systems": [{"id": s.ident, "member": s.member.code, "name_vi": s.name_vi, "name_en": s.name_en,
                     "address": s.address, "certificates": [pem(c) for c in load_pems(s.certificates)]}
                    for s in System.objects.select_related("member").order_by("ident")],
        "services": [{"provider": s.provider.ident, "code": s.code, "title_vi": s.title_vi, "title_en": s.title_en,
                      "request_schema": s.request_schema, "response_schema": s.response_schema}
                     for s in Service.objects.select_related("provider").order_by("provider__ident", "code")],
        "rights": [{"consumer": r.consumer.ident, "provider": r.service.provider.ident, "service": r.service.code,
                    "purposes": r.purposes}
                   for r in AccessRight.objects.select_related("consumer", "service__provider")
                   .order_by("consumer__ident", "service__provider__ident", "service__code")],
    }


def export_config(sign: tuple[str, list[x509.Certificate], Callable[[bytes], bytes]]) -> bytes:
    """The directory as a signed configuration file; ``sign(data) -> (alg, signature, certificate chain)``
    signs with the authority's system key. Its version is one more than the last exported or loaded."""
    with transaction.atomic():
        state = DirectoryState.objects.select_for_update().get(pk=_state().pk)
        state.config_version += 1
        state.save(update_fields=["config_version"])
        payload = json.dumps(snapshot(state.config_version), ensure_ascii=False, sort_keys=True).encode()
    jws_alg, chain, signer = sign
    header = {"alg": jws_alg, "typ": CONFIG_TYPE,
              "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]}
    protected = protocol.b64url(json.dumps(header, sort_keys=True).encode())
    body = protocol.b64url(payload)
    signature = signer(f"{protected}.{body}".encode("ascii"))
    return json.dumps({"protected": protected, "payload": body, "signature": protocol.b64url(signature)},
                      indent=1).encode() + b"\n"


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ConfigRefused(Invalid):
    def __init__(self, en: str, vi: str) -> None:
        super().__init__("exchange_config_refused", f"Tệp cấu hình trao đổi dữ liệu bị từ chối: {vi}",
                         f"The exchange configuration file is refused: {en}", "config")


def verify_config(data: bytes, anchors: Iterable[x509.Certificate], now: datetime | None = None) -> tuple[dict, str]:
    """The configuration a file carries and who signed it, once its signature verifies with a certificate one of
    ``anchors`` issued (or is)."""
    now = now or timezone.now()
    try:
        document = json.loads(data)
        header = json.loads(_unb64url(document["protected"]))
        payload = _unb64url(document["payload"])
        signature = _unb64url(document["signature"])
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
        config = json.loads(payload)
    except (ValueError, KeyError, TypeError, IndexError):
        raise ConfigRefused("it is not a signed configuration file", "không phải tệp cấu hình có chữ ký") from None
    if not chain or header.get("typ") != CONFIG_TYPE or config.get("format") != CONFIG_FORMAT:
        raise ConfigRefused("it is not a signed configuration file", "không phải tệp cấu hình có chữ ký")
    signer = chain[0]
    anchors = list(anchors)
    fingerprint = signer.fingerprint(signer.signature_hash_algorithm) if signer.signature_hash_algorithm else b""
    pinned = any(a.fingerprint(a.signature_hash_algorithm) == fingerprint for a in anchors
                 if a.signature_hash_algorithm)
    if not pinned and not protocol.certificate_trusted(signer, anchors, now.timestamp()):
        raise ConfigRefused("its signer is not a trusted configuration authority",
                            "người ký không phải cơ quan cấu hình được tin cậy")
    alg = {"RS256": "rsa-v1_5-sha256", "ES256": "ecdsa-p256-sha256"}.get(header.get("alg", ""))
    signing_input = f"{document['protected']}.{document['payload']}".encode("ascii")
    if alg is None or not protocol.verify_signature(signer.public_key(), alg, signing_input, signature):
        raise ConfigRefused("its signature does not verify", "chữ ký không hợp lệ")
    return config, signer.subject.rfc4514_string()


@transaction.atomic
def load_config(data: bytes, anchors: Iterable[x509.Certificate], allow_older: bool = False) -> int:
    """Replace the directory with the one a signed configuration file carries; a version older than the one
    loaded is refused (a rollback to a directory that still trusted a revoked key) unless ``allow_older``."""
    config, issuer = verify_config(data, anchors)
    state = DirectoryState.objects.select_for_update().get(pk=_state().pk)
    version = int(config["version"])
    if version <= state.config_version and not allow_older:
        raise ConfigRefused(f"version {version} is not newer than the loaded version {state.config_version}",
                            f"phiên bản {version} không mới hơn phiên bản đang dùng {state.config_version}")
    Member.objects.all().delete()  # systems, services and rights with them
    members = {m["code"]: Member.objects.create(code=m["code"], name_vi=m["name_vi"], name_en=m.get("name_en", ""),
                                                kind=m.get("kind", "agency")) for m in config["members"]}
    systems = {s["id"]: System.objects.create(member=members[s["member"]], ident=s["id"], name_vi=s["name_vi"],
                                              name_en=s.get("name_en", ""), address=s.get("address", ""),
                                              certificates="".join(s.get("certificates", [])))
               for s in config["systems"]}
    services = {(s["provider"], s["code"]): Service.objects.create(
        provider=systems[s["provider"]], code=s["code"], title_vi=s["title_vi"], title_en=s.get("title_en", ""),
        request_schema=s.get("request_schema", {}), response_schema=s.get("response_schema", {}))
        for s in config["services"]}
    for r in config["rights"]:
        AccessRight.objects.create(consumer=systems[r["consumer"]], service=services[(r["provider"], r["service"])],
                                   purposes=r["purposes"])
    DirectoryState.objects.filter(pk=state.pk).update(
        trust_anchors="".join(config.get("trust_anchors", [])), revoked=list(config.get("revoked", [])),
        config_version=version, config_issuer=issuer, loaded_at=timezone.now())
    changed()
    return version
