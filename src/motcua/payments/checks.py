from django.conf import settings
from django.core import checks

from motcua.payments.gateways import GATEWAYS


@checks.register()
def payment_gateway(app_configs, **kwargs) -> list[checks.Error]:
    """MOTCUA_PAYMENT_GATEWAY names a gateway (E111) whose merchant settings are in place (E112)."""
    return GATEWAYS.system_check(settings.PAYMENTS["GATEWAY"], unusable="motcua.E111",
                                 misconfigured="motcua.E112")
