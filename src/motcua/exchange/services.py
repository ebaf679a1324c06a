"""Calls between members: the provider's side (:func:`receive`: check, answer, sign, log) and the consumer's
(:func:`call`: sign, send, check the signed answer, log). Both ends keep a message log (:class:`MessageLog`),
refusals included. The rules themselves are in :mod:`motcua.exchange.protocol`."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.errors import MotcuaError
from motcua.exchange import directory, protocol
from motcua.exchange.keys import LocalKey, local_key
from motcua.exchange.models import MessageLog, SeenMessage
from motcua.exchange.protocol import Refused

log = logging.getLogger(__name__)

METADATA_HEADERS = (protocol.HEADER_CLIENT, protocol.HEADER_PURPOSE, protocol.HEADER_LEGAL_BASIS,
                    protocol.HEADER_CASE, protocol.HEADER_MESSAGE_ID)
JSON = "application/json"


# --- what this instance publishes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """A call the provider accepted: who asks, what for, and the request's content."""

    consumer: directory.SystemEntry
    provider: str
    service: str
    purpose: str
    legal_basis: str
    case: str
    message_id: str
    payload: dict[str, Any]


Handler = Callable[[Call], dict[str, Any]]


@dataclass(frozen=True)
class Published:
    handler: Handler
    open_to_members: bool  # metadata services: any member may call them (still signed and logged)


HANDLERS: dict[str, Published] = {}


def publishes(code: str, *, open_to_members: bool = False) -> Callable[[Handler], Handler]:
    """Register the function that answers a service when this instance's system publishes it (the directory
    says which system publishes what; a service with no handler here is unknown here)."""

    def add(handler: Handler) -> Handler:
        HANDLERS[code] = Published(handler, open_to_members)
        return handler

    return add


def setting(name: str) -> Any:
    """One of the EXCHANGE settings."""
    exchange: dict[str, Any] = settings.EXCHANGE
    return exchange[name]


def local_system() -> str:
    return str(setting("SYSTEM"))


# --- the message log ----------------------------------------------------------------------------------------

def _stream(role: str, counterpart: str, message_id: str) -> str:
    peer = counterpart if protocol.SYSTEM_ID.fullmatch(counterpart) else "unknown"
    shard = int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:4], "big") % setting("LOG_SHARDS")
    return f"{role}:{peer}:{shard}"


@dataclass
class Entry:
    role: str
    consumer: str = ""
    provider: str = ""
    service: str = ""
    purpose: str = ""
    legal_basis: str = ""
    case: str = ""
    message_id: str = ""
    request_digest: str = ""
    response_digest: str = ""
    request_signature: str = ""
    response_signature: str = ""
    status: int = 0
    outcome: str = ""
    started: float = field(default_factory=time.perf_counter)

    def write(self) -> MessageLog:
        counterpart = self.consumer if self.role == "provider" else self.provider
        return MessageLog.objects.create(
            stream=_stream(self.role, counterpart, self.message_id), role=self.role,
            message_id=self.message_id[:64], consumer=self.consumer[:61], provider=self.provider[:61],
            service=self.service[:100], purpose=self.purpose[:100], legal_basis=self.legal_basis[:100],
            case=self.case[:100], request_digest=self.request_digest, response_digest=self.response_digest,
            request_signature=self.request_signature[:4000], response_signature=self.response_signature[:4000],
            status=self.status, outcome=self.outcome[:30],
            duration_ms=int((time.perf_counter() - self.started) * 1000))


# --- the replay cache ---------------------------------------------------------------------------------------

_pruned_at = 0.0


def remember(consumer: str, message_id: str, created: int) -> bool:
    """Record a message as seen; False when it was seen before. One statement (a unique key), in the caller's
    transaction; expired keys are pruned now and then."""
    global _pruned_at
    key = protocol.replay_key(consumer, message_id)
    expires = datetime.fromtimestamp(created + setting("CLOCK_WINDOW_SECONDS"), UTC)
    table = connection.ops.quote_name(SeenMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (key, expires_at) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                       [key, expires])
        fresh = cursor.rowcount == 1
    if time.monotonic() - _pruned_at > 60:
        _pruned_at = time.monotonic()
        SeenMessage.objects.filter(expires_at__lt=timezone.now() - timedelta(seconds=60)).delete()
    return fresh


