"""Two parties on the exchange, as the demo and the tests run them: the population registry's keeper
(``BCA.dancu``) and a province's one-stop portal (``HN.motcua``), each a process with its own database, keys and
development CA. A configuration authority (``GOV.config``) registers both systems' certificates, services and
rights, signs the configuration file, and each party loads it; the portal's registry sources then point at the
keeper, so a pre-fill travels the exchange (docs/exchange.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path

import requests

from motcua.exchange import directory, keys, members, published

KEEPER, PORTAL, AUTHORITY = "BCA.dancu", "HN.motcua", "GOV.config"
LEGAL_BASIS = "47/2020/ND-CP"  # Decree 47/2020/NĐ-CP on the management, connection and sharing of digital data
REMOTE_SOURCES = {key: f"motcua.exchange.sources.Remote{name}" for key, name in
                  (("population", "Population"), ("residence", "Residence"), ("civil_status", "CivilStatus"))}
NAMES = {KEEPER: "Cơ sở dữ liệu quốc gia về dân cư", PORTAL: "Cổng dịch vụ công Hà Nội"}


def party_environment(folder: Path, system: str, base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The environment of a party's processes: a folder of its own for the database (SQLite), keys and media."""
    folder.mkdir(parents=True, exist_ok=True)
    return {**(os.environ if base is None else base), "MOTCUA_VAR_DIR": str(folder),
            "MOTCUA_DATABASE_URL": f"sqlite:///{folder}/motcua.sqlite3", "MOTCUA_PKI_DIR": str(folder / "pki"),
            "MOTCUA_EXCHANGE_SYSTEM": system, **extra}


def portal_settings(keeper: str = KEEPER) -> dict[str, str]:
    """What makes an instance a consumer portal whose registries are read from ``keeper``."""
    return {"MOTCUA_EXCHANGE_REGISTRY_PROVIDER": keeper,
            "MOTCUA_REGISTRY_SOURCES": ",".join(f"{key}={path}" for key, path in REMOTE_SOURCES.items())}


def motcua(env: Mapping[str, str], *args: str, timeout: float = 600) -> str:
    """Run a ``motcua`` command as the party whose environment ``env`` is; its output, or an error with it."""
    done = subprocess.run([sys.executable, "-m", "motcua.cli", *args], env=dict(env), capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"motcua {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def wait_until_serving(url: str, process: subprocess.Popen | None = None, seconds: float = 300,
                       log: Path | None = None, page: str = "/api/health") -> None:
    """Until ``url`` answers ``page`` (a server migrating and seeding takes a minute); a server that stops or
    does not answer in time is an error, which quotes its ``log``."""
    deadline = time.monotonic() + seconds
    while True:
        problem = None
        if process is not None and process.poll() is not None:
            problem = f"the server for {url} stopped (exit {process.returncode})"
        else:
            with suppress(requests.RequestException):  # not listening yet, or still loading
                if requests.get(f"{url}{page}", timeout=10).ok:
                    return
            if time.monotonic() > deadline:
                problem = f"{url} did not answer within {seconds:.0f} s"
        if problem:
            raise RuntimeError(f"{problem}\n{log.read_text() if log is not None and log.exists() else ''}")
        time.sleep(0.2)


def register(identities: Mapping[str, str], addresses: Mapping[str, str]) -> None:
    """As the authority, in this instance's directory: the members, both systems with their certificates and
    CAs (``identities``: what ``motcua exchange identity`` prints for each), the keeper's registry services and
    the portal's right to read them for pre-fill and for dossiers. Idempotent: a restarted demo changes nothing."""
    members.add_member("GOV", "Cơ quan quản lý nền tảng chia sẻ dữ liệu", kind="agency")
    members.add_member("BCA", "Bộ Công an", "Ministry of Public Security", kind="ministry")
    members.add_member("HN", "UBND Thành phố Hà Nội", "Hà Nội People's Committee", kind="province")
    for ident in (KEEPER, PORTAL):
        chain = directory.load_pems(identities[ident])
        members.add_system(ident, NAMES[ident], addresses[ident], directory.pem(chain[0]))
        members.add_anchor(directory.pem(chain[1]))
    for code in published.REGISTRY_SERVICES:
        members.add_service(KEEPER, code, code, request_schema=published.REQUEST_SCHEMA,
                            response_schema=published.RESPONSE_SCHEMA)
        members.grant(PORTAL, KEEPER, code, {"prefill": LEGAL_BASIS, "dossier": LEGAL_BASIS})
    for code in ("exchange.allowed", "dossiers.status", "documents.verify"):
        members.add_service(PORTAL, code, code)


def publish(folder: Path, parties: Sequence[Mapping[str, str]]) -> Path:
    """Sign this directory as the authority, write the file and the authority's CA into ``folder``, and have
    every party (by its environment) load it. Returns the configuration file."""
    authority = keys.local_key(AUTHORITY)
    folder.mkdir(parents=True, exist_ok=True)
    anchor = folder / "authority.pem"
    anchor.write_text(directory.pem(authority.chain[1]))
    config = folder / "exchange-config.json"
    config.write_bytes(directory.export_config((authority.jws_alg, authority.chain, authority.sign)))
    for env in parties:
        motcua(env, "exchange", "load-config", str(config), "--anchors", str(anchor))
    return config


def start_keeper(folder: Path, address: str) -> tuple[subprocess.Popen, dict[str, str]]:
    """The keeper as a demo server of its own (migrated, its synthetic registries seeded, no sample dossiers);
    its output goes to ``folder``/server.log. In the caller's process group, so Ctrl-C stops both."""
    env = party_environment(folder, KEEPER, MOTCUA_DEMO="1", MOTCUA_EXCHANGE_DIRECTORY_REFRESH_SECONDS="1")
    env.pop("MOTCUA_PUBLIC_URL", None)  # the portal's: the keeper is reached at its own address
    with (folder / "server.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "motcua.cli", "demo", "--role", "keeper", "--addr", address],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, env


def connect_portal(folder: Path, keeper: subprocess.Popen, keeper_env: Mapping[str, str], keeper_url: str,
                   portal_url: str) -> None:
    """Once the keeper serves: register both parties here (this instance is the portal and the authority: its
    directory is the one it signs) and have the keeper load the signed configuration."""
    wait_until_serving(keeper_url, keeper)
    identities = {KEEPER: motcua(keeper_env, "exchange", "identity"),
                  PORTAL: "".join(directory.pem(cert) for cert in keys.local_key(PORTAL).chain)}
    register(identities, {KEEPER: keeper_url, PORTAL: portal_url})
    publish(folder, [keeper_env])
