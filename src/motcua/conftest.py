"""Shared fixtures: a test database holding every agency, the bundled catalog and demo officials."""

import pytest

from motcua.catalog.models import Agency


def pytest_configure(config) -> None:
    """The tests pay through the bundled sandbox gateway, as the demo does (it is served nowhere else)."""
    from django.conf import settings

    settings.SANDBOX_GATEWAY = True


def _seed() -> None:
    from motcua.demo.seeding import seed_all

    seed_all(with_dossiers=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture
def seeded(db):
    """Agencies, catalog and officials; re-created if a transactional test flushed them."""
    if not Agency.objects.exists():
        _seed()

