from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = "Fees, online payment, reconciliation and receipts"

    def ready(self) -> None:
        from motcua.payments import (
            checks,  # noqa: F401 — registers the payment gateway's system check
            services,  # noqa: F401 — issues receipts when a dossier is paid
        )
