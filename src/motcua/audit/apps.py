from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "motcua.audit"
    label = "audit"
    verbose_name = "Tamper-evident audit: sealing and verifying the hash-chained logs"
