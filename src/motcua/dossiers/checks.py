from django.conf import settings
from django.core import checks

from motcua.dossiers.scanners import SCANNERS, scanner


@checks.register()
def upload_scanner(app_configs, **kwargs) -> list[checks.Error]:
    """MOTCUA_UPLOAD_SCANNER names a scanner (E151) whose settings are in place (E152)."""
    return SCANNERS.system_check(settings.UPLOAD_SCANNING["SCANNER"], unusable="motcua.E151",
                                 misconfigured="motcua.E152")


@checks.register(checks.Tags.security, deploy=True)
def uploads_are_scanned(app_configs, **kwargs) -> list[checks.Warning]:
    """Evidence files reach officials' computers: a deployment scans them for malware (W153)."""
    if settings.DEMO_MODE or settings.UPLOAD_SCANNING["SCANNER"] not in SCANNERS or scanner().scans:
        return []
    return [checks.Warning("evidence files are not scanned for malware",
                           hint="run clamd and set MOTCUA_UPLOAD_SCANNER=clamav and MOTCUA_CLAMD_ADDRESS",
                           id="motcua.W153")]
