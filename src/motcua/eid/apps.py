from django.apps import AppConfig


class EidConfig(AppConfig):
    name = "motcua.eid"
    label = "eid"
    verbose_name = "Bundled national e-ID provider (OpenID Connect)"
