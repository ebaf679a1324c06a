from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def privacy_notice(app_configs, **kwargs) -> list[checks.Warning]:
    """The published privacy notice names who answers for the data and where to write (W141)."""
    missing = [f"MOTCUA_PRIVACY_{key}" for key in ("CONTROLLER", "CONTACT") if not settings.PRIVACY[key]]
    if not missing or settings.DEMO_MODE:
        return []
    return [checks.Warning(f"the privacy notice names no controller or contact: {', '.join(missing)} not set",
                           hint="the authority that runs the portal, and an address for requests about one's data",
                           id="motcua.W141")]
