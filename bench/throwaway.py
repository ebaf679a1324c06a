"""A throwaway PostgreSQL database for a benchmark: created, migrated and seeded (agencies, catalog, officials)
in a process of its own, this process's Django set up on it, and everything dropped afterwards — or, for data
that takes long to generate, a kept one: reused (migrated) by the next run of the same benchmark."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("MOTCUA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


@contextmanager
def throwaway_database(name: str, keep: bool = False, **variables: str) -> Iterator[bool]:
    """Yields whether the database is new (with ``keep``, False when a previous run's is reused); ``variables``
    are added to the environment (the demo configuration, quiet logs and a var directory of its own by default;
    no daily cap, as benchmarks file many dossiers for one person)."""
    db = f"motcua_{name}_bench_kept" if keep else f"motcua_{name}_bench_{os.getpid()}"
    var = Path(f"/tmp/{db}")
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        new = not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if new:
            admin.execute(f'CREATE DATABASE "{db}"')
    os.environ.update({"MOTCUA_DATABASE_URL": f"{PG}/{db}", "DJANGO_SETTINGS_MODULE": "motcua.settings",
                       "MOTCUA_LOG_LEVEL": "ERROR", "MOTCUA_VAR_DIR": str(var), "MOTCUA_DEMO": "1",
                       "MOTCUA_DAILY_SUBMISSIONS_PER_APPLICANT": str(10**9), **variables})
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        for command in (["migrate"], ["seed", "--no-dossiers"]) if new else (["migrate"],):
            subprocess.run([sys.executable, "-m", "motcua.cli", *command], env=env, check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
        import django

        django.setup()
        yield new
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            shutil.rmtree(var, ignore_errors=True)
