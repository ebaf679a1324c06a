"""ASGI entry point, for the long-lived streams (the dashboard's server-sent events): an event loop holds
hundreds of open streams, each of which would hold a whole worker of the WSGI server (``motcua.wsgi``), which
serves everything else. The reverse proxy sends only ``/chi-so/su-kien/`` here; see docs/deployment.md."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
from motcua.core.startup import refuse_published_secrets  # noqa: E402 — needs the settings module named

refuse_published_secrets()
application = get_asgi_application()
