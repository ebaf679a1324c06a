"""The two-tier administrative divisions (34 provinces, 3,321 communes) from ``vietnam-provinces``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, VietNamDivisionType, Ward


@dataclass(frozen=True)
class Division:
    code: str  # 2-digit province code or 5-digit commune code
    name: str
    province_code: str
    kind: str = ""  # a province's kind as agency names spell it before the name: "tỉnh", "thành phố"

    @property
    def titled(self) -> str:
        """The name as an agency's name ends: "tỉnh Cao Bằng", "thành phố Hà Nội" (the package gives "Cao Bằng",
        "Thành phố Hà Nội")."""
        if not self.kind:
            return self.name
        bare = self.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        return f"{self.kind} {bare}"


@cache
def provinces() -> dict[str, Division]:
    out = {}
    for p in Province.iter_all():
        code = f"{p.code.value:02d}"
        kind = "thành phố" if p.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG else "tỉnh"
        out[code] = Division(code, p.name, code, kind)
    return out


@cache
def communes() -> dict[str, Division]:
    return {
        f"{w.code.value:05d}": Division(f"{w.code.value:05d}", w.name, f"{w.province_code.value:02d}")
        for w in Ward.iter_all()
    }


def communes_of(province_code: str) -> list[Division]:
    return [c for c in communes().values() if c.province_code == province_code]
