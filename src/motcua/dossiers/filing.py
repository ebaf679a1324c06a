"""Who files a dossier for whom: the ways of acting for an applicant, and what allows it. Pure Python (no Django
import). The capabilities that know who may act for whom (the registries' family links and written
authorisations, an organisation's representative and staff) answer through ``services.FilingAuthority``."""

from __future__ import annotations

from dataclasses import dataclass

PERSON = "person"
ORGANISATION = "organisation"
APPLICANT_KINDS = {PERSON: ("Cá nhân", "Person"), ORGANISATION: ("Tổ chức", "Organisation")}

SELF = "self"
STAFF = "staff"  # filed by staff an organisation delegated: their rights hold while the delegation does
ASSISTED = "assisted"  # a reception officer recorded it at the counter or from the post
# How the filer stands to the applicant, as the dossier, its receipt and the back office name it.
FILED_AS = {
    SELF: ("Tự nộp", "Filed by the applicant"),
    "parent": ("Cha, mẹ nộp thay con chưa thành niên", "Filed by a parent for a minor child"),
    "guardian": ("Người giám hộ nộp thay", "Filed by the guardian"),
    "relative": ("Thân nhân nộp thay người đã mất", "Filed by a relative of the deceased"),
    "authorised": ("Người được ủy quyền nộp thay", "Filed by an authorised person"),
    "legal_representative": ("Người đại diện theo pháp luật của tổ chức", "Filed by the organisation's legal representative"),
    STAFF: ("Nhân viên được tổ chức giao nộp", "Filed by staff the organisation delegated"),
    ASSISTED: ("Cán bộ tiếp nhận nộp giúp tại bộ phận một cửa", "Filed with a reception officer's help"),
}


@dataclass(frozen=True)
class Mandate:
    """What lets a filer act for an applicant: as what (a key of ``FILED_AS``) and the record that shows it
    (e.g. ``civil_event:12``, ``authorisation:3``), kept on the dossier."""

    filed_as: str
    reference: str = ""
    # False for a claim an official checks at reception (a paper authorisation): it lets the filer file, not read
    # the applicant's registry data.
    confirmed: bool = True


def filed_as_label(filed_as: str) -> tuple[str, str]:
    return FILED_AS.get(filed_as, (filed_as, filed_as))
