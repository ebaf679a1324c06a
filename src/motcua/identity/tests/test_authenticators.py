"""Authenticator seeds are kept sealed: the database holds no seed in clear, those enrolled before are sealed
by the upgrade, and codes from the same app go on working."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from motcua.core.sealing import is_sealed
from motcua.demo.testing import log_in_official, one_time_code
from motcua.identity import second_factor
from motcua.identity.models import Authenticator

LEADER = "hoankiem.lanhdao"
BEFORE, AFTER = [("identity", "0003_session_records")], [("identity", "0004_sealed_authenticators")]
SEED = "3132333435363738393031323334353637383930"  # RFC 6238's test seed, in hex


def stored_key(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM identity_authenticator WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_an_enrolled_seed_is_stored_sealed(client, seeded):
    log_in_official(client, LEADER)
    device = Authenticator.objects.get(user__username=LEADER)
    raw = stored_key(device.pk)
    assert is_sealed(raw) and device.key not in raw and len(device.bin_key) == 20
    assert client.get("/backoffice/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_seals_the_seeds_enrolled_before(seeded):
    user = get_user_model().objects.get(username=LEADER)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        plain = executor.loader.project_state([*BEFORE, ("otp_totp", "0003_add_timestamps")]).apps.get_model(
            "otp_totp", "TOTPDevice")
        plain.objects.create(user_id=user.pk, name="authenticator", confirmed=True, key=SEED)
        MigrationExecutor(connection).migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM otp_totp_totpdevice")
            assert cursor.fetchone()[0] == 0  # no clear copy is left
    finally:
        MigrationExecutor(connection).migrate(latest)
    device = Authenticator.objects.get(user=user)
    assert is_sealed(stored_key(device.pk)) and device.key == SEED
    assert second_factor.verified_device(user, one_time_code(device)) == device
