"""What the OpenAPI document says beyond each handler's own declarations: the responses every operation can
give through the layers it shares with the others, the session cookie as the second way to authenticate,
and links from an answer holding a dossier to the operations on that dossier (clients and stateful
testing follow them: submit → status → actions)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.conf import settings

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}
SESSION_SCHEME = "SessionCookie"
DOSSIER_SCHEMAS = ("#/components/schemas/DossierOut", "#/components/schemas/DossierDetailOut")
DOSSIER_PATH = "/api/dossiers/{code}"


def _error(status: int) -> dict[str, Any]:
    return {"description": HTTPStatus(status).phrase, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def _shared_responses(path: str, operation: dict[str, Any]) -> list[int]:
    """400 (unreadable request) and 422 (a parameter or the body is not valid) anywhere; 401 where the caller
    must authenticate; 404 where the path names something; 413 and 415 where a body is sent (the size cap,
    and a body that is not JSON)."""
    statuses = [400, 422]
    if operation.get("security"):
        statuses.append(401)
    if "{" in path:
        statuses.append(404)
    if "requestBody" in operation:
        statuses += [413, 415]
    return statuses


def _returns_a_dossier(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref") in DOSSIER_SCHEMAS


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    operations = [(path, operation) for path, item in schema["paths"].items() for operation in item.values()]
    on_a_dossier = {operation["operationId"]: operation for path, operation in operations
                    if path.startswith(DOSSIER_PATH)}
    schema["components"].setdefault("securitySchemes", {})[SESSION_SCHEME] = {
        "type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
        "description": "A portal session (a citizen logged in with e-ID) or a back-office session (an "
                       "official). POST requests also send the CSRF token (cookie "
                       f"`{settings.CSRF_COOKIE_NAME}`) in the `X-CSRFToken` header."}
    for path, operation in operations:
        responses = operation["responses"]  # keyed by int status, as ninja writes them
        for status in _shared_responses(path, operation):
            responses.setdefault(status, _error(status))
        if operation.get("security"):  # every authenticated operation also takes the session
            operation["security"] = [*operation["security"], {SESSION_SCHEME: []}]
        for status, response in responses.items():
            if 200 <= int(status) < 300 and _returns_a_dossier(response):
                response["links"] = {target: {"$ref": f"#/components/links/{target}"} for target in on_a_dossier}
    schema["components"]["links"] = {
        target: {"operationId": target, "parameters": {"code": "$response.body#/code"},
                 "description": f"{operation.get('summary', target)}: the dossier in this answer"}
        for target, operation in on_a_dossier.items()}
    return schema
