from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "motcua.identity"
    label = "identity"

    def ready(self) -> None:
        from motcua.identity import retention, security_events  # noqa: F401  (registers, connects)
