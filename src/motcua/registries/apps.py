from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "motcua.registries"
    label = "registries"
    verbose_name = "Base registries (population, residence, civil status, enterprises, documents)"

    def ready(self):
        from motcua.catalog import services as catalog
        from motcua.registries import access, checks  # noqa: F401 — the dossier-read hook, the sources' check
        from motcua.registries.sources import SOURCES

        catalog.use_sources(SOURCES)
