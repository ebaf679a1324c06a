from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = "Notifications: messages from events, channels, deliveries, the NATS relay"

    def ready(self) -> None:
        from motcua.notifications import (
            checks,  # noqa: F401 — the channels' system checks
            events,  # noqa: F401 — what each event says, to whom
            relay,  # noqa: F401 — the optional NATS JetStream relay consumer
            services,  # noqa: F401 — the outbox consumer and the retention of messages
        )
