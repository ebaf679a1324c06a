"""The rules file is checked at start-up (`motcua check`, `migrate`, `runserver`): a bad file is reported with
every problem, and no offer is made from it."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from motcua.proactive.rules import RulesRefused


@register()
def rules_file(app_configs=None, **kwargs) -> list[Error]:
    from motcua.proactive import services

    try:
        services.load_rules()
    except RulesRefused as refused:
        return [Error(f"proactive rules: {e.field}: {e.en}", id="motcua.E171") for e in refused.errors]
    except ImproperlyConfigured:
        return []  # the catalog cannot be read (a registry source misconfigured): that check says why
    return []
