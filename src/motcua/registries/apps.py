from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "motcua.registries"
    label = "registries"
    verbose_name = "Base registries (population, residence, civil status, enterprises, documents)"
