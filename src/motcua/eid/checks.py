from django.conf import settings
from django.core import checks

from motcua.core import keyfiles


@checks.register(checks.Tags.security, deploy=True)
def eid_signing_key_file(app_configs, **kwargs) -> list[checks.Error]:
    """The bundled e-ID provider's key file is readable by the service account only (E131)."""
    return [checks.Error(file.problem, hint=file.hint, id="motcua.E131")
            for file in keyfiles.exposed_files([settings.EID_SIGNING_KEY_FILE])]
