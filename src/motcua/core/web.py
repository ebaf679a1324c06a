"""Small helpers shared by every page-serving capability."""

from __future__ import annotations

from django.http import HttpResponse


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (inline), saved under ``filename``."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
