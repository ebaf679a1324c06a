from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"

    def ready(self) -> None:
        from motcua.portal import checks  # noqa: F401 — registers the privacy notice's deployment check
