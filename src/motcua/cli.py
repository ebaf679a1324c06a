"""The ``motcua`` command: every Django management command, plus demo, seed, catalog and bench."""

import argparse
import os
import sys


def demo_public_url(args: list[str]) -> str | None:
    """Where ``motcua demo [--addr host:port]`` is reached: the address of the QR codes, verification links and
    revocation list of what it issues (unless MOTCUA_PUBLIC_URL says otherwise). A server listening on every
    interface is reached on this machine at its loopback address."""
    if not args or args[0] != "demo":
        return None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--addr", default="127.0.0.1:8000")
    addr = parser.parse_known_args(args[1:])[0].addr
    host, _, port = addr.rpartition(":")
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(host, host)
    return f"http://{host}:{port}"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    public_url = demo_public_url(sys.argv[1:])
    if public_url:  # before the settings are read: the site's origin is derived from it (CSRF, CSP)
        os.environ.setdefault("MOTCUA_PUBLIC_URL", public_url)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua", *sys.argv[1:]])


if __name__ == "__main__":
    main()
