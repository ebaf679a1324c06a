"""Security events (authentication, refusals, administrative acts) on one logger, ``motcua.security``, each
with who, from where and how it ended. Handlers and formatting are set in the settings' LOGGING."""

from __future__ import annotations

import logging

from django.http import HttpRequest

security_log = logging.getLogger("motcua.security")


def security_event(event: str, outcome: str, request: HttpRequest | None = None, *, actor: str = "",
                   **details: object) -> None:
    """``event`` names what happened (``login``, ``second_factor``, ``token_revoked``…), ``outcome`` how it
    ended (``success``, ``failure``, ``refused``, ``locked``)."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    if not actor and request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated:
        actor = request.user.get_username()
    level = logging.INFO if outcome == "success" else logging.WARNING
    security_log.log(level, "%s %s", event, outcome, extra={
        "event": event, "outcome": outcome, "actor": actor, "address": address, "details": details})
