import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
from motcua.core.startup import refuse_published_secrets, wsgi_application  # noqa: E402 — needs the settings named

refuse_published_secrets()
application = wsgi_application()
# Everything loaded at start-up lives as long as the process: keep it out of the cyclic collector's
# scans, which otherwise make the slowest requests slower (and, before fork, spoil copy-on-write).
gc.collect()
gc.freeze()
