"""REST API (OpenAPI 3 at /api/openapi.json, committed as docs/openapi.json)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja import Status as Respond
from ninja.errors import AuthenticationError, HttpError

from motcua.api import errors
from motcua.api.auth import ActorAuth
from motcua.calendar import default_calendar
from motcua.catalog import divisions
from motcua.catalog.forms import FieldError
from motcua.catalog.models import Procedure
from motcua.catalog.services import fold_text
from motcua.documents import views as document_views
from motcua.documents.issuing import verification_url
from motcua.documents.models import IssuedDocument
from motcua.dossiers import services
from motcua.dossiers.lifecycle import RULES, Actor, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.presenters import dossier_detail, dossier_summary
from motcua.metrics import queries as metrics_queries
from motcua.metrics import ratings
from motcua.metrics.queries import Period
from motcua.payments import services as payments

api = NinjaAPI(
    title="motcua API",
    version="1.0",
    description="One-stop online public services: procedure catalog and dossiers. Errors carry a bilingual "
                "`detail` and field-level `errors` (`field`, `code`, `vi`, `en`).",
    urls_namespace="api",
)
errors.install(api)


class Bilingual(Schema):
    vi: str
    en: str


class FieldErrorOut(Schema):
    field: str | None
    code: str
    vi: str
    en: str


class ErrorOut(Schema):
    detail: Bilingual
    errors: list[FieldErrorOut]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- catalog ------------------------------------------------------------------------------------

class ProcedureListItem(Schema):
    code: str
    name_vi: str
    name_en: str
    sector_code: str
    sector_vi: str
    sector_en: str
    level: str
    online_level: str
    statutory_days: int
    eid_level: int
    counter_fee: int
    online_fee: int


class ProcedurePage(Schema):
    count: int
    items: list[ProcedureListItem]


class ProcedureDetail(ProcedureListItem):
    version: int
    definition: dict[str, Any]


@api.get("/procedures", response=ProcedurePage, tags=["catalog"], summary="Search the procedure catalog")
def search_procedures(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="words of the name, code or sector; accents optional"),
    level: Literal["ministry", "province", "commune"] | None = None,
    sector: str | None = Query(None, max_length=40),
    online_level: Literal["full", "partial"] | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    qs = Procedure.objects.all()
    for word in fold_text(q).split():
        qs = qs.filter(search_text__contains=word)
    if level:
        qs = qs.filter(level=level)
    if sector:
        qs = qs.filter(sector_code=sector)
    if online_level:
        qs = qs.filter(online_level=online_level)
    return {"count": qs.count(), "items": list(qs.order_by("name_vi")[offset: offset + limit])}


@api.get("/procedures/{code}", response={200: ProcedureDetail, 404: ErrorOut}, tags=["catalog"],
         summary="Read a procedure's current definition")
def read_procedure(request: HttpRequest, code: str):
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None:
        raise services.NotFound(code)
    procedure.version = procedure.current_version.number
    procedure.definition = procedure.current_version.definition
    return procedure


class DivisionOut(Schema):
    code: str
    name: str
    province_code: str


@api.get("/divisions/provinces", response=list[DivisionOut], tags=["catalog"], summary="The 34 provinces")
def list_provinces(request: HttpRequest):
    return sorted(divisions.provinces().values(), key=lambda d: d.code)


@api.get("/divisions/provinces/{province_code}/communes", response={200: list[DivisionOut], 404: ErrorOut},
         tags=["catalog"], summary="Communes of a province")
def list_communes(request: HttpRequest, province_code: str):
    if province_code not in divisions.provinces():
        raise services.NotFound(province_code)
    return sorted(divisions.communes_of(province_code), key=lambda d: d.name)


# --- dossiers -----------------------------------------------------------------------------------

class ApplicantIn(Schema):
    id_number: str = Field(..., max_length=20)
    name: str = Field(..., max_length=255)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=255)


class SubmitIn(Schema):
    procedure_code: str = Field(..., max_length=40)
    channel: str = Field("online", max_length=10, description="online | counter | post")
    applicant: ApplicantIn
    commune_code: str = Field("", max_length=5, description="commune chosen or registered (commune-level procedures)")
    province_code: str = Field("", max_length=2, description="province chosen (province-level procedures)")
    form: dict[str, Any] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list, description="codes of the documents attached")


class Named(Schema):
    code: str
    name_vi: str
    name_en: str


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


class DossierOut(Schema):
    code: str
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


class ApplicantOut(Schema):
    id_number: str
    name: str
    phone: str
    email: str


class DossierDetailOut(DossierOut):
    applicant: ApplicantOut
    commune_code: str
    province_code: str
    form: dict[str, Any]
    provenance: dict[str, Any] = Field(description="per field: registry, record version and time, or citizen")
    evidence: list[str]
    journal: list[JournalEntry]
    handoffs: list[HandoffOut]


class PublicStatusOut(Schema):
    code: str
    status: StatusOut
    procedure: ProcedureRef
    agency: Named
    submitted_at: datetime
    appointment_date: date | None
    finished_at: datetime | None


def _actor(request: HttpRequest) -> Actor:
    actor = request.auth
    if not isinstance(actor, Actor):
        raise AuthenticationError()
    return actor


@api.post("/dossiers", response={201: DossierOut, 200: DossierOut, **ERRORS}, auth=ActorAuth(),
          tags=["dossiers"], summary="Submit a dossier",
          description="Online by the applicant, or at the counter/post by a reception officer. Send an "
                      "`Idempotency-Key` header to make retries safe: the same key and content return the "
                      "first dossier (200); the same key with other content is refused (409).")
def submit_dossier(request: HttpRequest, payload: SubmitIn):
    key = request.headers.get("Idempotency-Key") or None
    if key and len(key) > 100:
        raise services.SubmissionError([FieldError("Idempotency-Key", "too_long", "Tối đa 100 ký tự.",
                                                            "At most 100 characters.")], 400)
    sub = services.Submission(
        procedure_code=payload.procedure_code, channel=payload.channel,
        applicant_id_number=payload.applicant.id_number, applicant_name=payload.applicant.name,
        applicant_phone=payload.applicant.phone, applicant_email=payload.applicant.email,
        commune_code=payload.commune_code, province_code=payload.province_code,
        form=payload.form, evidence=payload.evidence, idempotency_key=key,
    )
    actor = _actor(request)
    dossier, created = services.submit(sub, actor)
    state = services.state_of(dossier)
    return Respond(201 if created else 200, dossier_summary(dossier, state, actor))


@api.get("/dossiers/{code}/status", response={200: PublicStatusOut, 404: ErrorOut}, tags=["dossiers"],
         summary="Public status lookup by dossier code (no personal data)")
def public_status(request: HttpRequest, code: str):
    # A hot path (citizens polling, QR scans): one narrow query, no model instances.
    row = (Dossier.objects.filter(code=code).values(
        "code", "status", "submitted_at", "appointment_date", "finished_at", "procedure_version__number",
        "procedure_version__procedure__code", "procedure_version__procedure__name_vi",
        "procedure_version__procedure__name_en", "procedure_version__procedure__statutory_days",
        "agency__code", "agency__name_vi", "agency__name_en").first())
    if row is None:
        raise services.NotFound(code)
    status = Status(row["status"])
    return {
        "code": row["code"],
        "status": {"code": status.value, "vi": status.label_vi, "en": status.label_en},
        "procedure": {"code": row["procedure_version__procedure__code"],
                      "name_vi": row["procedure_version__procedure__name_vi"],
                      "name_en": row["procedure_version__procedure__name_en"],
                      "version": row["procedure_version__number"],
                      "statutory_days": row["procedure_version__procedure__statutory_days"]},
        "agency": {"code": row["agency__code"], "name_vi": row["agency__name_vi"], "name_en": row["agency__name_en"]},
        "submitted_at": row["submitted_at"],
        "appointment_date": row["appointment_date"],
        "finished_at": row["finished_at"],
    }


def _readable(request: HttpRequest, code: str):
    actor = _actor(request)
    dossier = services.get_dossier(code)
    state = services.state_of(dossier)
    if not services.can_read(actor, dossier, state):
        raise HttpError(403, "Bạn không có quyền xem hồ sơ này. / You may not read this dossier.")
    return actor, dossier, state


@api.get("/dossiers/{code}", response={200: DossierDetailOut, **ERRORS}, auth=ActorAuth(), tags=["dossiers"],
         summary="Read a dossier with its journal and tracking sheet")
def read_dossier(request: HttpRequest, code: str):
    actor, dossier, state = _readable(request, code)
    return dossier_detail(dossier, state, actor)


@api.get("/dossiers/{code}/journal", response={200: list[JournalEntry], **ERRORS}, auth=ActorAuth(),
         tags=["dossiers"], summary="The dossier's journal of actions, oldest first")
def read_journal(request: HttpRequest, code: str):
    actor, dossier, state = _readable(request, code)
    return dossier_detail(dossier, state, actor)["journal"]


class QueueItem(DossierOut):
    applicant_name: str


class QueuePage(Schema):
    count: int
    items: list[QueueItem]


@api.get("/queue", response={200: QueuePage, **ERRORS}, auth=ActorAuth(), tags=["back office"],
         summary="The calling official's agency queue, earliest due first")
def agency_queue(
    request: HttpRequest,
    status: list[Annotated[int, Field(ge=1, le=10)]] = Query(None, description="status codes; default: all unfinished"),
    flag: Literal["overdue", "nearing"] | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    actor = _actor(request)
    if actor.kind != "official":
        raise HttpError(403, "Chỉ dành cho cán bộ. / Officials only.")
    qs = (Dossier.objects.select_related("procedure_version__procedure", "agency", "competent_agency")
          .filter(agency__code=actor.agency_code))
    qs = qs.filter(status__in=status) if status else qs.filter(finished_at__isnull=True)
    today = timezone.localdate()
    if flag == "overdue":
        qs = qs.filter(due_date__lt=today, paused=False)
    elif flag == "nearing":
        horizon = default_calendar().add_working_days(today, 1)
        qs = qs.filter(Q(due_date__gte=today) & Q(due_date__lte=horizon), paused=False)
    qs = qs.order_by(F("due_date").asc(nulls_first=True), "submitted_at")
    items = []
    for dossier in qs[offset: offset + limit]:
        item = dossier_summary(dossier, services.state_of(dossier), actor)
        item["applicant_name"] = dossier.applicant_name
        items.append(item)
    return {"count": qs.count(), "items": items}


class ActionIn(Schema):
    reason: str = Field("", max_length=2000)
    exemption: str = Field("", max_length=500, description="request-payment: an exemption the procedure lists")
    to_agency: str | None = Field(None, max_length=35, description="transfer: receiving agency code")
    new_date: date | None = Field(None, description="apologize: new appointment date")
    outcome: Literal["approved", "refused"] | None = Field(None, description="complete: decision")
    note: str = Field("", max_length=2000)


def _action_endpoint(kind: str):
    rule = RULES[kind]

    def take_action(request: HttpRequest, code: str, payload: ActionIn):
        actor = _actor(request)
        if kind == "request_payment":  # the amount comes from the catalog's fee rules
            dossier, state = payments.request_payment(code, actor, payload.exemption, payload.reason)
        elif kind == "pay":  # cash at the counter (online payments are confirmed by the gateway)
            owed = services.state_of(services.get_dossier(code)).fee_due
            dossier, state = services.act(code, kind, actor, payload.reason, {"amount": owed, "method": "cash"})
        else:
            data = {k: v for k, v in payload.dict().items()
                    if k not in ("reason", "exemption") and v not in (None, "")}
            dossier, state = services.act(code, kind, actor, payload.reason, data)
        return dossier_summary(dossier, state, actor)

    take_action.__name__ = f"action_{kind}"
    api.post(f"/dossiers/{{code}}/{kind.replace('_', '-')}", response={200: DossierOut, **ERRORS},
             auth=ActorAuth(), tags=["dossier actions"], operation_id=f"dossier_{kind}",
             summary=f"{rule.en} ({rule.vi})")(take_action)


for _kind in RULES:
    if _kind != "submit":
        _action_endpoint(_kind)


# --- results, wallet, verification, payments ----------------------------------------------------

class IssuedDocumentOut(Schema):
    id: str
    kind: Literal["result", "receipt"]
    doc_type: str
    number: str
    title_vi: str
    title_en: str
    issuer: Named
    issued_at: datetime
    signed_by: str
    sha256: str
    revoked: bool
    verify_url: str
    file_url: str


def _document_out(document) -> dict:
    return {
        "id": str(document.id), "kind": document.kind, "doc_type": document.doc_type, "number": document.number,
        "title_vi": document.title_vi, "title_en": document.title_en,
        "issuer": {"code": document.issuer_agency.code, "name_vi": document.issuer_agency.name_vi,
                   "name_en": document.issuer_agency.name_en},
        "issued_at": document.issued_at, "signed_by": document.signed_by, "sha256": document.sha256,
        "revoked": document.revoked_at is not None, "verify_url": verification_url(document.id),
        "file_url": f"/api/documents/{document.id}/file",
    }


@api.get("/dossiers/{code}/documents", response={200: list[IssuedDocumentOut], **ERRORS}, auth=ActorAuth(),
         tags=["documents"], summary="Signed results and receipts issued for a dossier")
def dossier_documents(request: HttpRequest, code: str):
    _actor_, dossier, _state = _readable(request, code)
    return [_document_out(d) for d in dossier.issued_documents.select_related("issuer_agency").order_by("issued_at")]


@api.get("/wallet", response={200: list[IssuedDocumentOut], **ERRORS}, auth=ActorAuth(), tags=["documents"],
         summary="The calling citizen's document wallet")
def wallet(request: HttpRequest):
    actor = _actor(request)
    if actor.kind != "citizen":
        raise HttpError(403, "Chỉ dành cho công dân. / Citizens only.")
    documents = IssuedDocument.objects.filter(owner_id_number=actor.id).select_related("issuer_agency")
    return [_document_out(d) for d in documents.order_by("-issued_at")]


@api.get("/documents/{document_id}/file", response={200: None, **ERRORS}, auth=ActorAuth(), tags=["documents"],
         summary="The signed PDF (its owner, or an official who may read its dossier)")
def document_file(request: HttpRequest, document_id: uuid.UUID):
    actor = _actor(request)
    document = IssuedDocument.objects.select_related("dossier__agency", "dossier__competent_agency").filter(
        pk=document_id).first()
    if document is None:
        raise services.NotFound(str(document_id))
    if not services.can_read(actor, document.dossier):
        raise HttpError(403, "Bạn không có quyền xem văn bản này. / You may not read this document.")
    return document_views.document_file(document)


class SignatureOut(Schema):
    field_name: str
    signer: str
    serial: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    revoked_at: datetime | None
    covers_whole_file: bool


class VerificationOut(Schema):
    valid: bool
    problems: list[str] = Field(description="tampered, untrusted, certificate_revoked, document_revoked, "
                                            "not_the_issued_file, unknown_document, unsigned, unreadable")
    number: str
    title_vi: str
    title_en: str
    issuer: Named
    issued_at: datetime
    revoked_at: datetime | None
    signatures: list[SignatureOut]


@api.get("/documents/{document_id}/verification", response={200: VerificationOut, 404: ErrorOut},
         tags=["documents"], summary="Public verification of an issued document (what its QR code shows)")
def verify_document(request: HttpRequest, document_id: uuid.UUID):
    document = IssuedDocument.objects.select_related("issuer_agency").filter(pk=document_id).first()
    if document is None:
        raise services.NotFound(str(document_id))
    with document.file.open("rb") as f:
        context = document_views.verification_context(document, f.read())
    return {
        "valid": context["valid"], "problems": context["problems"], "number": document.number,
        "title_vi": document.title_vi, "title_en": document.title_en,
        "issuer": {"code": document.issuer_agency.code, "name_vi": document.issuer_agency.name_vi,
                   "name_en": document.issuer_agency.name_en},
        "issued_at": document.issued_at, "revoked_at": document.revoked_at,
        "signatures": [vars(s) for s in context["check"].signatures],
    }


class PaymentStartOut(Schema):
    reference: str
    amount: int
    payment_url: str = Field(description="send the citizen's browser here (the gateway's payment page)")


@api.post("/dossiers/{code}/payments", response={201: PaymentStartOut, **ERRORS}, auth=ActorAuth(),
          tags=["payments"], summary="Start paying what the dossier owes online (the applicant)")
def start_payment(request: HttpRequest, code: str):
    actor, dossier, state = _readable(request, code)
    try:
        payment = payments.start_online_payment(dossier, state, actor)
    except payments.PaymentError as exc:
        raise HttpError(403 if exc.code == "not_applicant" else 409, f"{exc.vi} / {exc.en}") from None
    url = payments.gateway().payment_url(payment, request.build_absolute_uri(reverse("payments:return")),
                                         request.META.get("REMOTE_ADDR", ""), "vi")
    return Respond(201, {"reference": payment.reference, "amount": payment.amount, "payment_url": url})


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
    complaint: str = Field("", max_length=2000)


class RatingOut(Schema):
    score: int
    complaint: str
    created_at: datetime


@api.post("/dossiers/{code}/rating", response={201: RatingOut, **ERRORS}, auth=ActorAuth(), tags=["index"],
          summary="The applicant rates the service once the result is returned (feeds the index)")
def rate_dossier(request: HttpRequest, code: str, payload: RatingIn):
    actor, dossier, state = _readable(request, code)
    try:
        rating = ratings.rate(dossier, state, actor, payload.score, payload.complaint)
    except ratings.RatingError as exc:
        status = 403 if exc.code == "not_applicant" else 409
        return Respond(status, errors.body(exc.vi, exc.en, [{"field": exc.field, "code": exc.code, "vi": exc.vi,
                                                              "en": exc.en}]))
    return Respond(201, {"score": rating.score, "complaint": rating.complaint, "created_at": rating.created_at})


class MetricOut(Schema):
    code: str
    label_vi: str
    label_en: str
    numerator: int
    denominator: int
    ratio: float | None
    score: float
    max_score: float
    measured: bool


class GroupOut(Schema):
    code: str
    label_vi: str
    label_en: str
    score: float
    max_score: float
    metrics: list[MetricOut]


class IndexFigures(Schema):
    score: float
    received: int
    online_share: float | None
    on_time_share: float | None
    paid_online: int
    paid_online_amount: int
    groups: list[GroupOut]


class IndexRowOut(IndexFigures):
    rank: int
    code: str
    name: str


class IndexOut(IndexFigures):
    level: str
    code: str
    period: str
    children: list[IndexRowOut]


def _figures(row) -> dict:
    return {
        "score": row.index.score, "received": row.counts.received, "online_share": row.online_share,
        "on_time_share": row.on_time_share, "paid_online": row.counts.paid_online,
        "paid_online_amount": row.counts.paid_online_amount,
        "groups": [{"code": g.code, "label_vi": g.label_vi, "label_en": g.label_en, "score": g.score,
                    "max_score": g.max_score, "metrics": [{**vars(m), "ratio": m.ratio} for m in g.metrics]}
                   for g in row.index.groups],
    }


@api.get("/index", response={200: IndexOut, 404: ErrorOut, 422: ErrorOut}, tags=["index"],
         summary="Service index (Decision 766) of a scope and its children, as on the public dashboard")
def service_index(request: HttpRequest, level: Literal["N", "P", "C", "A"] = "N", code: str = "",
                  period: Literal["year", "quarter", "month"] = "year", year: int | None = None,
                  n: int | None = Query(None, ge=1, le=12)):
    from motcua.metrics.views import CHILDREN

    chosen = Period.parse(period, str(year or ""), str(n or ""))
    if level != "N" and not metrics_queries.names_for(level, [code]).get(code):
        raise services.NotFound(code)
    head = metrics_queries.headline(level, code, chosen)
    child = CHILDREN[level][0][0]
    rows = metrics_queries.ranking(child, chosen, parent=code if level != "N" else None)
    names = metrics_queries.names_for(child, [r.code for r in rows])
    return {
        "level": level, "code": code, "period": chosen.label, **_figures(head),
        "children": [{"rank": r.rank, "code": r.code, "name": names.get(r.code, r.code),
                      **_figures(r)} for r in rows],
    }


@api.get("/health", tags=["operations"], summary="Liveness and database check")
def health(request: HttpRequest):
    Procedure.objects.exists()
    return {"ok": True, "time": timezone.now()}

