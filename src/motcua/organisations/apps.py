from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "motcua.organisations"
    label = "organisations"
    verbose_name = "Tổ chức: doanh nghiệp, hộ kinh doanh"

    def ready(self):
        from motcua.organisations import services  # noqa: F401 — registers the organisations' filing authority
