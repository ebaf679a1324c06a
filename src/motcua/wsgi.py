import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
from motcua.core.startup import refuse_published_secrets  # noqa: E402 — needs the settings module named

refuse_published_secrets()
application = get_wsgi_application()
# Everything loaded at start-up lives as long as the process: keep it out of the cyclic collector's
# scans, which otherwise make the slowest requests slower (and, before fork, spoil copy-on-write).
gc.collect()
gc.freeze()
