"""A server refuses to start while a secret is still its published default, the demo and development aside:
the WSGI application (gunicorn, runserver) and the ASGI one (uvicorn, for streams) are built in a fresh
process, as servers do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
SECRETS = {"MOTCUA_SECRET_KEY": "a-long-random-production-key", "MOTCUA_VNPAY_HASH_SECRET": "the-merchant-secret",
           "MOTCUA_OIDC_CLIENT_SECRET": "the-e-id-client-secret",
           "MOTCUA_KEY_ENCRYPTION_KEYS": "iuW5Vn0ZzT3lmjCHbR0a8Ik4F8Ti8TWxH9VZAVUMJ0o="}
PUBLISHED = {"MOTCUA_SECRET_KEY": "insecure-development-key-change-me",
             "MOTCUA_VNPAY_HASH_SECRET": "motcua-sandbox-hash-secret-change-me",
             "MOTCUA_OIDC_CLIENT_SECRET": "motcua-portal-demo-secret",
             "MOTCUA_KEY_ENCRYPTION_KEYS": "bW90Y3VhLWRlbW8ta2V5LWVuY3J5cHRpb24ta2V5LSE="}


def start(tmp_path: Path, entry_point: str = "motcua.wsgi", **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    env.update({"PYTHONPATH": str(SRC), "MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_DEBUG": "0", **variables})
    return subprocess.run([sys.executable, "-c", f"import {entry_point}"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("variable", sorted(SECRETS))
@pytest.mark.parametrize("left_as", ["unset", "published default"])
@pytest.mark.parametrize("entry_point", ["motcua.wsgi", "motcua.asgi"])
def test_a_published_default_secret_stops_the_server(tmp_path, variable, left_as, entry_point):
    others = {k: v for k, v in SECRETS.items() if k != variable}
    started = start(tmp_path, entry_point, **others,
                    **({variable: PUBLISHED[variable]} if left_as != "unset" else {}))
    assert started.returncode != 0
    last_line = started.stderr.strip().splitlines()[-1]
    assert last_line == (f"django.core.exceptions.ImproperlyConfigured: motcua will not start with published "
                         f"default secrets: set {variable} in the environment (MOTCUA_DEBUG=1 or MOTCUA_DEMO=1 "
                         "allows the defaults, for development or the demo)")


def test_with_every_secret_set_the_server_starts(tmp_path):
    started = start(tmp_path, **SECRETS)
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize("mode", ["MOTCUA_DEMO", "MOTCUA_DEBUG"])
def test_the_demo_and_development_start_with_the_defaults(tmp_path, mode):
    started = start(tmp_path, **{mode: "1"})
    assert started.returncode == 0, started.stderr
