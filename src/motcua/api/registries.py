"""The base registries' part of the API: pre-fill for apps (what the portal's form shows), the keeper's answers
to reports of wrong data, a person's own reports, and the history of their records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, citizen_caller, official_caller
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.errors import NotFound
from motcua.eid.scopes import DOSSIERS_SUBMIT
from motcua.registries import corrections
from motcua.registries.access import Purpose
from motcua.registries.changes import history
from motcua.registries.prefill import prefill

router = Router(tags=["registries"])


class PrefilledOut(Schema):
    value: str
    registry: str
    version: int
    fetched_at: str


class HeldOut(Schema):
    registry: str
    found: bool
    reference: str


class PrefillOut(Schema):
    values: dict[str, PrefilledOut] = Field(description="form field → the value a registry holds, and where from")
    evidence: dict[str, HeldOut] = Field(description="document → held by a registry (never asked) or not")
    registries: list[str]


@router.get("/procedures/{code}/prefill", response={200: PrefillOut, **ERRORS}, auth=ActorAuth(DOSSIERS_SUBMIT),
            summary="What the registries already hold for the logged-in citizen's form (once-only)")
def procedure_prefill(request: HttpRequest, code: str):
    actor = citizen_caller(request)
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None:
        raise NotFound(code)
    spec = spec_of(procedure.current_version)
    return prefill(spec, actor.id, actor, Purpose("Điền sẵn biểu mẫu", spec.code)).as_dict()


class RegistryCorrectionOut(Schema):
    id: int
    person_id_number: str
    registry: str
    field: str
    recorded_value: str
    proposed_value: str
    origin: str
    reference: str
    status: str
    created_at: datetime
    due_on: date | None
    overdue: bool
    answered_at: datetime | None
    answer: str
    legal_basis: str


def _correction_out(report: Any) -> dict[str, Any]:
    return {**{name: getattr(report, name) for name in RegistryCorrectionOut.model_fields if name != "overdue"},
            "overdue": corrections.is_overdue(report)}


@router.get("/registries/corrections", response={200: list[RegistryCorrectionOut], **ERRORS}, auth=ActorAuth(),
            summary="Reports of wrong data the official's agency answers, as a registry's keeper (open ones due first)")
def keeper_corrections(request: HttpRequest, status: Literal["", "open", "accepted", "rejected"] = "open"):
    return [_correction_out(r) for r in corrections.reports_for_keeper(official_caller(request), status)]


class AnswerIn(Schema):
    decision: Literal["accept", "reject"]
    answer: str = Field("", max_length=2000, description="to the person; required when rejecting")
    value: str = Field("", max_length=255, description="accept: the correct value (default: the proposed one)")
    legal_basis: str = Field("", max_length=255, description="accept: the legal basis and evidence")


@router.post("/registries/corrections/{report_id}/answer", response={200: RegistryCorrectionOut, **ERRORS},
             auth=ActorAuth(), summary="Answer a report: accept and correct the registry (with its history), or reject")
def answer_correction(request: HttpRequest, report_id: int, payload: AnswerIn):
    report = corrections.answer(report_id, official_caller(request), payload.decision == "accept", payload.answer,
                                value=payload.value, legal_basis=payload.legal_basis)
    return _correction_out(report)


@router.get("/registries/my-reports", response={200: list[RegistryCorrectionOut], **ERRORS}, auth=ActorAuth(),
            summary="The logged-in citizen's reports of wrong data, with the keepers' answers")
def my_reports(request: HttpRequest):
    return [_correction_out(r) for r in corrections.reports_of_person(citizen_caller(request).id)]


class VersionOut(Schema):
    version: int
    event: str
    data: dict[str, Any]
    valid_from: date | None
    recorded_at: datetime
    source: str
    source_reference: str
    legal_basis: str


@router.get("/registries/{registry}/my-history", response={200: list[VersionOut], **ERRORS}, auth=ActorAuth(),
            summary="How the logged-in citizen's record in a registry got its values: every version, oldest first")
def my_history(request: HttpRequest, registry: Literal["population", "residence"]):
    actor = citizen_caller(request)
    return [{"version": v.seq, "event": v.event, "data": v.data, "valid_from": v.valid_from,
             "recorded_at": v.recorded_at, "source": v.source, "source_reference": v.source_reference,
             "legal_basis": v.legal_basis} for v in history(registry, actor.id)]
