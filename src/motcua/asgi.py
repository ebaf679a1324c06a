"""ASGI entry point, for the long-lived streams (the dashboard's server-sent events): an event loop holds
hundreds of open streams, each of which would hold a whole worker of the WSGI server (``motcua.wsgi``), which
serves everything else. The reverse proxy sends only ``/chi-so/su-kien/`` here; see the README."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_asgi_application()
