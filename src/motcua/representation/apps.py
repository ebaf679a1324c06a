from django.apps import AppConfig


class RepresentationConfig(AppConfig):
    name = "motcua.representation"
    label = "representation"
    verbose_name = "Acting for someone else (parents, guardians, relatives, written authorisations)"

    def ready(self):
        from motcua.representation import authority  # noqa: F401 — registers the filing authority and the hooks
