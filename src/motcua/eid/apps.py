from django.apps import AppConfig


class EidConfig(AppConfig):
    name = "motcua.eid"
    label = "eid"
    verbose_name = "Bundled national e-ID provider (OpenID Connect)"

    def ready(self) -> None:
        from motcua.eid import checks  # noqa: F401 — registers the deployment check of the provider's key file
