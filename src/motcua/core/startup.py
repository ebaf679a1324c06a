"""What every server process checks before it serves (gunicorn, uvicorn and runserver build the application
through ``motcua.wsgi`` or ``motcua.asgi``)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from motcua.core.bodysize import CapRequestBody, WSGIApp


def refuse_published_secrets() -> None:
    """With a published default secret anyone could sign sessions, payment notifications or the e-ID client's
    requests: only development and the demo may run with one."""
    if settings.UNSET_SECRETS and not (settings.DEBUG or settings.DEMO_MODE):
        raise ImproperlyConfigured(
            f"motcua will not start with published default secrets: set {', '.join(settings.UNSET_SECRETS)} "
            "in the environment (MOTCUA_DEBUG=1 or MOTCUA_DEMO=1 allows the defaults, for development or the demo)")


def wsgi_application() -> WSGIApp:
    """Django's WSGI application behind the request body cap (the one every WSGI server serves)."""
    return CapRequestBody(get_wsgi_application(), settings.MAX_REQUEST_BYTES)
