from django.conf import settings
from django.core import checks


@checks.register()
def national_portal(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A national portal URL needs its account (E171) and an http(s) address (E172)."""
    config = settings.NATIONAL_PORTAL
    if not config["URL"]:
        return []
    problems = []
    if not config["URL"].startswith(("https://", "http://")):
        problems.append(checks.Error("MOTCUA_NATIONAL_PORTAL_URL is not an http(s) address", id="motcua.E172"))
    if not (config["USERNAME"] and config["PASSWORD"]):
        problems.append(checks.Error("the national portal's account is not set",
                                     hint="set MOTCUA_NATIONAL_PORTAL_USERNAME and MOTCUA_NATIONAL_PORTAL_PASSWORD",
                                     id="motcua.E171"))
    return problems


@checks.register(deploy=True)
def dossiers_reach_the_national_portal(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Outside the demo, dossiers not pushed to the national portal score nothing for synchronisation (W173);
    an account sent in clear text (W174)."""
    if settings.DEMO_MODE:
        return []
    url = settings.NATIONAL_PORTAL["URL"]
    if not url:
        return [checks.Warning("dossiers are not synchronised with the national public-service portal",
                               hint="set MOTCUA_NATIONAL_PORTAL_URL (and _USERNAME, _PASSWORD) and run "
                                    "`motcua nationalportal push` workers", id="motcua.W173")]
    if url.startswith("http://"):
        return [checks.Warning("the national portal's account and dossiers would be sent in clear text",
                               hint="use its https:// address", id="motcua.W174")]
    return []
