"""Who may act for whom, as the law draws it: pure Python (no Django import), on facts the registries and the
authorisations hold. Sources and what is not verified: docs/representation.md."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

# A person is a minor until the day they are eighteen (Bộ luật Dân sự 2015, Điều 20–21); their parents are
# their legal representatives (Điều 136).
ADULT_AGE = 18


def birthday(born: date, age: int) -> date:
    """The day a person born on ``born`` reaches ``age``; one born on 29 February reaches it on 1 March of a
    year that has no 29 February."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def is_minor(born: date, on: date) -> bool:
    """Born by ``on`` and not yet eighteen on it."""
    return born <= on < birthday(born, ADULT_AGE)


@dataclass(frozen=True)
class Family:
    """A deceased person's family as the registries link it: the parents of their birth record, their spouse at
    death (the other party of their last marriage registered before the death) and the children who name
    them as a parent."""

    father: str = ""
    mother: str = ""
    spouse: str = ""
    children: Collection[str] = ()


# The relatives who may carry out a deceased person's procedures, and how each is named.
RELATIVES = {"spouse": ("vợ, chồng", "spouse"), "parent": ("cha, mẹ", "parent"), "child": ("con", "child")}


def relation_to_deceased(id_number: str, family: Family) -> str | None:
    """How the person is related to the deceased (a key of ``RELATIVES``), or None."""
    if id_number and id_number == family.spouse:
        return "spouse"
    if id_number and id_number in (family.father, family.mother):
        return "parent"
    if id_number and id_number in family.children:
        return "child"
    return None


@dataclass(frozen=True)
class Terms:
    """What a written authorisation (văn bản ủy quyền) allows: these procedures, from one day to another
    (both included), until the person who gave it revokes it."""

    procedure_codes: Collection[str]
    valid_from: date
    valid_until: date
    revoked_on: date | None = None


Problem = tuple[str, str, str]  # code, Vietnamese, English


def authorisation_problem(terms: Terms, procedure_code: str, on: date) -> Problem | None:
    """Why the authorisation does not let its holder file this procedure on this day; None when it does."""
    if terms.revoked_on is not None and terms.revoked_on <= on:
        return ("authorisation_revoked", f"Người ủy quyền đã thu hồi văn bản ủy quyền ngày {terms.revoked_on:%d/%m/%Y}.",
                f"The person who gave the authorisation revoked it on {terms.revoked_on:%d/%m/%Y}.")
    if on < terms.valid_from:
        return ("authorisation_not_yet", f"Văn bản ủy quyền có hiệu lực từ ngày {terms.valid_from:%d/%m/%Y}.",
                f"The authorisation applies from {terms.valid_from:%d/%m/%Y}.")
    if on > terms.valid_until:
        return ("authorisation_expired", f"Văn bản ủy quyền đã hết hạn ngày {terms.valid_until:%d/%m/%Y}.",
                f"The authorisation expired on {terms.valid_until:%d/%m/%Y}.")
    if procedure_code not in terms.procedure_codes:
        return ("authorisation_out_of_scope", "Văn bản ủy quyền không bao gồm thủ tục này.",
                "The authorisation does not cover this procedure.")
    return None


# Without a term agreed, an authorisation lasts one year (Bộ luật Dân sự 2015, Điều 563).
DEFAULT_TERM_YEARS = 1
