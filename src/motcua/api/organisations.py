"""Organisations API: the organisations a citizen login files for (as the legal representative its
organisation e-ID login names, or as delegated staff), an organisation's dossiers, filing one, and the legal
representative's staff delegations (grant, list, revoke)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja import Status as Respond

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, ErrorOut, citizen_caller
from motcua.api.dossiers import DossierOut, EvidenceFileIn
from motcua.core.errors import NotFound
from motcua.dossiers import filing, services
from motcua.dossiers.presenters import dossier_summary
from motcua.eid.scopes import DOSSIERS_READ, DOSSIERS_SUBMIT
from motcua.organisations import services as organisations
from motcua.organisations.models import StaffDelegation

router = Router(tags=["organisations"])


class ActingForOut(Schema):
    code: str = Field(description="enterprise code (the tax code of an enterprise or household business)")
    name: str
    filed_as: str = Field(description="legal_representative (the organisation's e-ID login) or staff (delegated)")
    procedures: list[str] = Field(description="staff: the procedures delegated (empty: every one organisations "
                                              "file); the legal representative: empty")
    expires_on: date | None = Field(description="staff: the delegation's last day")


class DelegationIn(Schema):
    staff_id_number: str = Field(..., max_length=12)
    staff_name: str = Field(..., max_length=255)
    procedures: list[str] = Field(default_factory=list, max_length=100,
                                  description="procedure codes; empty: every procedure organisations file")
    expires_on: date = Field(..., description="the last day the delegation holds (at most five years ahead)")


class DelegationOut(Schema):
    id: int
    staff_id_number: str
    staff_name: str
    procedures: list[str]
    expires_on: date
    granted_at: datetime
    revoked_at: datetime | None
    in_force: bool


class OrganisationSubmitIn(Schema):
    procedure_code: str = Field(..., max_length=40)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=255)
    commune_code: str = Field("", max_length=5, description="default: the organisation's registered commune")
    province_code: str = Field("", max_length=2)
    form: dict = Field(default_factory=dict, description="fields the enterprise registry holds are filled from it")
    files: list[EvidenceFileIn] = Field(default_factory=list, max_length=50)


def _delegation(d: StaffDelegation) -> dict:
    return {"id": d.pk, "staff_id_number": d.staff_id_number, "staff_name": d.staff_name, "procedures": d.procedures,
            "expires_on": d.expires_on, "granted_at": d.granted_at, "revoked_at": d.revoked_at,
            "in_force": organisations.in_force(d, timezone.localdate())}


# An app may read and file for the organisations its login acts for; delegations are granted in the portal only.
@router.get("/organisations/mine", response={200: list[ActingForOut], **ERRORS}, auth=ActorAuth(DOSSIERS_READ),
            summary="The organisations this login files for")
def my_organisations(request: HttpRequest):
    return [{"code": a.code, "name": a.name, "filed_as": a.filed_as,
             "procedures": a.delegation.procedures if a.delegation else [],
             "expires_on": a.delegation.expires_on if a.delegation else None}
            for a in organisations.organisations_of(citizen_caller(request))]


def _acting_for(request: HttpRequest, code: str):
    actor = citizen_caller(request)
    if code not in {a.code for a in organisations.organisations_of(actor)}:
        raise NotFound("organisation")
    return actor


@router.get("/organisations/{code}/dossiers", response={200: list[DossierOut], **ERRORS},
            auth=ActorAuth(DOSSIERS_READ),
            summary="The organisation's dossiers this login may read, newest first")
def organisation_dossiers(request: HttpRequest, code: str):
    actor = _acting_for(request, code)
    found = services.dossiers_of(actor).filter(applicant_kind=filing.ORGANISATION, applicant_id_number=code)[:200]
    return [dossier_summary(d, services.state_of(d), actor) for d in found]


@router.post("/organisations/{code}/dossiers", response={201: DossierOut, **ERRORS, 429: ErrorOut},
             auth=ActorAuth(DOSSIERS_SUBMIT), summary="File a dossier for the organisation",
             description="By its legal representative (its e-ID login) or delegated staff, for a procedure "
                         "organisations file; its name and the fields the enterprise registry holds are filled "
                         "from the registry, each value's provenance recorded.")
def file_for_organisation(request: HttpRequest, code: str, payload: OrganisationSubmitIn):
    actor = citizen_caller(request)
    sub = services.Submission(
        procedure_code=payload.procedure_code, channel="online", applicant_kind=filing.ORGANISATION,
        applicant_id_number=code, applicant_name="", applicant_phone=payload.phone, applicant_email=payload.email,
        commune_code=payload.commune_code, province_code=payload.province_code, form=payload.form,
        files=[services.IncomingFile(f.evidence, f.name, f.content) for f in payload.files])
    organisations.prefill_submission(sub, actor)
    dossier, _created = services.submit(sub, actor)
    return Respond(201, dossier_summary(dossier, services.state_of(dossier), actor))


@router.get("/organisations/{code}/delegations", response={200: list[DelegationOut], **ERRORS}, auth=ActorAuth(),
            summary="The staff delegations the organisation granted (its legal representative only)")
def list_delegations(request: HttpRequest, code: str):
    return [_delegation(d) for d in organisations.delegations_of(citizen_caller(request), code)]


@router.post("/organisations/{code}/delegations", response={201: DelegationOut, **ERRORS}, auth=ActorAuth(),
             summary="Let a member of staff file the organisation's dossiers")
def grant_delegation(request: HttpRequest, code: str, payload: DelegationIn):
    made = organisations.grant(citizen_caller(request), code, payload.staff_id_number, payload.staff_name,
                               payload.procedures, payload.expires_on)
    return Respond(201, _delegation(made))


@router.post("/organisations/{code}/delegations/{delegation_id}/revoke", response={200: DelegationOut, **ERRORS},
             auth=ActorAuth(), summary="End a delegation now: its holder files and reads nothing more for it")
def revoke_delegation(request: HttpRequest, code: str, delegation_id: int):
    return _delegation(organisations.revoke(citizen_caller(request), code, delegation_id))
