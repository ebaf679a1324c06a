"""Interlinked groups API (Nghị định 63/2024/NĐ-CP): the groups the catalog offers, filing one application for
a group, and following it: one code, each member's dossier at its agency."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as Respond

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, ErrorOut, caller
from motcua.api.dossiers import ApplicantIn
from motcua.catalog.services import procedure_groups
from motcua.core.errors import FieldError
from motcua.dossiers import groups, services
from motcua.eid.scopes import DOSSIERS_READ, DOSSIERS_SUBMIT
from motcua.registries.prefill import group_form, prefill_group_application

router = Router(tags=["interlinked groups"])


class InterlinkedMemberOut(Schema):
    procedure_code: str
    name_vi: str
    name_en: str
    mandatory: bool
    statutory_days: int = Field(description="working days the member takes within the group")
    after: str | None = Field(description="the member whose result this one needs before it starts")


class GroupFieldOut(Schema):
    name: str
    type: str
    label_vi: str
    label_en: str
    required: bool
    choices: list[dict[str, str]]
    source: str | None = Field(description="the registry the value is pre-filled from (once-only)")


class InterlinkedGroupOut(Schema):
    code: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    statutory_days: int = Field(description="the group's statutory time, in working days")
    choose_min: int
    choose_max: int
    legal_basis: list[str]
    members: list[InterlinkedMemberOut]


class InterlinkedGroupDetailOut(InterlinkedGroupOut):
    fields: list[GroupFieldOut] = Field(description="the one form of the group with every member chosen; a field "
                                               "shared by several members is asked once")


def _group_out(spec) -> dict[str, Any]:
    specs = groups.member_specs(spec)
    return {"code": spec.code, "name_vi": spec.name_vi, "name_en": spec.name_en,
            "description_vi": spec.description_vi, "description_en": spec.description_en,
            "statutory_days": spec.statutory_days, "choose_min": spec.choose_min, "choose_max": spec.choose_max,
            "legal_basis": list(spec.legal_basis),
            "members": [{"procedure_code": m.procedure, "name_vi": specs[m.procedure].name_vi,
                         "name_en": specs[m.procedure].name_en, "mandatory": m.mandatory,
                         "statutory_days": m.statutory_days, "after": m.after} for m in spec.members]}


@router.get("/groups", response=list[InterlinkedGroupOut], summary="The interlinked groups of procedures")
def list_groups(request: HttpRequest):
    return [_group_out(spec) for spec in procedure_groups().values()]


@router.get("/groups/{code}", response={200: InterlinkedGroupDetailOut, 404: ErrorOut}, summary="Read an interlinked group")
def read_group(request: HttpRequest, code: str):
    spec = groups.group_spec(code)
    form = group_form(spec, [m.procedure for m in spec.members])
    return {**_group_out(spec), "fields": [
        {"name": f.name, "type": f.type, "label_vi": f.label_vi, "label_en": f.label_en, "required": f.required,
         "choices": [{"value": v, "label_vi": vi, "label_en": en} for v, vi, en in f.choices],
         "source": f.source} for f in form.fields]}


class GroupApplicationIn(Schema):
    members: list[str] = Field(default_factory=list, max_length=20,
                               description="the members chosen (procedure codes); mandatory ones are added")
    applicant: ApplicantIn
    commune_code: str = Field("", max_length=5, description="the commune that handles the application")
    province_code: str = Field("", max_length=2)
    form: dict[str, Any] = Field(default_factory=dict, description="the group form; values the registries hold "
                                                                   "and are left out are pre-filled")


class GroupMemberStateOut(Schema):
    procedure_code: str
    name_vi: str
    name_en: str
    state: str = Field(description="waiting (for the result it needs) | started | blocked | cancelled")
    statutory_days: int
    dossier_code: str | None
    agency: str | None
    status: int | None = Field(description="the member dossier's status (1–10), once started")
    status_vi: str | None
    status_en: str | None
    due_date: date | None
    finished_at: datetime | None
    on_time: bool | None
    problem_vi: str
    problem_en: str


class GroupApplicationOut(Schema):
    code: str
    group_code: str
    name_vi: str
    name_en: str
    status_vi: str
    status_en: str
    submitted_at: datetime
    due_date: date = Field(description="the group's statutory due date")
    finished: bool
    finished_at: datetime | None
    on_time: bool | None = Field(description="judged on the group's statutory time, once finished")
    members: list[GroupMemberStateOut]


def application_out(view: groups.GroupView) -> dict[str, Any]:
    g = view.group
    return {"code": g.code, "group_code": g.group_code, "name_vi": view.spec.name_vi, "name_en": view.spec.name_en,
            "status_vi": view.status[0], "status_en": view.status[1], "submitted_at": g.submitted_at,
            "due_date": g.due_date, "finished": view.finished, "finished_at": view.finished_at,
            "on_time": view.on_time,
            "members": [{"procedure_code": m.procedure_code, "name_vi": m.name_vi, "name_en": m.name_en,
                         "state": m.state, "statutory_days": m.statutory_days,
                         "dossier_code": m.dossier.code if m.dossier else None,
                         "agency": m.dossier.agency.name_vi if m.dossier else None,
                         "status": int(m.status) if m.status else None,
                         "status_vi": m.status.label_vi if m.status else None,
                         "status_en": m.status.label_en if m.status else None, "due_date": m.due_date,
                         "finished_at": m.finished_at, "on_time": m.on_time, "problem_vi": m.problem_vi,
                         "problem_en": m.problem_en} for m in view.members]}


@router.post("/groups/{code}/applications", response={201: GroupApplicationOut, 200: GroupApplicationOut, **ERRORS,
                                                       429: ErrorOut},
             auth=ActorAuth(DOSSIERS_SUBMIT), summary="File one application for an interlinked group",
             description="By the applicant, online. The members that need no other result are filed at once, each "
                         "a dossier at its agency; the others when the result they need is issued. Send an "
                         "`Idempotency-Key` header to make retries safe.")
def apply_for_group(request: HttpRequest, code: str, payload: GroupApplicationIn):
    key = request.headers.get("Idempotency-Key") or None
    if key and (len(key) > 100 or not key.isprintable()):
        raise services.SubmissionError([FieldError("Idempotency-Key", "invalid", "Tối đa 100 ký tự in được.",
                                                    "At most 100 printable characters.")], 400)
    groups.group_spec(code)  # 404 before anything else
    app = groups.GroupApplication(
        group_code=code, members=payload.members, applicant_id_number=payload.applicant.id_number,
        applicant_name=payload.applicant.name, applicant_phone=payload.applicant.phone,
        applicant_email=payload.applicant.email, commune_code=payload.commune_code,
        province_code=payload.province_code, form=payload.form, idempotency_key=key)
    actor = caller(request)
    prefill_group_application(app, actor)
    group, created = groups.submit_group(app, actor)
    return Respond(201 if created else 200, application_out(groups.view(group)))


@router.get("/group-applications/{code}", response={200: GroupApplicationOut, **ERRORS}, auth=ActorAuth(DOSSIERS_READ),
            summary="Follow a group application: each member's dossier, status and result")
def read_group_application(request: HttpRequest, code: str):
    return application_out(groups.view(groups.readable_group(caller(request), code)))
