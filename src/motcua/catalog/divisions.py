"""The two-tier administrative divisions (34 provinces, 3,321 communes) from ``vietnam-provinces``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, VietNamDivisionType, Ward

from motcua.core.vietnamese import Key, collation_key

# The words that open a division's name and say what kind it is ("Thành phố Hà Nội", "Phường Hoàn Kiếm"): a list
# is ordered by the name that follows them, so Hà Nội is found under H.
KIND_WORDS = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


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
        return f"{self.kind} {self.bare}"

    @property
    def bare(self) -> str:
        """The name without the word of its kind: "Hà Nội", "Hoàn Kiếm"."""
        return next((self.name.removeprefix(word) for word in KIND_WORDS if self.name.startswith(word)), self.name)

    @property
    def order(self) -> tuple[Key, Key]:
        """Where the division stands in a list: Vietnamese order of its bare name, then of its full name."""
        return collation_key(self.bare), collation_key(self.name)


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


@cache
def provinces_in_order() -> tuple[Division, ...]:
    return tuple(sorted(provinces().values(), key=lambda d: d.order))


@cache
def _communes_in_order() -> dict[str, tuple[Division, ...]]:
    by_province: dict[str, list[Division]] = {code: [] for code in provinces()}
    for commune in sorted(communes().values(), key=lambda d: d.order):
        by_province.setdefault(commune.province_code, []).append(commune)
    return {code: tuple(found) for code, found in by_province.items()}


def communes_of(province_code: str) -> tuple[Division, ...]:
    """A province's communes in Vietnamese order (none for an unknown province)."""
    return _communes_in_order().get(province_code, ())
