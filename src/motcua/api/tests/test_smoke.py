import pytest


@pytest.mark.django_db
def test_health(client, seeded):
    assert client.get("/api/health").json()["ok"] is True