# --- the provider's side ------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _error_body(error: MotcuaError) -> dict[str, Any]:
    return {"detail": {"vi": error.vi, "en": error.en}, "errors": [e.as_dict() for e in error.errors],
            "code": error.code}


def _dump(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign_answer(key: LocalKey | None, status: int, body: bytes, message_id: str, request_digest: str,
                outcome: str) -> dict[str, str]:
    digest = protocol.content_digest(body)
    headers = {"Content-Type": JSON, "Content-Digest": digest, "Motcua-Message-Id": message_id,
               "Motcua-Request-Digest": request_digest, "Motcua-Outcome": outcome}
    if key is None:
        return headers
    values = {"@status": str(status), "content-digest": digest, protocol.HEADER_MESSAGE_ID: message_id,
              protocol.HEADER_REQUEST_DIGEST: request_digest, protocol.HEADER_OUTCOME: outcome}
    params = protocol.SignatureParams(protocol.RESPONSE_COMPONENTS, int(time.time()), key.keyid, key.alg)
    return {**headers, **protocol.signature_fields(params, key.sign(protocol.signature_base(params, values)))}


def _provider_key(provider: str) -> LocalKey | None:
    try:
        return local_key(provider)
    except MotcuaError:  # no key: the answer goes unsigned, and the consumer will not rely on it
        log.warning("exchange: no signing key for system %s", provider)
        return None


def receive(method: str, path: str, provider: str, service: str, headers: Mapping[str, str],
            body: bytes) -> Answer:
    """Answer one call to ``provider``'s ``service``; ``headers`` by lower-case name. Every check is made before
    the service runs, and the call is logged whatever its outcome."""
    entry = Entry("provider", provider=provider, service=service, request_digest=protocol.digest_hex(body),
                  consumer=headers.get(protocol.HEADER_CLIENT, ""), purpose=headers.get(protocol.HEADER_PURPOSE, ""),
                  legal_basis=headers.get(protocol.HEADER_LEGAL_BASIS, ""), case=headers.get(protocol.HEADER_CASE, ""),
                  message_id=headers.get(protocol.HEADER_MESSAGE_ID, ""))
    entry.request_signature = "\n".join(headers.get(h, "") for h in ("signature-input", "signature")).strip()
    message_id = entry.message_id if protocol.MESSAGE_ID.fullmatch(entry.message_id) else "-"
    request_digest = "-"
    try:
        if "signature" not in headers or "signature-input" not in headers:
            raise Refused("unsigned")
        params = protocol.parse_signature_input(headers["signature-input"])
        signature = protocol.parse_signature(headers["signature"])
        if not protocol.covers(params, protocol.REQUEST_COMPONENTS):
            raise Refused("malformed", "signature-input", "required components not covered")
        protocol.check_request_headers(headers)
        if provider != local_system():
            raise Refused("unknown_service", "provider")
        values = {"@method": method.upper(), "@path": path, **{h: headers.get(h, "") for h in params.components
                                                               if not h.startswith("@")}}
        try:
            base = protocol.signature_base(params, values)
        except (KeyError, UnicodeEncodeError):
            raise Refused("malformed", "signature-input") from None
        request_digest = protocol.content_digest(base)  # from here on, the answer is bound to the request
        found = directory.current()
        now = time.time()
        cert, problem = found.certificate_status(entry.consumer, params.keyid, now)
        if problem or cert is None:
            raise Refused(problem or "unknown_certificate")
        if values["content-digest"] != protocol.content_digest(body):
            raise Refused("bad_signature", "content-digest")
        if not protocol.verify_signature(cert.public_key(), params.alg, base, signature):
            raise Refused("bad_signature")
        if not protocol.within_clock(params.created, now, setting("CLOCK_WINDOW_SECONDS")):
            raise Refused("expired")
        published = HANDLERS.get(service)
        if published is None or (provider, service) not in found.services:
            raise Refused("unknown_service")
        if not published.open_to_members:
            reason = protocol.decide(found.rights, entry.consumer, provider, service, entry.purpose,
                                     entry.legal_basis)
            if reason:
                raise Refused(reason)
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise Refused("invalid_request", "body")
        call = Call(found.systems[entry.consumer], provider, service, entry.purpose, entry.legal_basis, entry.case,
                    entry.message_id, payload)
        with transaction.atomic():
            if not remember(entry.consumer, entry.message_id, params.created):
                raise Refused("replayed")
            try:
                status, data, outcome = 200, published.handler(call), "ok"
            except MotcuaError as exc:  # the service's own refusal (no such record, bad field): still an answer
                status, data, outcome = exc.status, _error_body(exc), exc.code
            return _answer(entry, provider, status, data, outcome, message_id, request_digest)
    except Refused as exc:
        return _answer(entry, provider, exc.status, _error_body(exc), exc.reason, message_id, request_digest)


def _answer(entry: Entry, provider: str, status: int, data: Mapping[str, Any], outcome: str, message_id: str,
            request_digest: str) -> Answer:
    body = _dump(data)
    headers = sign_answer(_provider_key(provider), status, body, message_id, request_digest, outcome)
    entry.status, entry.outcome, entry.response_digest = status, outcome, protocol.digest_hex(body)
    entry.response_signature = "\n".join(headers.get(h, "") for h in ("Signature-Input", "Signature")).strip()
    entry.write()
    return Answer(status, headers, body)


# --- the consumer's side ------------------------------------------------------------------------------------

_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


@dataclass(frozen=True)
class Purpose:
    """Why a consumer calls: a purpose code the right lists, its legal basis, and the dossier or case served."""

    code: str
    legal_basis: str
    case: str = "-"


def signed_request(key: LocalKey, consumer: str, url: str, body: bytes, purpose: Purpose,
                   message_id: str | None = None, created: int | None = None) -> tuple[dict[str, str], bytes]:
    """The headers of a signed call, and its signature base (whose digest the answer must carry)."""
    values = {"@method": "POST", "@path": urlsplit(url).path, "content-digest": protocol.content_digest(body),
              protocol.HEADER_CLIENT: consumer, protocol.HEADER_PURPOSE: purpose.code,
              protocol.HEADER_LEGAL_BASIS: purpose.legal_basis, protocol.HEADER_CASE: purpose.case or "-",
              protocol.HEADER_MESSAGE_ID: message_id or str(uuid.uuid4())}
    protocol.check_request_headers(values)
    params = protocol.SignatureParams(protocol.REQUEST_COMPONENTS, created or int(time.time()), key.keyid, key.alg)
    base = protocol.signature_base(params, values)
    headers = {"Content-Type": JSON, **{name.title(): value for name, value in values.items()
                                        if not name.startswith("@")},
               **protocol.signature_fields(params, key.sign(base))}
    return headers, base


def check_answer(found: directory.Directory, provider: str, status: int, headers: Mapping[str, str], body: bytes,
                 message_id: str, request_digest: str) -> None:
    """The answer was signed by the provider's system over this body, and answers this request."""
    try:
        params = protocol.parse_signature_input(headers.get("signature-input", ""))
        signature = protocol.parse_signature(headers.get("signature", ""))
    except Refused:
        raise Refused("bad_response", detail="unsigned or malformed answer") from None
    cert, problem = found.certificate_status(provider, params.keyid, time.time())
    values = {"@status": str(status), "content-digest": headers.get("content-digest", ""),
              protocol.HEADER_MESSAGE_ID: headers.get(protocol.HEADER_MESSAGE_ID, ""),
              protocol.HEADER_REQUEST_DIGEST: headers.get(protocol.HEADER_REQUEST_DIGEST, ""),
              protocol.HEADER_OUTCOME: headers.get(protocol.HEADER_OUTCOME, "")}
    if problem or cert is None or not protocol.covers(params, protocol.RESPONSE_COMPONENTS):
        raise Refused("bad_response", detail=problem or "components")
    if values["content-digest"] != protocol.content_digest(body) or \
            values[protocol.HEADER_MESSAGE_ID] != message_id or values[protocol.HEADER_REQUEST_DIGEST] != request_digest:
        raise Refused("bad_response", detail="does not answer this request")
    try:
        base = protocol.signature_base(params, values)
    except (KeyError, UnicodeEncodeError):
        raise Refused("bad_response", detail="components") from None
    if not protocol.verify_signature(cert.public_key(), params.alg, base, signature):
        raise Refused("bad_response", detail="signature")


def call(provider: str, service: str, payload: Mapping[str, Any], purpose: Purpose,
         consumer: str | None = None) -> dict[str, Any]:
    """Call ``provider``'s ``service`` and return its (verified) answer; a refusal raises :class:`Refused`
    with the provider's reason (or ``bad_response`` / ``provider_error`` for what went wrong on the way)."""
    consumer = consumer or local_system()
    found = directory.current()
    target = found.systems.get(provider)
    if target is None or not target.address:
        raise Refused("unknown_member", "provider")
    url = f"{target.address}/exchange/v1/{provider}/{service}"
    body = _dump(payload)
    headers, base = signed_request(local_key(consumer), consumer, url, body, purpose)
    message_id = headers["Motcua-Message-Id"]
    request_digest = protocol.content_digest(base)
    entry = Entry("consumer", consumer=consumer, provider=provider, service=service, purpose=purpose.code,
                  legal_basis=purpose.legal_basis, case=purpose.case, message_id=message_id,
                  request_digest=protocol.digest_hex(body),
                  request_signature=f"{headers['Signature-Input']}\n{headers['Signature']}")
    try:
        response = _session().post(url, data=body, headers=headers, timeout=setting("TIMEOUT_SECONDS"),
                                   allow_redirects=False)
    except requests.RequestException as exc:
        entry.status, entry.outcome = 0, "provider_error"
        entry.write()
        raise Refused("provider_error", detail=str(exc)) from exc
    answer_headers = {name.lower(): value for name, value in response.headers.items()}
    entry.status, entry.response_digest = response.status_code, protocol.digest_hex(response.content)
    entry.response_signature = "\n".join(answer_headers.get(h, "") for h in ("signature-input", "signature")).strip()
    try:
        check_answer(found, provider, response.status_code, answer_headers, response.content, message_id,
                     request_digest)
        data = json.loads(response.content)
        if not isinstance(data, dict):
            raise Refused("bad_response", detail="not a JSON object")
    except (Refused, ValueError) as exc:
        entry.outcome = "bad_response"
        entry.write()
        raise exc if isinstance(exc, Refused) else Refused("bad_response") from exc
    entry.outcome = answer_headers.get(protocol.HEADER_OUTCOME, "ok")
    entry.write()
    if response.status_code != 200:
        code = data.get("code")
        raise Refused(code if code in protocol.REASONS else "provider_error", detail=str(data.get("detail", "")))
    return data


# --- checking the message log -------------------------------------------------------------------------------

@dataclass
class LogReport:
    entries: int = 0
    streams: int = 0
    problems: list[str] = field(default_factory=list)


def verify_log(progress: Callable[[int], None] | None = None) -> LogReport:
    """Walk every stream of the message log and name, per stream, the first entry altered, missing or not
    linked to the one before (``motcua audit verify`` also checks the signed seals of their heads)."""
    from motcua.core.chain import first_break
    from motcua.core.chained import streams

    report = LogReport()

    def counted() -> None:
        report.entries += 1
        if progress and report.entries % 10000 == 0:
            progress(report.entries)

    for key, entries in streams(MessageLog, counted):
        report.streams += 1
        found = first_break(entries)
        if found:
            report.problems.append(f"{MessageLog.chain.title} {key}: {found.message}")
    return report
