"""The unread badge in the page header: the logged-in citizen's or official's unread inbox messages, counted only
when a page shows it (``{% with n=inbox_unread %}``)."""

from functools import cache

from django.http import HttpRequest

from motcua.identity.callers import CITIZEN_SESSION_KEY, OFFICIAL_LOGIN_KEY
from motcua.notifications.services import unread_count


def _recipient(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    if request.path.startswith("/backoffice/"):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session.get(OFFICIAL_LOGIN_KEY):
            return f"official:{user.get_username()}"
        return None
    citizen = session.get(CITIZEN_SESSION_KEY)
    return f"citizen:{citizen['id_number']}" if citizen else None


def unread(request: HttpRequest) -> dict:
    recipient = _recipient(request)
    if recipient is None:
        return {}
    return {"inbox_unread": cache(lambda: unread_count(recipient))}
