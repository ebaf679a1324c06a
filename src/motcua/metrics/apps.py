from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "motcua.metrics"
    label = "metrics"
    verbose_name = "Service index (Decision 766), roll-ups and satisfaction ratings"

    def ready(self) -> None:
        from motcua.metrics import rollup  # noqa: F401 — publishes dossier changes, consumes them into roll-ups
