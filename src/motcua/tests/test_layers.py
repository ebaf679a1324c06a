"""The layer diagram in docs/architecture.md is the import-linter contract, not a drawing that drifts."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_documented_layers_are_the_contract():
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    documented = re.search(r"```layers\n(.*?)```", (ROOT / "docs" / "architecture.md").read_text(), re.S).group(1)
    assert documented.strip().splitlines() == contract["layers"]
