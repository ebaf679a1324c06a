import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()
# Everything loaded at start-up lives as long as the process: keep it out of the cyclic collector's
# scans, which otherwise make the slowest requests slower (and, before fork, spoil copy-on-write).
gc.collect()
gc.freeze()
