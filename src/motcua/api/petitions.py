"""Petitions API (phản ánh, kiến nghị): a citizen or business sends one and rates the answer; the agency's
officials list theirs and answer; anyone reads the published answers (no personal data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, Named, caller, citizen_caller, official_caller
from motcua.api.dossiers import Base64File
from motcua.dossiers.services import IncomingFile
from motcua.eid.scopes import PETITIONS
from motcua.petitions import services
from motcua.petitions.models import Petition

router = Router(tags=["petitions"])


class PetitionAttachmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=255, description="file name, e.g. anh-chup.jpg")
    content: Base64File = Field(..., description="the file, base64-encoded: PDF, JPEG or PNG, not empty, at most "
                                                 "the upload limit (10 MB by default)")


class PetitionIn(Schema):
    kind: Literal["feedback", "petition"] = Field(..., description="feedback (phản ánh) or petition (kiến nghị)")
    about: Literal["procedure", "agency", "dossier"]
    subject: str = Field(..., max_length=255)
    content: str = Field(..., max_length=5000)
    may_publish: bool = Field(False, description="the content and answer may be published, without the sender")
    procedure_code: str = Field("", max_length=40, description="about a procedure: its code")
    province_code: str = Field("", max_length=2, description="about a procedure: the sender's province")
    commune_code: str = Field("", max_length=5, description="about a commune-level procedure: the commune")
    agency_code: str = Field("", max_length=35, description="about an agency: its code")
    dossier_code: str = Field("", max_length=40, description="about one of the sender's dossiers: its code")
    organization: str = Field("", max_length=255, description="a business or organisation sending it, if any")
    email: str = Field("", max_length=255)
    phone: str = Field("", max_length=20)
    attachments: list[PetitionAttachmentIn] = Field(default_factory=list, max_length=services.MAX_FILES)


class PetitionOut(Schema):
    code: str
    kind: str
    about: str
    subject: str
    content: str
    agency: Named
    procedure_code: str | None
    dossier_code: str | None
    received_at: datetime
    due_on: date
    overdue: bool
    answer: str
    answered_at: datetime | None
    answered_on_time: bool | None
    satisfied: bool | None
    attachments: list[str] = Field(description="file names")


class PublicPetitionOut(Schema):
    """What is published of an answered petition: never who sent it."""

    code: str
    kind: str
    subject: str
    content: str
    answer: str
    agency: Named
    procedure_code: str | None
    received_at: datetime
    answered_at: datetime


class PetitionAnswerIn(Schema):
    answer: str = Field(..., max_length=5000)


class PetitionRatingIn(Schema):
    satisfied: bool


def _named(petition: Petition) -> dict:
    a = petition.agency
    return {"code": a.code, "name_vi": a.name_vi, "name_en": a.name_en}


def _out(petition: Petition) -> dict:
    return {**{name: getattr(petition, name) for name in (
        "code", "kind", "about", "subject", "content", "received_at", "due_on", "answer", "answered_at",
        "answered_on_time", "satisfied")}, "agency": _named(petition),
        "procedure_code": petition.procedure.code if petition.procedure else None,
        "dossier_code": petition.dossier.code if petition.dossier else None,
        "overdue": services.is_overdue(petition), "attachments": [a.original_name for a in petition.attachments.all()]}


@router.post("/petitions", response={201: PetitionOut, **ERRORS}, auth=ActorAuth(PETITIONS),
             summary="Send feedback or a petition (citizens and businesses, e-ID login)",
             description="Routed to the agency that answers it: the dossier's competent agency, the agency handling "
                         "the procedure in the province/commune given, or the agency chosen. The answer is due a "
                         "number of working days after receipt (`due_on`).")
def send_petition(request: HttpRequest, payload: PetitionIn):
    actor = citizen_caller(request)
    draft = services.Draft(**payload.dict(exclude={"attachments"}),
                           files=[IncomingFile("attachments", f.name, f.content) for f in payload.attachments])
    petition = services.send(draft, actor)
    return Respond(201, _out(services.readable_petition(actor, petition.code)))


@router.get("/petitions/published", response=list[PublicPetitionOut],
            summary="Answered petitions their senders let publish (no personal data), newest answer first")
def published_petitions(request: HttpRequest, limit: int = Query(50, ge=1, le=200),
                        offset: int = Query(0, ge=0, le=1_000_000)):
    return [{**{name: getattr(p, name) for name in ("code", "kind", "subject", "content", "answer", "received_at",
                                                     "answered_at")},
             "agency": _named(p), "procedure_code": p.procedure.code if p.procedure else None}
            for p in services.published()[offset:offset + limit]]


@router.get("/petitions/mine", response={200: list[PetitionOut], **ERRORS}, auth=ActorAuth(PETITIONS),
            summary="The caller's petitions, newest first")
def my_petitions(request: HttpRequest):
    actor = citizen_caller(request)
    return [_out(p) for p in services.petitions_of(actor.id).select_related("procedure", "dossier")
            .prefetch_related("attachments")[:200]]


@router.get("/agency/petitions", response={200: list[PetitionOut], **ERRORS}, auth=ActorAuth(),
            summary="The official's agency's petitions: open ones by due date (overdue flagged), or answered")
def agency_petitions(request: HttpRequest, status: Literal["open", "answered"] = "open"):
    return [_out(p) for p in services.agency_petitions(official_caller(request), status)[:500]]


@router.get("/petitions/{code}", response={200: PetitionOut, **ERRORS}, auth=ActorAuth(PETITIONS),
            summary="Read a petition (its sender, or an official of the agency answering it)")
def read_petition(request: HttpRequest, code: str):
    return _out(services.readable_petition(caller(request), code))


@router.post("/petitions/{code}/answer", response={200: PetitionOut, **ERRORS}, auth=ActorAuth(),
             summary="Answer a petition (an official of the agency answering it); the sender is notified")
def answer_petition(request: HttpRequest, code: str, payload: PetitionAnswerIn):
    actor = official_caller(request)
    services.answer(code, actor, payload.answer)
    return _out(services.readable_petition(actor, code))


@router.post("/petitions/{code}/rating", response={200: PetitionOut, **ERRORS}, auth=ActorAuth(PETITIONS),
             summary="The sender says whether the answer satisfied them (once, after the answer)")
def rate_petition(request: HttpRequest, code: str, payload: PetitionRatingIn):
    actor = citizen_caller(request)
    services.rate_answer(code, actor, payload.satisfied)
    return _out(services.readable_petition(actor, code))
