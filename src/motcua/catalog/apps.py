from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"

    def ready(self):
        from motcua.catalog.models import Agency
        from motcua.catalog.services import forget_agencies

        def forget(**kwargs):
            forget_agencies()

        # post_migrate also follows a database flush (as between transactional tests).
        post_migrate.connect(forget, dispatch_uid="catalog-agencies-migrate")
        post_save.connect(forget, sender=Agency, dispatch_uid="catalog-agencies-save")
        post_delete.connect(forget, sender=Agency, dispatch_uid="catalog-agencies-delete")
