"""Family relations read off the registries, pure Python: who the parents of a newborn are when one of them
applies. A relation the registries do not confirm is left empty, for the applicant to give: never guessed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewbornParents:
    father_id_number: str
    mother_id_number: str
    applicant_is: str  # "Cha" | "Mẹ" (the declaration's words), "" when the applicant's sex is not recorded


def parents_of_newborn(applicant_id_number: str, applicant_sex: str, spouse_id_number: str) -> NewbornParents:
    """The applicant is one parent (by their recorded sex), their spouse in the civil-status register the
    other; with no registered marriage the other parent is not known."""
    if applicant_sex == "F":
        return NewbornParents(spouse_id_number, applicant_id_number, "Mẹ")
    if applicant_sex == "M":
        return NewbornParents(applicant_id_number, spouse_id_number, "Cha")
    return NewbornParents("", "", "")
