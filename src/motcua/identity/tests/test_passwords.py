"""The suite hashes passwords quickly (conftest); what a deployment stores is checked here."""

import importlib

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

OWASP_PBKDF2_SHA256_ITERATIONS = 600_000  # OWASP Password Storage Cheat Sheet, 2023 onwards


@pytest.fixture
def deployed_hashers(settings):
    from django.conf import global_settings

    deployed = importlib.import_module("motcua.settings")
    settings.PASSWORD_HASHERS = getattr(deployed, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)


def test_a_deployment_stores_passwords_with_a_slow_salted_hash(deployed_hashers):
    encoded = make_password("mật khẩu đủ dài 2026")
    hasher = identify_hasher(encoded)
    assert hasher.algorithm == "pbkdf2_sha256" and hasher.iterations >= OWASP_PBKDF2_SHA256_ITERATIONS
    assert check_password("mật khẩu đủ dài 2026", encoded) and not check_password("mật khẩu khác", encoded)
    assert make_password("mật khẩu đủ dài 2026") != encoded  # salted: the same password, another hash
