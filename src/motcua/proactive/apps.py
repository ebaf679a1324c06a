from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "motcua.proactive"
    label = "proactive"
    verbose_name = "Proactive services: offers made from registry events and dates"

    def ready(self) -> None:
        from motcua.proactive import (
            checks,  # noqa: F401 — the rules file is checked at start-up
            services,  # noqa: F401 — the outbox consumer and the dossier hook
        )
