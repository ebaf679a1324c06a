"""What anyone may ask without logging in is limited per address and minute: checking uploaded documents,
looking dossiers up by code. Over the limit: 429 with the reason in both languages, page or API alike; another
address is not held back. Counted in Redis, every process shares the count."""

import os
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def upload(client, address: str):
    return client.post("/xac-thuc/", {"file": SimpleUploadedFile("ban-sao.pdf", b"%PDF-1.7 not really")},
                       REMOTE_ADDR=address)


def test_checking_uploaded_documents_is_limited_per_address(client, seeded, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": 3}
    for _ in range(3):
        assert upload(client, "203.0.113.7").status_code == 200
    refused = upload(client, "203.0.113.7")
    assert refused.status_code == 429
    assert "thử lại sau một phút" in refused.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page in the reader's language
    assert "try again in a minute" in upload(client, "203.0.113.7").content.decode()
    assert upload(client, "198.51.100.9").status_code == 200
    assert client.get("/xac-thuc/", REMOTE_ADDR="203.0.113.7").status_code == 200  # the form itself is not counted


def test_looking_dossiers_up_by_code_is_limited_per_address(client, seeded, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": 2}
    for _ in range(2):
        assert client.get("/api/dossiers/H01.X00070.UB-261207-0001/status").status_code == 404
    refused = client.get("/api/dossiers/H01.X00070.UB-261207-0001/status")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert refused.json()["detail"]["en"] == "Too many requests from your network address: try again in a minute."
    assert client.get("/tra-cuu/H01.X00070.UB-261207-0001").status_code == 429  # the page counts alike


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_with_redis_every_process_shares_the_count(client, seeded, settings):
    from django.core.cache import caches

    prefix = f"ratelimit-test-{os.getpid()}"  # this run's keys only: the server may be shared
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": prefix}}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": 2}
    other = caches.create_connection("default")._cache.get_client()
    mine = f"{prefix}:*ratelimit:track:203.0.113.8"
    try:
        for _ in range(2):
            assert client.get("/tra-cuu/", REMOTE_ADDR="203.0.113.8").status_code == 200
        # another process sees the same count: a separate connection reading the same key
        assert sum(int(other.get(key)) for key in other.keys(mine)) == 2
        assert client.get("/tra-cuu/", REMOTE_ADDR="203.0.113.8").status_code == 429
    finally:
        for key in other.keys(mine):
            other.delete(key)
