"""Secrets kept in the database (signing keys, authenticator seeds) are sealed with a key-encryption key of
their own, never with ``SECRET_KEY``: rotating one does not break the other, and the published default of
``SECRET_KEY`` decrypts nothing. ``MOTCUA_KEY_ENCRYPTION_KEYS`` lists Fernet keys, newest first; a value
sealed under any of them opens, and ``motcua rekey`` seals everything again under the newest."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

SEALED_PREFIX = "sealed:"


class UnsealError(ValueError):
    """A sealed value that no configured key opens (a key removed before `motcua rekey` ran)."""


def _keys() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.KEY_ENCRYPTION_KEYS])


def seal(plaintext: bytes) -> str:
    return SEALED_PREFIX + _keys().encrypt(plaintext).decode()


def is_sealed(value: str) -> bool:
    return value.startswith(SEALED_PREFIX)


def unseal(value: str) -> bytes:
    try:
        return _keys().decrypt(value.removeprefix(SEALED_PREFIX).encode())
    except InvalidToken:
        raise UnsealError("no key in MOTCUA_KEY_ENCRYPTION_KEYS opens this value") from None


def new_key() -> str:
    return Fernet.generate_key().decode()


class SealedTextField(models.TextField):
    """A text column whose value is stored sealed: the model sees the plaintext, the database only the
    ciphertext. ``motcua rekey`` finds every such column and seals its values again under the newest key."""

    def from_db_value(self, value, expression, connection):
        return value if value is None or not is_sealed(value) else unseal(value).decode()

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None or value == "" or is_sealed(value) else seal(value.encode())
