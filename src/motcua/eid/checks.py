from django.conf import settings
from django.core import checks

from motcua.core import keyfiles


@checks.register(checks.Tags.security, deploy=True)
def eid_signing_key_file(app_configs, **kwargs) -> list[checks.Error]:
    """The bundled e-ID provider's key file is readable by the service account only (E131)."""
    return [checks.Error(file.problem, hint=file.hint, id="motcua.E131")
            for file in keyfiles.exposed_files([settings.EID_SIGNING_KEY_FILE])]


@checks.register(checks.Tags.security, deploy=True)
def eid_provider_configured(app_configs, **kwargs) -> list[checks.Warning]:
    """Citizens can log in: an external e-ID provider is set, or the bundled one is turned on (W132)."""
    if settings.OIDC["DISCOVERY_URL"] or settings.BUNDLED_EID:
        return []
    return [checks.Warning("no e-ID provider: citizens cannot log in (the portal answers 503)",
                           hint="set MOTCUA_OIDC_DISCOVERY_URL to the national e-ID provider's discovery URL",
                           id="motcua.W132")]
