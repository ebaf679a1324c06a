"""Small helpers shared by every page-serving capability."""

from __future__ import annotations

from django.http import HttpResponse

# Sent with a logout: the browser drops what it kept of the session (cached pages, cookies, storage), so the
# next person at a shared computer finds nothing of the last one's.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (inline), saved under ``filename``."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
