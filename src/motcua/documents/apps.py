from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = "Signed results, document wallet and evidence files"

    def ready(self) -> None:
        from motcua.documents import (
            checks,  # noqa: F401 — registers the signing backend's system check
            results,  # noqa: F401 — hooks result issuing into the dossier journal
        )
