"""The lock file pins every dependency with hashes and satisfies what pyproject.toml asks; the SBOM lists exactly
the locked releases, so neither drifts from the project when a dependency changes (`./run lock` renews both)."""

import json
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[a-z0-9,_-]+\])?==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.M)


def locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    pins = {canonicalize_name(name): version for name, version, _hashes in PIN.findall(text)}
    requirement_lines = [line for line in text.splitlines() if line and not line[0].isspace() and line[0] != "#"]
    assert len(requirement_lines) == len(pins), "every locked requirement is pinned with == and its hashes"
    return pins


def test_the_lock_satisfies_every_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()
    for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{wanted.name} is declared but not locked: run ./run lock"
        assert wanted.specifier.contains(pins[name], prereleases=True), \
            f"{wanted.name}=={pins[name]} is locked but pyproject.toml asks {wanted.specifier}: run ./run lock"


def test_the_sbom_lists_the_locked_releases():
    sbom = json.loads((ROOT / "docs" / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX" and sbom["metadata"]["component"]["name"] == "motcua"
    listed = {canonicalize_name(c["name"]): c["version"] for c in sbom["components"] if c["name"] != "motcua"}
    assert listed == locked()
