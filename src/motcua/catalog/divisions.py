"""The two-tier administrative divisions (34 provinces, 3,321 communes) from ``vietnam-provinces``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, Ward


@dataclass(frozen=True)
class Division:
    code: str  # 2-digit province code or 5-digit commune code
    name: str
    province_code: str


@cache
def provinces() -> dict[str, Division]:
    out = {}
    for p in Province.iter_all():
        code = f"{p.code.value:02d}"
        out[code] = Division(code, p.name, code)
    return out


@cache
def communes() -> dict[str, Division]:
    return {
        f"{w.code.value:05d}": Division(f"{w.code.value:05d}", w.name, f"{w.province_code.value:02d}")
        for w in Ward.iter_all()
    }


def communes_of(province_code: str) -> list[Division]:
    return [c for c in communes().values() if c.province_code == province_code]
