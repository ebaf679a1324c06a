import gc
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
# Every server (gunicorn, runserver) builds this application, so this is where a published default secret
# stops it: with it anyone could sign sessions, payment notifications or the e-ID client's requests.
if settings.UNSET_SECRETS and not (settings.DEBUG or settings.DEMO_MODE):
    raise ImproperlyConfigured(
        f"motcua will not start with published default secrets: set {', '.join(settings.UNSET_SECRETS)} "
        "in the environment (MOTCUA_DEBUG=1 or MOTCUA_DEMO=1 allows the defaults, for development or the demo)")
application = get_wsgi_application()
# Everything loaded at start-up lives as long as the process: keep it out of the cyclic collector's
# scans, which otherwise make the slowest requests slower (and, before fork, spoil copy-on-write).
gc.collect()
gc.freeze()
