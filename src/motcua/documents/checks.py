from django.conf import settings
from django.core import checks

from motcua.documents.signers import BACKENDS


@checks.register()
def signing_backend(app_configs, **kwargs) -> list[checks.Error]:
    """MOTCUA_SIGNING_BACKEND names a backend (E121) whose settings are in place (E122)."""
    return BACKENDS.system_check(settings.SIGNING["BACKEND"], unusable="motcua.E121", misconfigured="motcua.E122")
