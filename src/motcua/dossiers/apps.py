from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        # checks: the upload scanner's system checks; groups: a member ended without a result cancels those after it
        from motcua.dossiers import checks, groups  # noqa: F401
