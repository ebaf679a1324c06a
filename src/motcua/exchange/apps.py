from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    label = "exchange"
    verbose_name = "Inter-agency data exchange: members, services, rights, signed calls and their message log"

    def ready(self) -> None:
        from motcua.exchange import checks, directory, published, subscriptions  # noqa: F401 — checks, signals, services
