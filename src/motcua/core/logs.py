"""Log lines that can be shipped, searched and trusted: each says when (UTC), which request, who, from where
and how it ended, and none can be forged by what a caller sent (control characters are escaped).

``RequestContext`` (the first middleware) names each request and keeps it for the log filter; the formatters
are named in the settings' LOGGING: JSON, a line per record, for log shippers, or escaped text for a terminal.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest

from motcua.core.security_log import security_event

REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the proxy in front is kept so its lines and ours join; anything else is replaced.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current_request: ContextVar[HttpRequest | None] = ContextVar("motcua_request", default=None)
REFUSED_STATUSES = {401: "unauthenticated", 403: "forbidden", 429: "rate_limited"}
# The attributes every LogRecord has; what else a record carries came as ``extra`` and is logged as fields.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_CONTEXT_FIELDS = ("request_id", "address", "actor", "method", "path")


class RequestContext:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = sent if _VALID_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
            response.headers[REQUEST_ID_HEADER] = request.request_id
            if response.status_code in REFUSED_STATUSES:
                # Authorization refusals, wherever they were decided, on the security log.
                security_event("access", "refused", reason=REFUSED_STATUSES[response.status_code],
                               status=response.status_code)
            return response
        finally:
            _current_request.reset(token)


def request_actor(request: HttpRequest) -> str:
    """Who is asking, as far as is known: ``user:<username>`` for an account (an official behind a token or a
    session), ``citizen:<personal ID number>`` for a portal session."""
    actor = getattr(request, "motcua_actor", None)  # set where a caller was resolved (identity.callers)
    if actor is not None:
        return f"{'user' if actor.kind == 'official' else actor.kind}:{actor.id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.get_username()}"
    session = getattr(request, "session", None)
    citizen = session.get("citizen") if session is not None else None
    return f"citizen:{citizen['id_number']}" if citizen else ""


class RequestFields(logging.Filter):
    """Adds the current request's id, client address, actor, method and path to every record (empty outside a
    request), unless the record already names them."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        fields = {name: "" for name in _CONTEXT_FIELDS}
        if request is not None:
            from motcua.core.web import client_address  # late: logging is configured before the apps load

            fields.update(request_id=getattr(request, "request_id", ""),
                          address=client_address(request), actor=request_actor(request),
                          method=request.method or "", path=request.path)
        for name, value in fields.items():
            if not getattr(record, name, ""):
                setattr(record, name, value)
        return True


def _utc(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line. JSON escapes every control character, so no value can start a line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {"time": _utc(record), "level": record.levelname, "logger": record.name,
                                   "message": record.getMessage()}
        line.update((name, value) for name, value in vars(record).items()
                    if name not in _RECORD_ATTRIBUTES and value not in ("", None, {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def escape_controls(text: str) -> str:
    r"""CR, LF and every other control character as a visible escape (\n, \x1b…)."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


class TextFormatter(logging.Formatter):
    """A line for a person at a terminal: time, level, logger, request, actor, message; escaped like JSON."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{name}={getattr(record, name)}" for name in ("request_id", "actor", "address")
                           if getattr(record, name, ""))
        extra = {name: value for name, value in vars(record).items()
                 if name not in _RECORD_ATTRIBUTES and name not in _CONTEXT_FIELDS and value not in ("", None, {})}
        line = escape_controls(" ".join(part for part in (
            _utc(record), record.levelname, record.name, context, record.getMessage(),
            json.dumps(extra, ensure_ascii=False, default=str) if extra else "") if part))
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)  # a traceback is ours, not a caller's
        return line
