from django.conf import settings
from django.core import checks

from motcua.notifications.channels import CHANNELS
from motcua.notifications.sms import SMS_GATEWAYS


@checks.register()
def notification_channels(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Every channel plug-in can be loaded (E161) and its settings are usable (E162); so can the SMS gateway
    (E163, E164)."""
    problems: list[checks.CheckMessage] = list(CHANNELS.system_check(unusable="motcua.E161",
                                                                    misconfigured="motcua.E162"))
    gateway = settings.NOTIFICATIONS["SMS_GATEWAY"]
    if gateway:
        problems += SMS_GATEWAYS.system_check(gateway, unusable="motcua.E163", misconfigured="motcua.E164")
    return problems


@checks.register(deploy=True)
def citizens_can_be_reached(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Outside the demo, e-mail without an SMTP server and SMS without a real gateway reach no one (W165)."""
    if settings.DEMO_MODE:
        return []
    warnings = []
    if not settings.NOTIFICATIONS["SMTP_HOST"]:
        warnings.append(checks.Warning("no e-mail notifications: no SMTP server is set",
                                       hint="set MOTCUA_SMTP_HOST (and MOTCUA_SMTP_PORT, _USER, _PASSWORD, _SECURITY)",
                                       id="motcua.W165"))
    if settings.NOTIFICATIONS["SMS_GATEWAY"] == "file":
        warnings.append(checks.Warning("SMS notifications are written to a file, not sent",
                                       hint="set MOTCUA_SMS_GATEWAY to the operator's gateway plug-in",
                                       id="motcua.W166"))
    if settings.NOTIFICATIONS["SMTP_PASSWORD"] and settings.NOTIFICATIONS["SMTP_SECURITY"] == "none":
        warnings.append(checks.Warning("the SMTP password would be sent in clear text",
                                       hint="set MOTCUA_SMTP_SECURITY=starttls or tls", id="motcua.W167"))
    return warnings
