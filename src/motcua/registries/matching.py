"""What makes two records of a person the same person, in Vietnam (pure Python, no Django import).

The rules the record linkage (``registries.linkage``) and the reconciliation of other agencies' datasets
(``registries.reconciliation``) apply to names, ID numbers, birth dates and addresses:

- names are compared folded: diacritics removed, đ/Đ read as d/D, upper case, one space between words, so
  "Nguyễn Thị Hoà" and "NGUYEN THI HOA" fold alike; the words may come in another order ("Hoa Nguyen Thi");
- about 40 % of people share a handful of surnames (Nguyễn, Trần, Lê…): the given name (the last word) and the
  birth date tell people apart, never the surname alone;
- a birth date may have its day and month swapped (03/04 read as 04/03);
- the 12-digit personal ID number (căn cước) replaced the 9-digit ID card number (chứng minh nhân dân), which
  many agencies still hold and which the 12-digit number cannot be derived from;
- since 1 July 2025 the 63 provinces are 34; a province code or name from before the merger is read as the
  province it became (each new province kept the code of one of the old ones, so the codes never clash).

Then each record of a dataset gets one outcome against the registry (:func:`classify`): exact, conflicting
(which fields, both values), probable (matched, but with a wrong or missing ID number) or unmatched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

# --- names -----------------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[^A-Z0-9]+")


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Upper case without diacritics (đ/Đ → D), words of letters and digits separated by one space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare.upper()).split())


def words(name: str) -> tuple[str, ...]:
    return tuple(fold(name).split())


def sorted_words(name: str) -> str:
    """The folded words in alphabetical order: the same for any order the name was written in."""
    return " ".join(sorted(words(name)))


def given_name(name: str) -> str:
    """The last word of a name written in Vietnamese order (họ, tên đệm, tên), folded."""
    found = words(name)
    return found[-1] if found else ""


def surname(name: str) -> str:
    found = words(name)
    return found[0] if found else ""


def same_text(a: str, b: str) -> bool:
    """Equal once Unicode-normalized, with case and runs of spaces ignored."""
    return " ".join(unicodedata.normalize("NFC", a).casefold().split()) == \
        " ".join(unicodedata.normalize("NFC", b).casefold().split())


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def _tones_apart(word: str) -> tuple[str, str]:
    """A word without its tone marks (vowel marks kept: ơ, ư, â…) and the tone marks it had."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return (unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES)),
            "".join(sorted(c for c in decomposed if c in _TONES)))


def name_difference(recorded: str, other: str) -> str | None:
    """How the other name differs from the recorded one: None (the same name), ``tone_placement`` (the tone
    mark on another vowel, old or new convention: "Hoà"/"Hòa", "Thuý"/"Thúy"), ``diacritics`` (the same
    letters without, or with other, marks), ``order`` (the same words in another order) or ``spelling``
    (anything else: a typo, another name)."""
    if same_text(recorded, other):
        return None
    if fold(recorded) == fold(other):
        ours, theirs = recorded.split(), other.split()
        if len(ours) == len(theirs) and all(_tones_apart(a) == _tones_apart(b)
                                            for a, b in zip(ours, theirs, strict=True)):
            return "tone_placement"
        return "diacritics"
    if sorted_words(recorded) == sorted_words(other):
        return "order"
    return "spelling"


# --- ID numbers ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IdNumber:
    """An ID number as a dataset gave it: ``kind`` is ``personal`` (12 digits), ``old_card`` (the 9-digit
    ID card number), ``missing`` or ``malformed``; ``digits`` without spaces, dots or dashes."""

    kind: str
    digits: str

    @property
    def personal(self) -> str | None:
        return self.digits if self.kind == "personal" else None


_ID_NOISE = re.compile(r"[\s.\-]")


