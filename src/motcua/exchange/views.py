"""The exchange's HTTP endpoint: ``POST /exchange/v1/<provider system>/<service>`` (docs/exchange.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from motcua.exchange import services


@csrf_exempt  # the call is authenticated by its signature, not by a session
def receive(request: HttpRequest, provider: str, service: str) -> HttpResponse:
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST"
        return response
    headers = {name.lower(): value for name, value in request.headers.items()}
    answer = services.receive(request.method, request.path, provider, service, headers, request.body)
    response = HttpResponse(answer.body, status=answer.status, content_type=services.JSON)
    for name, value in answer.headers.items():
        response[name] = value
    return response
