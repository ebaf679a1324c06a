from django.core import checks

from motcua.registries.sources import SOURCES


@checks.register()
def registry_sources(app_configs, **kwargs) -> list[checks.Error]:
    """Every REGISTRY_SOURCES override imports and is a RegistrySource (E101); every source's own settings
    are in place (E102). Every source is in use: procedures name them."""
    return SOURCES.system_check(unusable="motcua.E101", misconfigured="motcua.E102")
