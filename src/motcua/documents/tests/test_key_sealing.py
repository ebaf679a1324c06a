"""The development CA's keys are sealed in the database with the key-encryption key, never with SECRET_KEY;
`motcua rekey` moves them to a new key, after which the old one may go."""

import importlib

import pytest
from cryptography.hazmat.primitives import serialization
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.core import sealing
from motcua.documents import signers
from motcua.documents.models import Certificate
from motcua.documents.signers import SignerIdentity

OFFICIAL = SignerIdentity("official", "sealing-test", "Nguyễn Văn Khóa", "UBND phường Hoàn Kiếm")


def stored_key(row: Certificate) -> str:
    """What the database holds, below the field that unseals it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key_pem FROM {Certificate._meta.db_table} WHERE id = %s", [row.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def issued(db, settings):
    signers._backend.cache_clear()
    _, row = signers.backend().signer_for(OFFICIAL)
    yield Certificate.objects.get(pk=row.pk)
    signers._backend.cache_clear()


def test_a_development_key_is_sealed_at_rest_and_opens_for_signing(issued):
    raw = stored_key(issued)
    assert raw.startswith(sealing.SEALED_PREFIX) and "PRIVATE KEY" not in raw
    assert issued.key_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert signers.backend().signer_for(OFFICIAL)[1].pk == issued.pk  # the same key signs again


def test_rekey_moves_every_sealed_value_to_the_newest_key(issued, settings, capsys):
    old_key = settings.KEY_ENCRYPTION_KEYS[0]
    call_command("rekey", "--new-key")
    new_key = capsys.readouterr().out.strip()
    settings.KEY_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rekey")
    assert "sealed values now under the newest key" in capsys.readouterr().out
    settings.KEY_ENCRYPTION_KEYS = [new_key]  # the old key removed: everything still opens
    assert Certificate.objects.get(pk=issued.pk).key_pem == issued.key_pem

    settings.KEY_ENCRYPTION_KEYS = [sealing.new_key()]  # a key removed before rekey ran
    with pytest.raises(sealing.UnsealError):
        Certificate.objects.get(pk=issued.pk)
    with pytest.raises(CommandError, match="put back the key it was sealed with"):
        call_command("rekey")


def test_keys_stored_before_sealing_are_sealed_by_the_migration(issued, settings):
    old_passphrase = (settings.SIGNING["PASSPHRASE"] or settings.SECRET_KEY).encode()
    key = serialization.load_pem_private_key(issued.key_pem.encode(), password=None)
    legacy = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(old_passphrase)).decode()
    unreadable = Certificate.objects.create(**{f.name: getattr(issued, f.name) for f in Certificate._meta.fields
                                               if f.name not in ("id", "serial")}, serial="legacy")
    with connection.cursor() as cursor:
        table = Certificate._meta.db_table
        cursor.execute(f"UPDATE {table} SET key_pem = %s WHERE id = %s", [legacy, issued.pk])
        cursor.execute(f"UPDATE {table} SET key_pem = %s WHERE id = %s", ["-----BEGIN ENCRYPTED-----", unreadable.pk])
    migration = importlib.import_module("motcua.documents.migrations.0003_seal_development_keys")
    migration.seal_development_keys(apps, None)
    assert stored_key(issued).startswith(sealing.SEALED_PREFIX)
    assert Certificate.objects.get(pk=issued.pk).key_pem == issued.key_pem
    assert stored_key(unreadable) == ""  # no passphrase opened it: dropped, a new certificate comes next time
