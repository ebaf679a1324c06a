from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and test data: seeding, sample submissions, official walks. Above every capability, used by none."""

    name = "motcua.demo"
    label = "demo"