def read_id_number(raw: str | None) -> IdNumber:
    digits = _ID_NOISE.sub("", raw or "")
    if not digits:
        return IdNumber("missing", "")
    if not (digits.isascii() and digits.isdigit()):
        return IdNumber("malformed", digits)
    if len(digits) == 12:
        return IdNumber("personal", digits)
    if len(digits) == 9:
        return IdNumber("old_card", digits)
    return IdNumber("malformed", digits)


def id_difference(recorded: str, given: IdNumber) -> str | None:
    """None (the same number), ``missing``, ``old_card`` (a 9-digit number where the registry holds the
    12-digit one), ``malformed``, ``typo`` (one digit wrong or two neighbours swapped) or ``other``."""
    if given.kind == "personal" and given.digits == recorded:
        return None
    if given.kind != "personal":
        return given.kind
    return "typo" if _one_edit_apart(recorded, given.digits) else "other"


def _one_edit_apart(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                              and a[diff[1]] == b[diff[0]])


# --- birth dates -----------------------------------------------------------------------------------------

def swapped(day: date) -> date | None:
    """The date with day and month swapped, when that is another valid date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:  # pragma: no cover - a day <= 12 is a valid day of every month
        return None


def date_difference(recorded: date, other: date) -> str | None:
    """None, ``day_month_swapped``, ``year`` (same day and month), ``typo`` (one digit of the ISO date) or
    ``other``."""
    if recorded == other:
        return None
    if swapped(recorded) == other:
        return "day_month_swapped"
    if (recorded.month, recorded.day) == (other.month, other.day):
        return "year"
    return "typo" if _one_edit_apart(recorded.isoformat(), other.isoformat()) else "other"


# --- places ----------------------------------------------------------------------------------------------

# The 63 provinces before 1 July 2025 (code, name) and the 34 they became; a code of the new list is also
# the code of one of the provinces merged into it, so OLD_TO_NEW maps any code, old or new, to the current one.
PROVINCES_BEFORE_2025 = {
    "01": "Hà Nội", "02": "Hà Giang", "04": "Cao Bằng", "06": "Bắc Kạn", "08": "Tuyên Quang", "10": "Lào Cai",
    "11": "Điện Biên", "12": "Lai Châu", "14": "Sơn La", "15": "Yên Bái", "17": "Hòa Bình", "19": "Thái Nguyên",
    "20": "Lạng Sơn", "22": "Quảng Ninh", "24": "Bắc Giang", "25": "Phú Thọ", "26": "Vĩnh Phúc", "27": "Bắc Ninh",
    "30": "Hải Dương", "31": "Hải Phòng", "33": "Hưng Yên", "34": "Thái Bình", "35": "Hà Nam", "36": "Nam Định",
    "37": "Ninh Bình", "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Bình", "45": "Quảng Trị",
    "46": "Thừa Thiên Huế", "48": "Đà Nẵng", "49": "Quảng Nam", "51": "Quảng Ngãi", "52": "Bình Định",
    "54": "Phú Yên", "56": "Khánh Hòa", "58": "Ninh Thuận", "60": "Bình Thuận", "62": "Kon Tum", "64": "Gia Lai",
    "66": "Đắk Lắk", "67": "Đắk Nông", "68": "Lâm Đồng", "70": "Bình Phước", "72": "Tây Ninh", "74": "Bình Dương",
    "75": "Đồng Nai", "77": "Bà Rịa - Vũng Tàu", "79": "Hồ Chí Minh", "80": "Long An", "82": "Tiền Giang",
    "83": "Bến Tre", "84": "Trà Vinh", "86": "Vĩnh Long", "87": "Đồng Tháp", "89": "An Giang", "91": "Kiên Giang",
    "92": "Cần Thơ", "93": "Hậu Giang", "94": "Sóc Trăng", "95": "Bạc Liêu", "96": "Cà Mau",
}
OLD_TO_NEW = {
    "01": "01", "02": "08", "04": "04", "06": "19", "08": "08", "10": "15", "11": "11", "12": "12", "14": "14",
    "15": "15", "17": "25", "19": "19", "20": "20", "22": "22", "24": "24", "25": "25", "26": "25", "27": "24",
    "30": "31", "31": "31", "33": "33", "34": "33", "35": "37", "36": "37", "37": "37", "38": "38", "40": "40",
    "42": "42", "44": "44", "45": "44", "46": "46", "48": "48", "49": "48", "51": "51", "52": "52", "54": "66",
    "56": "56", "58": "56", "60": "68", "62": "51", "64": "52", "66": "66", "67": "68", "68": "68", "70": "75",
    "72": "80", "74": "79", "75": "75", "77": "79", "79": "79", "80": "80", "82": "82", "83": "86", "84": "86",
    "86": "86", "87": "82", "89": "91", "91": "91", "92": "92", "93": "92", "94": "92", "95": "96", "96": "96",
}
PROVINCES_SINCE_2025 = {
    "01": "Hà Nội", "04": "Cao Bằng", "08": "Tuyên Quang", "11": "Điện Biên", "12": "Lai Châu", "14": "Sơn La",
    "15": "Lào Cai", "19": "Thái Nguyên", "20": "Lạng Sơn", "22": "Quảng Ninh", "24": "Bắc Ninh", "25": "Phú Thọ",
    "31": "Hải Phòng", "33": "Hưng Yên", "37": "Ninh Bình", "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh",
    "44": "Quảng Trị", "46": "Huế", "48": "Đà Nẵng", "51": "Quảng Ngãi", "52": "Gia Lai", "56": "Khánh Hòa",
    "66": "Đắk Lắk", "68": "Lâm Đồng", "75": "Đồng Nai", "79": "Hồ Chí Minh", "80": "Tây Ninh", "82": "Đồng Tháp",
    "86": "Vĩnh Long", "91": "An Giang", "92": "Cần Thơ", "96": "Cà Mau",
}
_PREFIXES = ("THANH PHO ", "TP ", "TINH ")


def _bare_province(name: str) -> str:
    folded = fold(name)
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            folded = folded[len(prefix):]
    return folded


_BY_NAME_NEW = {_bare_province(n): c for c, n in PROVINCES_SINCE_2025.items()}
_BY_NAME_OLD = {_bare_province(n): OLD_TO_NEW[c] for c, n in PROVINCES_BEFORE_2025.items()}
_BY_NAME_OLD |= {"HCM": "79", "THUA THIEN HUE": "46", "BA RIA VUNG TAU": "79", "DAK LAK": "66", "DAK NONG": "68"}


@dataclass(frozen=True)
class Province:
    """A province as a record gave it: the current code, and whether it was given as it was before 2025."""

    code: str
    before_2025: bool


def province_of(code_or_name: str | None) -> Province | None:
    """The current province of a code (old or new, one or two digits) or a name (old or new, with or without
    "Tỉnh"/"Thành phố"); None when it names no province."""
    text = (code_or_name or "").strip()
    if not text:
        return None
    if text.isdigit():
        code = text.zfill(2)[-2:] if len(text) <= 3 else ""
        if code in OLD_TO_NEW:
            return Province(OLD_TO_NEW[code], code not in PROVINCES_SINCE_2025)
        return None
    bare = _bare_province(text)
    if bare in _BY_NAME_NEW:
        return Province(_BY_NAME_NEW[bare], False)
    if bare in _BY_NAME_OLD:
        return Province(_BY_NAME_OLD[bare], True)
    return None


def province_in_address(address: str | None) -> Province | None:
    """The province named by the last part of a written address ("…, Quận Ba Đình, Hà Nội")."""
    parts = [p for p in (address or "").split(",") if p.strip()]
    return province_of(parts[-1]) if parts else None


# --- outcomes --------------------------------------------------------------------------------------------

EXACT, CONFLICT, PROBABLE, UNMATCHED = "exact", "conflict", "probable", "unmatched"
OUTCOMES = (EXACT, CONFLICT, PROBABLE, UNMATCHED)


@dataclass(frozen=True)
class Facts:
    """What a record says of a person, as far as it says it (None: not given)."""

    id_number: str | None = None
    full_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None  # "M" | "F"
    commune_code: str | None = None  # current 5-digit code
    province: Province | None = None


@dataclass(frozen=True)
class Conflict:
    field: str
    source: str  # what the dataset holds
    registry: str  # what the registry holds
    kind: str  # how they differ (name_difference, date_difference, id_difference, …)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "source": self.source, "registry": self.registry, "kind": self.kind}


@dataclass(frozen=True)
class Outcome:
    kind: str
    conflicts: tuple[Conflict, ...] = field(default=())
    probability: float | None = None


def conflicts(source: Facts, registry: Facts) -> list[Conflict]:
    """Fields on which the dataset disagrees with the registry (fields it does not give are not compared);
    the ID number is compared by :func:`classify`."""
    found: list[Conflict] = []
    if source.full_name and registry.full_name:
        how = name_difference(registry.full_name, source.full_name)
        if how:
            found.append(Conflict("full_name", source.full_name, registry.full_name, how))
    if source.birth_date and registry.birth_date:
        how = date_difference(registry.birth_date, source.birth_date)
        if how:
            found.append(Conflict("birth_date", source.birth_date.isoformat(), registry.birth_date.isoformat(), how))
    if source.sex and registry.sex and source.sex != registry.sex:
        found.append(Conflict("sex", source.sex, registry.sex, "other"))
    if source.commune_code and registry.commune_code and source.commune_code != registry.commune_code:
        found.append(Conflict("commune_code", source.commune_code, registry.commune_code, "other"))
    elif source.province and registry.province:
        if source.province.code != registry.province.code:
            found.append(Conflict("province", source.province.code, registry.province.code, "other"))
        elif source.province.before_2025 and not source.commune_code:
            found.append(Conflict("province", source.province.code, registry.province.code, "before_2025"))
    return found


def classify(source: Facts, registry: Facts | None, probability: float | None, threshold: float) -> Outcome:
    """One record's outcome. ``registry`` is the best candidate the linkage found (None: none) and
    ``probability`` the model's probability that they are the same person.

    - unmatched: no candidate at or above the threshold;
    - exact: the same 12-digit ID number and no field in conflict;
    - conflict: the same ID number, some fields differ;
    - probable: the model links them, but the dataset's ID number is missing, the old 9-digit one, malformed
      or another number: the conflict on ``id_number`` says which, with the registry's number.
    """
    if registry is None or probability is None or probability < threshold:
        return Outcome(UNMATCHED, probability=probability)
    found = conflicts(source, registry)
    how = id_difference(registry.id_number or "", read_id_number(source.id_number))
    if how is not None:
        found.insert(0, Conflict("id_number", source.id_number or "", registry.id_number or "", how))
        return Outcome(PROBABLE, tuple(found), probability)
    return Outcome(CONFLICT if found else EXACT, tuple(found), probability)


@dataclass(frozen=True)
class Quality:
    """Precision and recall of the links against known truth."""

    true_links: int
    links: int
    linkable: int

    @property
    def precision(self) -> float:
        return self.true_links / self.links if self.links else 1.0

    @property
    def recall(self) -> float:
        return self.true_links / self.linkable if self.linkable else 1.0


def quality(pairs: list[tuple[str | None, str | None]]) -> Quality:
    """``pairs`` of (the person the record truly is, or None if not in the registry; the person it was
    linked to, or None if unmatched)."""
    true_links = sum(1 for truth, linked in pairs if linked is not None and linked == truth)
    links = sum(1 for _, linked in pairs if linked is not None)
    linkable = sum(1 for truth, _ in pairs if truth is not None)
    return Quality(true_links, links, linkable)
