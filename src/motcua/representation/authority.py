"""The representation capability answers the dossiers' questions: who may file for whom (``FilingAuthority``),
and, once a dossier is filed for someone, tells that person (their "who read my data")."""

from __future__ import annotations

from motcua.core.errors import FieldError
from motcua.dossiers import filing
from motcua.dossiers.services import FilingAuthority, FilingRequest, Recorded, filing_authority, on_action
from motcua.registries.access import log_filed_for
from motcua.representation import services


@filing_authority
class Representation(FilingAuthority):
    """Parents, guardians, relatives of the deceased and authorised persons, for a person applicant."""

    def mandate(self, request: FilingRequest) -> filing.Mandate | FieldError | None:
        if request.actor.kind != "citizen" or request.applicant_kind != filing.PERSON:
            return None
        return services.mandate_for(request.actor, request.applicant_id, request.filed_as, request.spec, request.at)


@on_action("submit")
def _tell_the_person_concerned(recorded: Recorded) -> None:
    if recorded.dossier.filed_as in services.KINDS:
        log_filed_for(recorded.dossier)
