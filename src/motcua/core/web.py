"""Small helpers shared by every page-serving capability."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

# Sent with a logout: the browser drops what it kept of the session (cached pages, cookies, storage), so the
# next person at a shared computer finds nothing of the last one's.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def client_address(request: HttpRequest) -> str:
    """The client's address, behind MOTCUA_PROXY_COUNT reverse proxies: the one rule (django-axes' ipware
    settings) for lockouts, logs, sessions and payments alike, never the proxy's own address."""
    from axes.helpers import get_client_ip_address  # late: logging asks before the apps are loaded

    return get_client_ip_address(request) or ""


def uploaded_file_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file someone uploaded (evidence): downloaded, never shown in the page's origin, and were it opened
    anyway, sandboxed with nothing allowed, so a crafted file can run no script as this site."""
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (inline), saved under ``filename``."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
