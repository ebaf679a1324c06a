import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from motcua.core.bodysize import CapRequestBody

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = CapRequestBody(get_wsgi_application(), settings.MAX_REQUEST_BYTES)
# Everything loaded at start-up lives as long as the process: keep it out of the cyclic collector's
# scans, which otherwise make the slowest requests slower (and, before fork, spoil copy-on-write).
gc.collect()
gc.freeze()
