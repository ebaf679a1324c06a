"""What the OpenAPI document says beyond each handler's own declarations: the responses every operation can
give through the layers it shares with the others, the session cookie and an app's access token (OAuth 2,
with the scope each operation needs) as other ways to authenticate, and links from an answer holding a dossier to the operations on that dossier (clients and stateful
testing follow them: submit → status → actions)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.conf import settings

from motcua.eid.scopes import APP_SCOPES, SCOPES

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}
SESSION_SCHEME = "SessionCookie"
BEARER_SCHEME = "ActorAuth"  # ninja names a scheme after its class
APP_SCHEME = "EidApp"
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


def _security_schemes() -> dict[str, Any]:
    return {
        BEARER_SCHEME: {
            "type": "http", "scheme": "bearer",
            "description": "An official's API token (opaque, issued by an operator with `motcua tokens`), or an "
                           f"app's access token (a JWT, see {APP_SCHEME}). A refused token is answered with "
                           "`WWW-Authenticate: Bearer error=\"invalid_token\"` (401) or "
                           "`error=\"insufficient_scope\"` (403). See docs/api-access.md."},
        APP_SCHEME: {
            "type": "oauth2",
            "description": "A citizen's app (the e-ID mobile app) acting in the person's name: authorization code "
                           "with PKCE (S256) at the e-ID provider; the access token (a JWT, RFC 9068) lives five "
                           "minutes and is sent as a bearer token; each operation lists the scope it needs.",
            "flows": {"authorizationCode": {
                "authorizationUrl": "/eid/authorize/", "tokenUrl": "/eid/token/", "refreshUrl": "/eid/token/",
                "scopes": {name: en for name, (_vi, en) in SCOPES.items() if name in APP_SCOPES}}}},
        SESSION_SCHEME: {
            "type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
            "description": "A portal session (a citizen logged in with e-ID) or a back-office session (an "
                           "official). POST requests also send the CSRF token (cookie "
                           f"`{settings.CSRF_COOKIE_NAME}`) in the `X-CSRFToken` header."},
    }


def complete(schema: dict[str, Any], app_scopes: dict[str, str]) -> dict[str, Any]:
    """``app_scopes``: the scope an app's access token needs, by the id of each operation open to apps."""
    operations = [(path, operation) for path, item in schema["paths"].items() for operation in item.values()]
    on_a_dossier = {operation["operationId"]: operation for path, operation in operations
                    if path.startswith(DOSSIER_PATH)}
    schema["components"].setdefault("securitySchemes", {}).update(_security_schemes())
    for path, operation in operations:
        responses = operation["responses"]  # keyed by int status, as ninja writes them
        if operation.get("security"):  # every authenticated operation also takes the session, some an app's token
            scope = app_scopes.get(operation["operationId"])
            operation["security"] = [*operation["security"], {SESSION_SCHEME: []},
                                     *([{APP_SCHEME: [scope]}] if scope else [])]
            if scope:
                responses.setdefault(403, _error(403))  # insufficient_scope
        for status in _shared_responses(path, operation):
            responses.setdefault(status, _error(status))
        for status, response in responses.items():
            if 200 <= int(status) < 300 and _returns_a_dossier(response):
                response["links"] = {target: {"$ref": f"#/components/links/{target}"} for target in on_a_dossier}
    schema["components"]["links"] = {
        target: {"operationId": target, "parameters": {"code": "$response.body#/code"},
                 "description": f"{operation.get('summary', target)}: the dossier in this answer"}
        for target, operation in on_a_dossier.items()}
    return schema
