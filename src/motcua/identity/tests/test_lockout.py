"""Login lockout, at the back office and at the e-ID provider: per username and address together, and longer
with each lockout of the day."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.db.models import F

from motcua.demo.seeding import DEMO_PASSWORD

LOGINS = [("/backoffice/dang-nhap/", "hoankiem.motcua"), ("/eid/dang-nhap/", "001090012345")]
ATTACKER, OWNER = "198.51.100.7", "203.0.113.20"


def attempt(client, url, username, address, password="wrong", **headers):
    client.logout()
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, headers=headers)


def fail_until_locked(client, settings, url, username, address, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, url, username, address, **headers)


def time_passes(delta: timedelta) -> None:
    """Every recorded failure and lockout moved back in time, as if `delta` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - delta)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)


@pytest.mark.parametrize("url, username", LOGINS)
def test_failures_from_one_address_lock_no_one_out_elsewhere(client, settings, seeded, url, username):
    fail_until_locked(client, settings, url, username, ATTACKER)
    locked = attempt(client, url, username, ATTACKER, DEMO_PASSWORD)
    assert locked.status_code == 429 and "tạm khóa" in locked.content.decode()
    assert attempt(client, url, username, OWNER, DEMO_PASSWORD).status_code == 302  # the owner logs in
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("url, username", LOGINS)
def test_each_lockout_of_the_day_lasts_longer(client, settings, seeded, url, username):
    for minutes in (1, 5, 15, 60, 60):
        fail_until_locked(client, settings, url, username, ATTACKER)
        locked = attempt(client, url, username, ATTACKER, DEMO_PASSWORD)
        assert locked.status_code == 429 and f"thử lại sau {minutes} phút" in locked.content.decode()
        time_passes(timedelta(minutes=minutes) - timedelta(seconds=5))
        assert attempt(client, url, username, ATTACKER, DEMO_PASSWORD).status_code == 429
        time_passes(timedelta(seconds=10))
        assert attempt(client, url, username, ATTACKER, DEMO_PASSWORD).status_code == 302  # free again
    time_passes(timedelta(days=1))
    fail_until_locked(client, settings, url, username, ATTACKER)
    assert "thử lại sau 1 phút" in attempt(client, url, username, ATTACKER).content.decode()  # a new day


def test_behind_a_reverse_proxy_each_client_is_its_own_address(client, settings, seeded):
    # what MOTCUA_PROXY_COUNT=1 sets: one proxy in front, which appends the address it saw to X-Forwarded-For
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    proxy, url, username = "10.0.0.2", *LOGINS[0]
    # the attacker writes someone else's address into the header; the proxy appends the attacker's own
    fail_until_locked(client, settings, url, username, proxy, x_forwarded_for=f"{OWNER}, {ATTACKER}")
    assert attempt(client, url, username, proxy, DEMO_PASSWORD, x_forwarded_for=ATTACKER).status_code == 429
    assert attempt(client, url, username, proxy, DEMO_PASSWORD, x_forwarded_for=OWNER).status_code == 302


@pytest.mark.parametrize("url, username", LOGINS)
def test_one_address_trying_many_usernames_is_slowed(client, settings, seeded, url, username):
    """Invented usernames lock no real account, but the address that tries them waits out its window."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for invented in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt(client, url, f"invented-{invented}", ATTACKER)
    limited = attempt(client, url, username, ATTACKER, DEMO_PASSWORD)
    assert limited.status_code == 429 and "15 phút" in limited.content.decode()
    assert "_auth_user_id" not in client.session
    assert attempt(client, url, username, OWNER, DEMO_PASSWORD).status_code == 302  # other addresses go on
    time_passes(settings.LOGIN_ADDRESS_WINDOW)
    assert attempt(client, url, username, ATTACKER, DEMO_PASSWORD).status_code == 302
