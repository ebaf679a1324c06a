"""The demo is reached where it was started: what it issues points there."""

import os
import subprocess
import sys

import pytest

from motcua.cli import demo_public_url


@pytest.mark.parametrize("args, url", [
    (["demo"], "http://127.0.0.1:8000"),
    (["demo", "--addr", "127.0.0.1:8720"], "http://127.0.0.1:8720"),
    (["demo", "--alone", "--addr=localhost:9000"], "http://localhost:9000"),
    (["demo", "--addr", "0.0.0.0:8080"], "http://127.0.0.1:8080"),
    (["demo", "--addr", "8090"], "http://127.0.0.1:8090"),
    (["migrate"], None),
])
def test_the_demos_public_address_is_where_it_serves(args, url):
    assert demo_public_url(args) == url


def test_the_settings_read_the_address_before_anything_is_derived_from_it():
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_PUBLIC_URL"}
    code = ("import sys; sys.argv = ['motcua', 'demo', '--addr', '127.0.0.1:8720', '--help']\n"
            "from motcua import cli\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "from django.conf import settings\n"
            "print(settings.PUBLIC_URL, settings.CSRF_TRUSTED_ORIGINS)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8720 ['http://127.0.0.1:8720']", done.stderr
