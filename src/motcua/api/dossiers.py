"""Dossiers API: submission, public status, reading, the agency queue and one endpoint per official action."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, ErrorOut, Named, caller, citizen_caller, official_caller
from motcua.api.fees import QuoteOut, quote_out
from motcua.core import ratelimit
from motcua.core.errors import FieldError
from motcua.dossiers import services
from motcua.dossiers.lifecycle import RULES, NeededAction
from motcua.dossiers.presenters import dossier_detail, dossier_summary, public_status_of, queue_item
from motcua.eid.scopes import DOSSIERS_READ, DOSSIERS_SUBMIT
from motcua.payments import fee_schedules
from motcua.registries.prefill import prefill_submission

router = Router(tags=["dossiers"])


class ApplicantIn(Schema):
    kind: Literal["person", "organisation"] = Field("person", description=(
        "the person or organisation the dossier is about; an organisation by its enterprise code"))
    id_number: str = Field(..., max_length=20, description="personal ID number, or enterprise code (0101234567-001)")
    name: str = Field(..., max_length=255)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=255)


def _base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error, or characters outside ASCII
        raise PydanticCustomError("base64_invalid", "Not valid base64 (RFC 4648, with padding)") from None


Base64File = Annotated[bytes, BeforeValidator(_base64), WithJsonSchema({"type": "string", "format": "byte"})]


ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """A day as the schema says it (YYYY-MM-DD), not a number of seconds since 1970, which pydantic would take."""
    if not (isinstance(value, str) and ISO_DATE_RE.fullmatch(value)):
        raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class EvidenceFileIn(Schema):
    evidence: str = Field(..., max_length=40, description="code of the document (evidence item) this file is")
    name: str = Field(..., min_length=1, max_length=255, description="file name, e.g. to-khai.pdf")
    content: Base64File = Field(..., description="the file, base64-encoded: PDF, JPEG or PNG, not empty, at most "
                                                 "the upload limit (10 MB by default)")


class SubmitIn(Schema):
    procedure_code: str = Field(..., max_length=40)
    channel: str = Field("online", max_length=10, description="online | counter | post")
    applicant: ApplicantIn
    commune_code: str = Field("", max_length=5, description="commune chosen or registered (commune-level procedures)")
    province_code: str = Field("", max_length=2, description="province chosen (province-level procedures)")
    form: dict[str, Any] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list, max_length=50,
                                description="codes of the documents given: at the counter or by post, the paper "
                                            "documents the reception officer has seen; online, each needs its file")
    files: list[EvidenceFileIn] = Field(default_factory=list, max_length=50,
                                        description="the documents' files; online, one for each document the "
                                                    "procedure asks for (the state supplies the others); the "
                                                    "proof of a fee claim has evidence `fee_claim`")
    fee_claim: str = Field("", max_length=60, description=(
        "the fee exemption or reduction the applicant claims (a code of the rules in force for the competent "
        "agency: `GET /api/fees/schedules/{authority}`); with its proof file when the rule names one"))
    filed_as: str = Field("", max_length=25, description=(
        "online, when the applicant is not the caller: as what the caller files for them — parent (of a minor "
        "child), guardian, relative (of a deceased person, for procedures filed for the deceased), authorised "
        "(by a written authorisation); left empty, whichever the registries and authorisations allow. Refused "
        "with a field error on `applicant.id_number` when none does"))


class ProcedureRef(Named):
    version: int
    statutory_days: int


class StatusOut(Schema):
    code: int
    vi: str
    en: str


class StepOut(Schema):
    code: str
    vi: str
    en: str
    role: str
    due_date: date | None


class ApplicantRef(Schema):
    kind: str = Field(description="person | organisation")
    id_number: str
    name: str


class FilerOut(Schema):
    id_number: str = Field(description="who filed: the applicant, someone acting for them, or the reception "
                                       "officer (username) of a counter or postal filing")
    name: str
    filed_as: str = Field(description="self | parent | guardian | relative | authorised | legal_representative | "
                                      "staff | assisted")
    vi: str
    en: str
    mandate: str = Field(description="what allowed it: a civil-status entry, a relation, an authorisation…")


class DossierOut(Schema):
    code: str
    applicant: ApplicantRef
    filer: FilerOut
    status: StatusOut
    procedure: ProcedureRef
    agency: Named
    competent_agency: Named
    channel: str
    submitted_at: datetime
    received_at: datetime | None
    appointment_date: date | None
    due_date: date | None
    finished_at: datetime | None
    outcome: str | None
    on_time: bool | None
    paused: bool
    supplement_used: bool
    apology_used: bool
    flag: str | None = Field(None, description="overdue | nearing | null")
    step: StepOut
    allowed_actions: list[str]
    needed_action: NeededAction | None = Field(None, description=(
        "what the applicant is asked to do now: supplement the dossier (status 5), pay the fee (status 6), rate "
        "the service (status 10, not yet rated); null: nothing"))


class ActorOut(Schema):
    kind: str
    id: str
    name: str
    agency: str | None
    role: str | None


class JournalEntry(Schema):
    seq: int
    action: str
    vi: str
    en: str
    at: datetime
    actor: ActorOut
    reason: str
    data: dict[str, Any]


class HandoffOut(Schema):
    at: datetime
    actor: str
    from_agency: str
    from_step: str
    to_agency: str
    to_step: str
    step_due: date | None
    on_time: bool | None


class ApplicantOut(ApplicantRef):
    phone: str
    email: str


class EvidenceRef(Schema):
    code: str
    label_vi: str
    label_en: str


class FieldRef(Schema):
    name: str
    label_vi: str
    label_en: str


class FieldCorrectionOut(Schema):
    field: str
    label_vi: str
    label_en: str
    before: Any = Field(description="the value submitted (null: none)")
    after: Any = Field(description="the corrected value (null: emptied)")


class SupplementFileOut(EvidenceRef):
    name: str
    sha256: str


class SupplementAnswerOut(Schema):
    seq: int
    at: datetime
    note: str
    changed: list[FieldCorrectionOut]
    files: list[SupplementFileOut]


class SupplementOut(Schema):
    open: bool = Field(description="the request waits for the citizen's answer")
    requested_at: datetime
    by: str
    reason: str
    missing_evidence: list[EvidenceRef]
    fields_to_correct: list[FieldRef]
    answer: SupplementAnswerOut | None


class FeeClaimProofOut(Schema):
    name: str
    sha256: str


class FeeClaimOut(Schema):
    """The fee exemption or reduction the applicant claimed when filing (``fee_claim``), and what became of it."""

    code: str
    label_vi: str
    label_en: str
    basis_vi: str = Field(description="the resolution that grants it, cited")
    basis_en: str
    proof_vi: str = Field(description="the document its rule names as proof (empty: none)")
    proof_en: str
    proofs: list[FeeClaimProofOut] = Field(description="the proof files attached (evidence `fee_claim_proof`)")
    decision: Literal["claimed", "accepted", "refused"] = Field(description=(
        "claimed: no fee asked yet (an accepted exemption asks none); accepted or refused by the fee request"))
    quote: QuoteOut = Field(description="while claimed, the fee the claim leaves owed; then the fee asked")


class DossierDetailOut(DossierOut):
    applicant: ApplicantOut
    commune_code: str
    province_code: str
    form: dict[str, Any]
    provenance: dict[str, Any] = Field(description="per field: registry, record version and time, or citizen")
    evidence: list[str]
    journal: list[JournalEntry]
    handoffs: list[HandoffOut]
    supplement: SupplementOut | None = Field(description="the supplement request (what is missing) and the "
                                                         "citizen's answer (corrected fields, files added)")
    fee_claim: FeeClaimOut | None = Field(description="the fee exemption or reduction claimed (null: none)")


class PublicStatusOut(Schema):
    code: str
    status: StatusOut
    procedure: ProcedureRef
    agency: Named
    submitted_at: datetime
    appointment_date: date | None
    finished_at: datetime | None


@router.post("/dossiers", response={201: DossierOut, 200: DossierOut, **ERRORS, 429: ErrorOut}, auth=ActorAuth(DOSSIERS_SUBMIT),
             summary="Submit a dossier",
             description="Online by the applicant, or at the counter/post by a reception officer. Send an "
                         "`Idempotency-Key` header to make retries safe: the same key and content return the "
                         "first dossier (200); the same key with other content is refused (409).")
def submit_dossier(request: HttpRequest, payload: SubmitIn):
    key = request.headers.get("Idempotency-Key") or None
    if key and len(key) > 100:
        raise services.SubmissionError([FieldError("Idempotency-Key", "too_long", "Tối đa 100 ký tự.",
                                                    "At most 100 characters.")], 400)
    if key and not key.isprintable():  # stored with the dossier: no NUL or other control character
        raise services.SubmissionError([FieldError("Idempotency-Key", "unprintable_character",
                                                    "Chỉ gồm ký tự in được.", "Printable characters only.")], 400)
    sub = services.Submission(
        procedure_code=payload.procedure_code, channel=payload.channel,
        applicant_id_number=payload.applicant.id_number, applicant_name=payload.applicant.name,
        applicant_phone=payload.applicant.phone, applicant_email=payload.applicant.email,
        commune_code=payload.commune_code, province_code=payload.province_code,
        form=payload.form, evidence=payload.evidence, idempotency_key=key,
        files=[services.IncomingFile(f.evidence, f.name, f.content) for f in payload.files],
        fee_claim=payload.fee_claim, applicant_kind=payload.applicant.kind, filed_as=payload.filed_as,
    )
    actor = caller(request)
    prefill_submission(sub, actor)
    dossier, created = services.submit(sub, actor)
    state = services.state_of(dossier)
    return Respond(201 if created else 200, dossier_summary(dossier, state, actor))


class DossierPage(Schema):
    count: int
    items: list[DossierOut]


@router.get("/dossiers", response={200: DossierPage, **ERRORS}, auth=ActorAuth(),
            summary="The calling citizen's dossiers, newest first",
            description="Those about the caller (or the organisation their login acts for) and those the caller "
                        "filed for someone else: `applicant` and `filer` say which.")
def my_dossiers(
    request: HttpRequest,
    following: Literal["in_progress", "needs_action", "finished"] | None = Query(None, description=(
        "in_progress: not finished; needs_action: the applicant is asked to do something (`needed_action`); "
        "finished: decided, returned, refused or stopped")),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    actor = citizen_caller(request)
    found = services.dossiers_of(actor, following or "").select_related("competent_agency", "procedure_version")
    return {"count": found.count(),
            "items": [dossier_summary(d, services.state_of(d), actor) for d in found[offset: offset + limit]]}


@router.get("/dossiers/{code}/status", response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
            summary="Public status lookup by dossier code (no personal data)")
def public_status(request: HttpRequest, code: str):
    ratelimit.check(request, "track")
    return public_status_of(code)


@router.get("/dossiers/{code}", response={200: DossierDetailOut, **ERRORS}, auth=ActorAuth(DOSSIERS_READ),
            summary="Read a dossier with its journal and tracking sheet")
def read_dossier(request: HttpRequest, code: str):
    actor = caller(request)
    dossier, state = services.readable_dossier(actor, code, services.READING_DOSSIER)
    return {**dossier_detail(dossier, state, actor), "fee_claim": _fee_claim(dossier, state)}


def _fee_claim(dossier, state) -> dict | None:
    claim = fee_schedules.fee_claim(dossier, state.fee_request)
    if claim is None:
        return None
    proofs = dossier.attachments.filter(evidence_code=services.FEE_CLAIM_PROOF).order_by("pk")
    return {**vars(claim.relief), "decision": claim.decision, "quote": quote_out(claim.quote),
            "proofs": [{"name": a.original_name, "sha256": a.sha256} for a in proofs]}


@router.get("/dossiers/{code}/journal", response={200: list[JournalEntry], **ERRORS}, auth=ActorAuth(DOSSIERS_READ),
            summary="The dossier's journal of actions, oldest first")
def read_journal(request: HttpRequest, code: str):
    actor = caller(request)
    return dossier_detail(*services.readable_dossier(actor, code, services.READING_DOSSIER), actor)["journal"]


class QueueItem(DossierOut):
    applicant_name: str


class QueuePage(Schema):
    count: int
    items: list[QueueItem]


@router.get("/queue", response={200: QueuePage, **ERRORS}, auth=ActorAuth(), tags=["back office"],
            summary="The calling official's agency queue, earliest due first")
def agency_queue(
    request: HttpRequest,
    status: list[Annotated[int, Field(ge=1, le=10)]] = Query(None, description="status codes; default: all unfinished"),
    flag: Literal["overdue", "nearing"] | None = Query(None, description=(
        "overdue: past the statutory due date; nearing: due within `days` working days (the clock running)")),
    days: int = Query(1, ge=1, le=60, description="nearing: working days from today"),
    q: str = Query("", max_length=100, description=(
        "a dossier code or its beginning, an ID number (the applicant's or the filer's, exactly), or words of the "
        "applicant's name (accents and case ignored)")),
    procedure: str = Query("", max_length=40, description="a procedure's code"),
    due_from: IsoDate | None = Query(None, description="statutory due date from"),
    due_to: IsoDate | None = Query(None, description="statutory due date to"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    actor = official_caller(request)
    found = services.agency_queue(actor.agency_code, status).matching(
        services.QueueSearch(text=q, flag=flag or "", days=days, due_from=due_from, due_to=due_to, procedure=procedure))
    items = [queue_item(dossier, actor) for dossier in found.prefetch_related("actions")[offset: offset + limit]]
    return {"count": found.count(), "items": items}


class ActionIn(Schema):
    reason: str = Field("", max_length=2000)
    exemption: str | None = Field(None, max_length=500, description=(
        "request-payment: the exemption or reduction applied (a code the rules list); left out, the one the "
        "applicant claimed (`fee_claim`) applies; \"\" refuses the claim: the channel's rate is asked"))
    to_agency: str | None = Field(None, max_length=35, description="transfer: receiving agency code")
    new_date: date | None = Field(None, description="apologize: new appointment date")
    outcome: Literal["approved", "refused"] | None = Field(None, description="complete: decision")
    note: str = Field("", max_length=2000)
    missing_evidence: list[Annotated[str, Field(max_length=63)]] = Field(
        default_factory=list, max_length=50, description="request-supplement: codes of the documents missing")
    fields_to_correct: list[Annotated[str, Field(max_length=63)]] = Field(
        default_factory=list, max_length=100, description="request-supplement: names of the form fields to correct")
    confirmation: str = Field("", max_length=128, description="complete: the official confirms the decision "
                              "that is signed in their name with a fresh one-time code from their authenticator "
                              "app, or their password where none is enrolled")
    reviewed: bool = Field(False, description="complete: the official says they reviewed what they sign (the "
                           "result's preview: `GET /api/dossiers/{code}/result-preview`); refused without it")


def _action_endpoint(kind: str):
    rule = RULES[kind]

    def take_action(request: HttpRequest, code: str, payload: ActionIn):
        actor = caller(request)
        services.confirm_step_up(actor, code, kind, payload.confirmation, payload.reviewed)
        data = {k: v for k, v in payload.dict().items()
                if k not in ("reason", "confirmation", "reviewed") and v not in (None, "", [])}
        if kind == "request_payment" and payload.exemption is not None:  # "" refuses the applicant's claim
            data["exemption"] = payload.exemption
        dossier, state = services.act(code, kind, actor, payload.reason, data)
        return dossier_summary(dossier, state, actor)

    take_action.__name__ = f"action_{kind}"
    throttled = {429: ErrorOut} if rule.needs_confirmation else {}  # too many wrong confirmations
    router.post(f"/dossiers/{{code}}/{kind.replace('_', '-')}", response={200: DossierOut, **ERRORS, **throttled},
                auth=ActorAuth(DOSSIERS_SUBMIT if "citizen" in rule.actor_kinds else None), tags=["dossier actions"],
                operation_id=f"dossier_{kind}",
                summary=f"{rule.en} ({rule.vi})")(take_action)


for _kind in RULES:
    if _kind not in ("submit", "supplement"):
        _action_endpoint(_kind)


class SupplementIn(Schema):
    reason: str = Field("", max_length=2000, description="what the citizen says with the supplement")
    form: dict[str, Any] = Field(default_factory=dict,
                                 description="corrected form fields (only those asked about, when the request names "
                                             "any); a field left out keeps its value")
    files: list[EvidenceFileIn] = Field(default_factory=list, max_length=50,
                                        description="a file for each document the request names as missing, and "
                                                    "any other document of the procedure")


@router.post("/dossiers/{code}/supplement", response={200: DossierOut, **ERRORS}, auth=ActorAuth(DOSSIERS_SUBMIT),
             tags=["dossier actions"], operation_id="dossier_supplement",
             summary=f"{RULES['supplement'].en} ({RULES['supplement'].vi})",
             description="The applicant answers a supplement request with the missing documents' files and the "
                         "corrected fields; the clock resumes. Everything is checked first and each problem "
                         "reported by its field (`evidence.<code>`, `form.<field>`); nothing is kept while there "
                         "is one.")
def action_supplement(request: HttpRequest, code: str, payload: SupplementIn):
    actor = caller(request)
    files = [services.IncomingFile(f.evidence, f.name, f.content) for f in payload.files]
    data = {"form": payload.form} if payload.form else {}
    dossier, state = services.act(code, "supplement", actor, payload.reason, data, files=files)
    return dossier_summary(dossier, state, actor)


