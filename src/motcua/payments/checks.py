from django.conf import settings
from django.core import checks

from motcua.payments.gateways import GATEWAYS


@checks.register()
def payment_gateway(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """MOTCUA_PAYMENT_GATEWAY names a gateway (E111) whose merchant settings are in place (E112); a gateway not
    set up at all is a warning (W113): fees are then paid at the counter only."""
    problems: list[checks.CheckMessage] = list(GATEWAYS.system_check(
        settings.PAYMENTS["GATEWAY"], unusable="motcua.E111", misconfigured="motcua.E112"))
    if not problems and (reason := GATEWAYS[settings.PAYMENTS["GATEWAY"]].unavailable()):
        problems.append(checks.Warning(f"no online payment: {reason}", id="motcua.W113"))
    return problems
