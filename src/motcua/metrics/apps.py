from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "motcua.metrics"
    label = "metrics"
    verbose_name = "Service index (Decision 766), roll-ups and satisfaction ratings"

    def ready(self) -> None:
        # the outbox consumers: dossier changes into the roll-ups, group and member changes into the group figures;
        # the rated dossiers, for the applicant's needed action
        from motcua.metrics import interlinked, ratings, rollup  # noqa: F401
