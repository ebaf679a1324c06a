from django.apps import AppConfig


class NationalPortalConfig(AppConfig):
    name = "motcua.nationalportal"
    label = "nationalportal"
    verbose_name = "The national public-service portal: dossiers pushed in its data shape, the sandbox receiver"

    def ready(self) -> None:
        from motcua.nationalportal import (
            checks,  # noqa: F401 — the settings' system checks
            services,  # noqa: F401 — the outbox consumer recording pending pushes
        )
