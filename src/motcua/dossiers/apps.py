from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        from motcua.dossiers import (
            checks,  # noqa: F401 — registers the upload scanner's system checks
            groups,  # noqa: F401 — a member ended without a result cancels those after it
        )
