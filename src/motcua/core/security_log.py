"""Security events (authentication, refusals, administrative acts) on one logger, ``motcua.security``, each
with what happened and how it ended; the request, the client's address and the actor are added to every line
by ``motcua.core.logs.RequestFields``. Handlers and formatting are set in the settings' LOGGING."""

from __future__ import annotations

import logging

security_log = logging.getLogger("motcua.security")


def security_event(event: str, outcome: str, *, actor: str = "", **details: object) -> None:
    """``event`` names what happened (``login``, ``second_factor``, ``token_revoked``…), ``outcome`` how it
    ended (``success``, ``failure``, ``refused``, ``locked``); ``actor`` is needed only where the request does
    not say who it is (a failed login names the username tried)."""
    level = logging.INFO if outcome == "success" else logging.WARNING
    fields: dict[str, object] = {"event": event, "outcome": outcome, "details": details}
    if actor:
        fields["actor"] = actor
    security_log.log(level, "%s %s", event, outcome, extra=fields)
