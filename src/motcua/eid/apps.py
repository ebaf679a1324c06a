from django.apps import AppConfig


class EidConfig(AppConfig):
    name = "motcua.eid"
    label = "eid"
    verbose_name = "Bundled national e-ID provider (OpenID Connect)"

    def ready(self) -> None:
        # the deployment check of the provider's key file; what the provider keeps for a time
        from motcua.eid import checks, retention  # noqa: F401
