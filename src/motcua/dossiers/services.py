"""Submitting dossiers and appending actions to their journal, atomically."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property, reduce
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog import divisions
from motcua.catalog.forms import EMAIL_RE, PHONE_RE, validate_form
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import RoutingError, competent_agency, fold_text, spec_of
from motcua.catalog.spec import ProcedureSpec
from motcua.core import outbox
from motcua.core.errors import FieldError, Forbidden, Invalid, MotcuaError, NotFound
from motcua.core.security_log import security_event
from motcua.core.text import normalize, text_problem
from motcua.dossiers import filing
from motcua.dossiers.lifecycle import (
    ASKED_AT,
    FINAL_STATUSES,
    RULES,
    Action,
    DossierState,
    LifecycleError,
    NeededAction,
    Status,
    apply,
    fold,
    local_date,
    needed_action,
    start,
)
from motcua.dossiers.models import DailySequence, Dossier, DossierAction
from motcua.dossiers.printable import printable_characters
from motcua.dossiers.provenance import Provenance
from motcua.dossiers.scanners import scanner
from motcua.identity import id_number, second_factor
from motcua.identity.actors import EID_LEVEL_2_HOW, Actor, Role, eid_level_missing

CHANNELS = ("online", "counter", "post")
ENTERPRISE_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")  # the enterprise (tax) code, a branch's with its suffix


@dataclass(frozen=True)
class Recorded:
    """An action just written to the journal, as its hooks see it."""

    dossier: Dossier
    action: Action
    state: DossierState
    files: tuple[IncomingFile, ...] = ()  # evidence files that came with a submission


# Hooks run inside the transaction that records an action, after the journal entry and the projection are
# written: other capabilities (signed results, payments, index roll-ups) add their records atomically with
# the action. A hook that raises rolls the action back. Subscribed by action kind; "*" is every kind.
ActionHook = Callable[[Recorded], None]
ACTION_HOOKS: dict[str, list[ActionHook]] = {}

# What an action records besides what its caller gives, decided by the capability that owns it (the fee
# the catalog sets for a payment request, the amount owed for cash at the counter).
DataRule = Callable[[Dossier, DossierState, Actor, dict], dict]
ACTION_DATA: dict[str, DataRule] = {}

# The file proving the fee exemption or reduction an applicant claims: uploaded and stored like evidence,
# under this code, though no procedure lists it.
FEE_CLAIM_PROOF = "fee_claim_proof"

# What a submission records besides the applicant's data, checked by the capability that owns it (the fee
# exemption or reduction claimed, by payments): the data its journal entry adds, or its field errors.
SubmissionRule = Callable[["Submission", ProcedureSpec, Agency, datetime], tuple[dict, list[FieldError]]]
SUBMISSION_DATA: list[SubmissionRule] = []


def submission_data(rule: SubmissionRule) -> SubmissionRule:
    SUBMISSION_DATA.append(rule)
    return rule


@dataclass(frozen=True)
class FilingRequest:
    """An online filing whose login is not the applicant, as the filing authorities are asked about it."""

    actor: Actor
    applicant_kind: str
    applicant_id: str
    filed_as: str  # what the filer says they act as; empty when they do not say
    spec: ProcedureSpec
    at: datetime


class FilingAuthority:
    """A capability that knows who may act for whom (the registries: parents, guardians, relatives, written
    authorisations; organisations: their representative and staff), registered with ``filing_authority``.

    Asked about each online filing whose login is not the applicant, each answers with the ``Mandate`` under
    which the filer may file, a ``FieldError`` saying why not (a revoked authorisation, a child come of age), or
    None when it knows nothing of this filer and applicant. It also lets those it allows read the applicant's
    dossiers, and names them for the actor's dossier list."""

    def mandate(self, request: FilingRequest) -> filing.Mandate | FieldError | None:
        return None

    def may_read(self, actor: Actor, dossier: Dossier) -> bool:
        return False

    def dossiers(self, actor: Actor) -> Q | None:
        """The dossiers, besides those the actor filed or is the applicant of, that their list shows."""
        return None

    def acting_as(self, actor: Actor, dossier: Dossier) -> Actor | None:
        """The actor as it acts on a dossier it may read but is not the applicant or the filer of (an
        organisation's staff, for the organisation), or None."""
        return None


FILING_AUTHORITIES: list[FilingAuthority] = []


def filing_authority(cls: type[FilingAuthority]) -> type[FilingAuthority]:
    FILING_AUTHORITIES.append(cls())
    return cls


def on_action(*kinds: str) -> Callable[[ActionHook], ActionHook]:
    def subscribe(hook: ActionHook) -> ActionHook:
        for kind in kinds or ("*",):
            ACTION_HOOKS.setdefault(kind, []).append(hook)
        return hook

    return subscribe


def action_data(kind: str) -> Callable[[DataRule], DataRule]:
    def register(rule: DataRule) -> DataRule:
        ACTION_DATA[kind] = rule
        return rule

    return register


DOSSIER_CHANGED = "dossier.changed"  # the outbox topic: each action, and changes outside the journal
# The national portal acknowledged a dossier at a journal version (published by ``nationalportal``, counted by
# ``metrics``: neither imports the other).
DOSSIER_SYNCED = "dossier.synced"


def changed(dossier: Dossier) -> None:
    """Tell consumers (the index roll-ups) that a dossier changed outside its journal (a rating, a revoked
    result), in the caller's transaction."""
    outbox.publish(DOSSIER_CHANGED, dossier.code, {})


@on_action()
def _publish(recorded: Recorded) -> None:
    outbox.publish(DOSSIER_CHANGED, recorded.dossier.code,
                   {"action": recorded.action.kind, "version": recorded.state.version})


def _after(recorded: Recorded) -> None:
    for hook in (*ACTION_HOOKS.get(recorded.action.kind, ()), *ACTION_HOOKS.get("*", ())):
        hook(recorded)


class SubmissionError(Invalid):
    """Input problems, each tied to a field, reported all at once."""

    def __init__(self, errors: list[FieldError], status: int = 422) -> None:
        super().__init__("invalid_submission", "Hồ sơ chưa hợp lệ, vui lòng sửa các trường được chỉ ra.",
                         "The dossier is not valid; please correct the fields shown.", status=status, errors=errors)


# What evidence files may be: sniffed from their first bytes, never trusted from the name or the browser.
FILE_SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class IncomingFile:
    """An evidence file that comes with a submission: uploaded online, or scanned at the counter."""

    evidence_code: str
    name: str
    data: bytes = field(repr=False)

    @property
    def content_type(self) -> str | None:
        return next((kind for magic, kind in FILE_SIGNATURES.items() if self.data.startswith(magic)), None)

    @cached_property  # hashed for the idempotency digest and again when stored: up to 10 MB, once
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Submission:
    procedure_code: str
    channel: str
    applicant_id_number: str
    applicant_name: str
    applicant_phone: str = ""
    applicant_email: str = ""
    commune_code: str = ""
    province_code: str = ""
    form: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    idempotency_key: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    files: list[IncomingFile] = field(default_factory=list)
    # A member of an interlinked group: the group's code, and the member's time within the group.
    in_group: str = ""
    statutory_days: int | None = None
    fee_claim: str = ""  # the code of the fee exemption or reduction the applicant claims, its proof a file
    applicant_kind: str = filing.PERSON
    # Online, as what the login files for an applicant not themselves ("parent", "authorised", …; empty: let the
    # filing authorities find the mandate). Counter and postal filings are recorded as assisted.
    filed_as: str = ""

    def digest(self) -> str:
        payload = {k: v for k, v in self.__dict__.items() if k not in ("idempotency_key", "provenance", "files", "in_group", "statutory_days")}
        payload["files"] = sorted((f.evidence_code, f.sha256) for f in self.files)
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _err(field_name: str, code: str, vi: str, en: str) -> FieldError:
    return FieldError(field_name, code, vi, en)


def _validate(sub: Submission, actor: Actor, now: datetime
              ) -> tuple[Procedure, ProcedureSpec, dict[str, Any], Agency, dict[str, Any], filing.Mandate]:
    errors: list[FieldError] = []
    # The definition (large JSON) is loaded only when this process has not parsed that version yet.
    procedure = (Procedure.objects.select_related("current_version").defer("current_version__definition")
                 .filter(code=sub.procedure_code).first() if sub.procedure_code else None)
    if procedure is None:
        errors.append(_err("procedure_code", "unknown_procedure", "Không tìm thấy thủ tục hành chính này.",
                           "No such administrative procedure."))
    if sub.channel not in CHANNELS:
        errors.append(_err("channel", "invalid_choice", "Kênh nộp phải là online, counter hoặc post.",
                           "Channel must be online, counter or post."))
    if sub.applicant_kind == filing.ORGANISATION:
        if not ENTERPRISE_CODE_RE.match(sub.applicant_id_number or ""):
            errors.append(_err("applicant.id_number", "invalid_enterprise_code",
                               "Mã số doanh nghiệp gồm 10 chữ số, chi nhánh thêm 3 chữ số (0101234567-001).",
                               "An enterprise code has 10 digits, a branch 3 more (0101234567-001)."))
    elif sub.applicant_kind != filing.PERSON:
        errors.append(_err("applicant.kind", "invalid_choice", "Người có yêu cầu là cá nhân hoặc tổ chức.",
                           "The applicant is a person or an organisation."))
    else:
        try:
            id_number.decode(sub.applicant_id_number or "")
        except id_number.InvalidIdNumber as exc:
            errors.append(_err("applicant.id_number", exc.code, exc.vi, exc.en))
    name = normalize(sub.applicant_name or "")
    if not name:
        errors.append(_err("applicant.name", "required", "Vui lòng nhập họ và tên.", "Full name is required."))
    elif len(name) > 255:
        errors.append(_err("applicant.name", "too_long", "Tối đa 255 ký tự.", "At most 255 characters."))
    elif problem := text_problem(name, printable_characters()):  # printed on the receipt and the result
        errors.append(_err("applicant.name", *problem))
    if sub.applicant_phone and not PHONE_RE.match(sub.applicant_phone.replace(" ", "")):
        errors.append(_err("applicant.phone", "invalid_phone", "Số điện thoại không hợp lệ.",
                           "Not a valid Vietnamese phone number."))
    if sub.applicant_email and not (EMAIL_RE.match(sub.applicant_email)
                                    and text_problem(sub.applicant_email) is None):
        errors.append(_err("applicant.email", "invalid_email", "Địa chỉ thư điện tử không hợp lệ.",
                           "Not a valid e-mail address."))
    if procedure is None or procedure.current_version is None:  # a published procedure has a version
        raise SubmissionError(errors)
    spec = spec_of(procedure.current_version)
    if eid_level_missing(actor, spec.eid_level):
        raise SubmissionError([_err(
            "eid_level", "eid_level_too_low",
            f"Thủ tục này yêu cầu tài khoản định danh điện tử mức {spec.eid_level}; tài khoản của bạn ở mức "
            f"{actor.eid_level or 0}. {EID_LEVEL_2_HOW[0]}",
            f"This procedure needs an e-ID account of level {spec.eid_level}; yours is level "
            f"{actor.eid_level or 0}. {EID_LEVEL_2_HOW[1]}")], 403)
    if sub.applicant_kind in filing.APPLICANT_KINDS and sub.applicant_kind not in spec.applicants:
        raise SubmissionError([_err(
            "applicant.kind", "applicant_kind_not_accepted",
            "Thủ tục này không dành cho tổ chức." if sub.applicant_kind == filing.ORGANISATION
            else "Thủ tục này chỉ dành cho tổ chức (doanh nghiệp, hộ kinh doanh).",
            "Organisations do not file this procedure." if sub.applicant_kind == filing.ORGANISATION
            else "Only organisations (enterprises, household businesses) file this procedure.")])
    mandate = mandate_of(sub, actor, spec, now)  # before the form, so an outsider learns nothing more
    clean_form, form_errors = validate_form(spec.fields, sub.form, known_communes=divisions.communes(),
                                            printable=printable_characters())
    errors += form_errors
    # Documents the state holds are never asked for; one the citizen's wallet turned out not to hold
    # (pre-fill looked and found nothing) is asked like any other.
    missing_from_wallet = {e.code for e in spec.evidence if e.asked_when_missing
                           and (origin := sub.provenance.evidence_origin(e.code)) is not None
                           and origin.found is False}
    asked = {e.code for e in spec.evidence if e.source is None} | missing_from_wallet
    errors += _file_errors(sub.files, asked | {FEE_CLAIM_PROOF})
    ticked, attached = set(sub.evidence or []), {f.evidence_code for f in sub.files}
    for code in sorted((ticked | attached) - asked - {FEE_CLAIM_PROOF}):
        errors.append(_err(f"evidence.{code}", "not_asked",
                           "Giấy tờ này không cần nộp (cơ quan nhà nước đã có hoặc thủ tục không yêu cầu).",
                           "This document is not needed (the state already holds it, or the procedure does not ask for it)."))
    for e in spec.evidence:
        if e.code not in asked:
            continue
        if sub.channel == "online":  # a document is given online by attaching its file, never by a tick
            if not e.filled_online and e.code not in attached and (e.required or e.code in ticked):
                errors.append(_err(f"evidence.{e.code}", "file_required",
                                   f"Vui lòng đính kèm tệp: {e.label_vi}.", f"Please attach the file: {e.label_en}."))
        elif e.required and e.code not in ticked | attached:  # the reception officer ticks the paper seen
            errors.append(_err(f"evidence.{e.code}", "required", f"Thiếu giấy tờ: {e.label_vi}.",
                               f"Missing document: {e.label_en}."))
    agency = None
    try:
        agency = competent_agency(spec, sub.commune_code, sub.province_code)
    except RoutingError as exc:
        errors += exc.errors
    recorded: dict[str, Any] = {}
    if agency is not None:  # what the rules of the competent agency's province make of the applicant's claims
        for rule in SUBMISSION_DATA:
            data, problems = rule(sub, spec, agency, now)
            recorded.update(data)
            errors += problems
    if errors or agency is None:
        raise SubmissionError(errors)
    return procedure, spec, clean_form, agency, recorded, mandate


def _check_filer(sub: Submission, actor: Actor) -> None:
    """Who files through which channel, for the API, the portal and the back office alike: online only citizens,
    under their own e-ID login (so the procedure's e-ID level holds and the index counts a real online filing),
    for themselves or under a mandate (``mandate_of``); at the counter or by post only a reception officer,
    whose agency receives and holds the dossier."""
    if sub.channel == "online" and actor.kind != "citizen":
        raise SubmissionError([_err(
            "channel", "online_by_applicant_only",
            "Chỉ người nộp hồ sơ tự nộp trực tuyến bằng tài khoản định danh điện tử của mình; cán bộ tiếp nhận "
            "ghi hồ sơ nộp trực tiếp hoặc qua bưu chính.",
            "Only applicants file online, under their own e-ID login; a reception officer records counter or "
            "postal submissions.")], 403)
    if sub.channel in ("counter", "post") and not (actor.kind == "official" and actor.role == Role.RECEIVER):
        raise SubmissionError([_err("channel", "counter_only",
                                    "Chỉ cán bộ tiếp nhận mới nhập hồ sơ nộp trực tiếp/bưu chính.",
                                    "Only a reception officer records counter or postal submissions.")], 403)


def mandate_of(sub: Submission, actor: Actor, spec: ProcedureSpec, now: datetime) -> filing.Mandate:
    """As what the actor files this submission: assisted at the counter, the applicant themselves, or under the
    mandate a filing authority finds; refused with the most telling reason otherwise."""
    if sub.channel != "online":
        return filing.Mandate(filing.ASSISTED, f"official:{actor.id}")
    # An organisation files through its representative or staff: the organisations capability says which, and
    # checks the representative against the enterprise registry at each filing.
    if (sub.applicant_kind == filing.PERSON and sub.applicant_id_number == actor.id
            and sub.filed_as in ("", filing.SELF)):
        return filing.Mandate(filing.SELF)
    answer = find_mandate(FilingRequest(actor, sub.applicant_kind, sub.applicant_id_number, sub.filed_as, spec, now))
    if isinstance(answer, filing.Mandate):
        return answer
    raise SubmissionError([answer or _err(
        "applicant.id_number", "not_self",
        "Bạn chỉ được nộp hồ sơ cho chính mình, hoặc cho người mà sổ hộ tịch hay văn bản ủy quyền cho phép bạn "
        "nộp thay.",
        "You may only submit dossiers in your own name, or for someone the civil-status register or a written "
        "authorisation lets you file for.")], 403 if answer and answer.code == "own_filing_only" else 422)


def find_mandate(request: FilingRequest) -> filing.Mandate | FieldError | None:
    """What lets the actor file (and so read the registry data needed to file) for someone else: the first
    mandate a filing authority finds, else the first refusal, else None."""
    if request.spec.own_filing_only:
        return _err("applicant.id_number", "own_filing_only",
                    "Thủ tục này phải do chính người có yêu cầu nộp; không ai được nộp thay.",
                    "The person concerned must file this procedure themselves; no one may file it for them.")
    refusals: list[FieldError] = []
    for authority in FILING_AUTHORITIES:
        answer = authority.mandate(request)
        if isinstance(answer, filing.Mandate):
            return answer
        if answer is not None:
            refusals.append(answer)
    return refusals[0] if refusals else None


def _given(sub: Submission, spec: ProcedureSpec) -> list[str]:
    """The documents a dossier holds: ticked (paper seen at the counter), attached, and online the
    declaration that is the form just filled in."""
    online_forms = {e.code for e in spec.evidence if e.filled_online} if sub.channel == "online" else set()
    attached = {f.evidence_code for f in sub.files} - {FEE_CLAIM_PROOF}  # a fee's proof is not the procedure's
    return sorted({*sub.evidence, *attached, *online_forms})


def _file_errors(files: list[IncomingFile], asked: set[str]) -> list[FieldError]:
    return [problem for f in files if f.evidence_code in asked  # else reported once, as evidence not asked for
            if (problem := file_problem(f, f"evidence.{f.evidence_code}")) is not None]


def file_problem(f: IncomingFile, where: str) -> FieldError | None:
    """Why an uploaded file is refused (empty, too large, not a PDF/JPEG/PNG by its bytes, malware), as an
    error of the field ``where``; None when it may be stored. Every upload of the platform is checked here."""
    if not f.data:
        return _err(where, "empty_file", f"Tệp {f.name} rỗng.", f"The file {f.name} is empty.")
    if len(f.data) > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        return _err(where, "file_too_large", f"Tệp {f.name} vượt quá {limit} MB.",
                    f"The file {f.name} is larger than {limit} MB.")
    if f.content_type is None:
        return _err(where, "file_type", f"Tệp {f.name} phải là PDF, JPEG hoặc PNG.",
                    f"The file {f.name} must be a PDF, JPEG or PNG.")
    if (threat := scanner().scan(f.data)) is not None:
        security_event("upload_malware", "refused", evidence=f.evidence_code, threat=threat)
        return _err(where, "malware_found", f"Tệp {f.name} chứa mã độc ({threat}) nên không được nhận.",
                    f"The file {f.name} contains malware ({threat}) and is refused.")
    return None


def next_number(series: str, day: date) -> int:
    """The next number of a gap-free series (dossier codes per agency and day, document numbers per
    agency and year). Called inside the caller's transaction, so a rollback leaves no gap and
    concurrent callers queue on the sequence row."""
    table = DailySequence._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE agency_code = %s AND day = %s RETURNING last"
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [series, day])
            row = cursor.fetchone()
        if row:
            return row[0]
        try:
            with transaction.atomic():
                DailySequence.objects.create(agency_code=series, day=day, last=1)
            return 1
        except IntegrityError:
            continue  # another caller created the row first; increment it
    raise RuntimeError(f"sequence {series} {day} could not be advanced")


def next_code(agency_code: str, day: date) -> str:
    """``<agency code>-YYMMDD-<daily sequence>``."""
    return f"{agency_code}-{day:%y%m%d}-{next_number(agency_code, day):04d}"


class DailyCapReached(MotcuaError):
    status = 429

    def __init__(self, cap: int) -> None:
        super().__init__("daily_limit", f"Mỗi người nộp trực tuyến tối đa {cap} hồ sơ mỗi ngày; hãy nộp tiếp vào "
                         "ngày mai hoặc tại bộ phận một cửa.",
                         f"One person may file at most {cap} dossiers online a day; file again tomorrow or at "
                         "the one-stop counter.")


def check_daily_cap(filer_id_number: str, now: datetime) -> None:
    """The online filings of one person a day, for themselves and for others."""
    cap = settings.DAILY_SUBMISSIONS_PER_APPLICANT
    midnight = timezone.make_aware(datetime.combine(local_date(now), time.min))
    if Dossier.objects.filter(filer_id_number=filer_id_number, channel="online",
                              submitted_at__gte=midnight).count() >= cap:
        raise DailyCapReached(cap)


def submit(sub: Submission, actor: Actor, now: datetime | None = None) -> tuple[Dossier, bool]:
    """Create a dossier (status 1). Returns (dossier, created); a repeated idempotency key returns
    the first dossier unchanged, and a reused key with different content is refused."""
    _check_filer(sub, actor)  # before anything is looked up, a replayed submission included
    if sub.idempotency_key:
        existing = Dossier.objects.filter(applicant_id_number=sub.applicant_id_number,
                                          idempotency_key=sub.idempotency_key).first()
        if existing:
            return _replay(existing, sub, actor)
    now = now or timezone.now()
    if actor.kind == "citizen" and not sub.in_group:  # a group counts once, when it is filed
        check_daily_cap(actor.id, now)
    procedure, spec, clean_form, agency, recorded, mandate = _validate(sub, actor, now)
    holder = agency
    if sub.channel != "online":  # received at the counter of the official's own agency
        holder = Agency.objects.get(code=actor.agency_code)
    for_someone = mandate.filed_as not in (filing.SELF, filing.ASSISTED)
    action = Action("submit", now, actor, data={
        "applicant_id": sub.applicant_id_number, "agency_code": holder.code, "competent_agency": agency.code,
        "channel": sub.channel,
        **({"applicant_kind": sub.applicant_kind} if sub.applicant_kind != filing.PERSON else {}),
        **({"filer_id": actor.id, "filed_as": mandate.filed_as, "mandate": mandate.reference} if for_someone else {}),
        **({"group": sub.in_group, "statutory_days": sub.statutory_days} if sub.in_group else {}), **recorded,
    })
    state = start(action, spec.workflow)
    name = normalize(sub.applicant_name)
    try:
        with transaction.atomic():
            dossier = Dossier(
                code=next_code(agency.code, local_date(now)), procedure_version=procedure.current_version,
                channel=sub.channel, applicant_kind=sub.applicant_kind, applicant_id_number=sub.applicant_id_number,
                filer_id_number=actor.id, filer_name=actor.name, filed_as=mandate.filed_as,
                mandate=mandate.reference,
                applicant_name=name, applicant_name_folded=fold_text(name), applicant_phone=sub.applicant_phone,
                applicant_email=sub.applicant_email, commune_code=sub.commune_code,
                province_code=sub.province_code or (divisions.communes()[sub.commune_code].province_code
                                                    if sub.commune_code else ""),
                form_data=clean_form, evidence=_given(sub, spec), competent_agency=agency,
                provenance=sub.provenance.as_dict(),
                submitted_at=now, idempotency_key=sub.idempotency_key or None, request_digest=sub.digest(),
                status=state.status, agency=holder,
            )
            project(dossier, state)
            dossier.save(force_insert=True)
            _record(dossier, action)
            _after(Recorded(dossier, action, state, tuple(sub.files)))
    except IntegrityError:
        if sub.idempotency_key:  # a concurrent request with the same key won the race
            existing = Dossier.objects.filter(applicant_id_number=sub.applicant_id_number,
                                              idempotency_key=sub.idempotency_key).first()
            if existing:
                return _replay(existing, sub, actor)
        raise
    return dossier, True


def _replay(existing: Dossier, sub: Submission, actor: Actor) -> tuple[Dossier, bool]:
    if existing.request_digest != sub.digest() or (actor.kind == "citizen" and existing.filer_id_number != actor.id):
        raise SubmissionError([_err("idempotency_key", "key_reused",
                                    "Khóa chống trùng đã dùng cho một hồ sơ khác nội dung.",
                                    "This idempotency key was already used for a different submission.")], 409)
    return existing, False


def json_safe(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in data.items()}


def journal_entry(dossier: Dossier, action: Action) -> DossierAction:
    """The journal row of an action, not yet written (bulk loads insert many at once; the chain numbers them
    all the same)."""
    a = action.actor
    return DossierAction(
        dossier=dossier, kind=action.kind, at=action.at, actor_kind=a.kind, actor_id=a.id,
        actor_name=a.name, actor_agency=a.agency_code or "", actor_role=a.role.value if a.role else "",
        actor_organisation=a.organisation, reason=action.reason, data=json_safe(dict(action.data)),
    )


def _record(dossier: Dossier, action: Action) -> DossierAction:
    """Append the action to the dossier's journal: the chain numbers it (its number is the state's version)
    and links it to the entry before."""
    entry = journal_entry(dossier, action)
    entry.save(force_insert=True)
    return entry


def project(dossier: Dossier, state: DossierState) -> None:
    """Write the folded state into the dossier's derived columns (the caller saves it)."""
    dossier.status = int(state.status)
    if dossier.agency.code != state.agency_code:
        dossier.agency = Agency.objects.get(code=state.agency_code)
    dossier.step = state.step
    dossier.due_date = state.due_date
    dossier.appointment_date = state.appointment_date
    dossier.received_at = state.received_at
    dossier.finished_at = state.finished_at
    dossier.paused = state.paused_since is not None or state.resume_status is not None
    dossier.version = state.version
    dossier.folded_state = state  # what state_of() would rebuild from the journal just written


def journal(dossier: Dossier) -> list[Action]:
    return [
        Action(a.kind, a.at, Actor(a.actor_kind, a.actor_id, a.actor_name, a.actor_agency or None,
                                   Role(a.actor_role) if a.actor_role else None,
                                   organisation=a.actor_organisation), a.reason, a.data)
        for a in dossier.actions.all()  # model ordering is by seq; works with prefetch_related
    ]


def state_of(dossier: Dossier) -> DossierState:
    known = dossier.folded_state
    if known is not None and known.version == dossier.version:
        return known
    return fold(journal(dossier), spec_of(dossier.procedure_version).workflow, default_calendar())


def get_dossier(code: str, for_update: bool = False) -> Dossier:
    qs = Dossier.objects.select_related("procedure_version__procedure", "agency", "competent_agency")
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(code=code)
    except Dossier.DoesNotExist:
        raise NotFound(code) from None


REVIEWED_FIELD = "reviewed"


class NotReviewed(Invalid):
    def __init__(self) -> None:
        super().__init__("not_reviewed", "Hãy xem văn bản sẽ ký rồi đánh dấu «Tôi đã xem và xác nhận ký».",
                         "Review what you are signing, then tick “I have reviewed and confirm the signature”.",
                         REVIEWED_FIELD)


def confirm_step_up(actor: Actor, code: str, kind: str, proof: str, reviewed: bool) -> None:
    """Where the action's rule asks for it (the decision signed in the official's name), the official says
    explicitly that they reviewed what they sign (the result's preview, when approving) and proves with a fresh
    second factor that it is them, before anything is done; pages and the API call this with what the official
    ticked and typed. An outsider is told only that the dossier is not theirs, as by ``act``."""
    if RULES[kind].needs_confirmation and actor.kind == "official":
        readable_dossier(actor, code, "")
        if not reviewed:  # before the second factor: an unticked box costs no attempt
            raise NotReviewed()
        second_factor.confirm_fresh(actor.id, proof, kind)


def act(code: str, kind: str, actor: Actor, reason: str = "", data: dict | None = None,
        now: datetime | None = None, files: Iterable[IncomingFile] = ()) -> tuple[Dossier, DossierState]:
    """Append one action to the journal if the rules allow it; the whole step is one transaction. ``files``:
    the evidence files a supplement brings (``supplement``: with corrected form fields in ``data["form"]``)."""
    data = dict(data or {})
    files = tuple(files)
    reason = normalize(reason or "", multiline=True)
    if problem := text_problem(reason, printable_characters(), multiline=True):  # on the tracking sheet
        raise LifecycleError(*problem, "reason")
    with transaction.atomic():
        dossier = get_dossier(code, for_update=True)
        spec = spec_of(dossier.procedure_version)
        workflow = spec.workflow
        actions = journal(dossier)
        state = fold(actions, workflow, default_calendar())
        if actor.kind != "system" and not can_read(actor, dossier, state):
            raise NotYours()  # before any rule, so no answer tells an outsider the dossier's status
        if actor.kind == "citizen" and not state.acts_for_applicant(actor):
            actor = next((acting for authority in FILING_AUTHORITIES
                          if (acting := authority.acting_as(actor, dossier)) is not None), actor)
        if kind == "transfer" and data.get("to_agency") and not Agency.objects.filter(code=data["to_agency"]).exists():
            raise LifecycleError("unknown_agency", "Không tìm thấy cơ quan nhận.", "Unknown receiving agency.",
                                 "to_agency")
        if kind in ACTION_DATA:
            data = ACTION_DATA[kind](dossier, state, actor, data)
        action = Action(kind, now or timezone.now(), actor, reason, data)
        new_state = apply(state, action, workflow, default_calendar())  # the rules first: who, and when
        if kind == "supplement":  # then what the answer holds, all checked before anything is written
            answer = _supplement_answer(dossier, spec, actions, data, files, reason)
            action = dataclasses.replace(action, data=answer.data)
        elif files:
            raise LifecycleError("files_not_expected", "Thao tác này không kèm tệp.", "This action takes no files.",
                                 "files", status=422)
        _record(dossier, action)
        if kind == "supplement":
            _correct(dossier, spec, answer.changed)
        project(dossier, new_state)
        dossier.save()
        _after(Recorded(dossier, action, new_state, files))
    return dossier, new_state


# --- supplements: what the official asks for, and the citizen's answer ------------------------------------

@action_data("request_supplement")
def _what_is_missing(dossier: Dossier, state: DossierState, actor: Actor, data: dict) -> dict:
    """The official names what is missing: documents of the procedure (``missing_evidence``) and form fields to
    correct (``fields_to_correct``), besides the reason in words; each must belong to the procedure."""
    spec = spec_of(dossier.procedure_version)
    evidence = {e.code for e in spec.evidence}
    fields = {f.name for f in spec.fields}
    errors: list[FieldError] = []
    missing = _codes(data.get("missing_evidence"), "missing_evidence", errors)
    to_correct = _codes(data.get("fields_to_correct"), "fields_to_correct", errors)
    errors += [_err(f"missing_evidence.{c}", "unknown_evidence", "Thủ tục không có giấy tờ này.",
                    "The procedure has no such document.") for c in missing if c not in evidence]
    errors += [_err(f"fields_to_correct.{n}", "unknown_field", "Biểu mẫu không có trường này.",
                    "The form has no such field.") for n in to_correct if n not in fields]
    if errors:
        raise SubmissionError(errors)
    kept = {k: v for k, v in data.items() if k not in ("missing_evidence", "fields_to_correct")}
    return {**kept, **({"missing_evidence": missing} if missing else {}),
            **({"fields_to_correct": to_correct} if to_correct else {})}


def _codes(value: Any, name: str, errors: list[FieldError]) -> list[str]:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        errors.append(_err(name, "invalid", "Phải là danh sách mã.", "Must be a list of codes."))
        return []
    return sorted(set(value))


@dataclass(frozen=True)
class SupplementRequest:
    """The open request: what the official asked for, and when."""

    reason: str
    missing_evidence: tuple[str, ...]
    fields_to_correct: tuple[str, ...]
    at: datetime | None
    by: str


def supplement_request(actions: list[Action]) -> SupplementRequest | None:
    """The last supplement request in a journal."""
    asked = next((a for a in reversed(actions) if a.kind == "request_supplement"), None)
    if asked is None:
        return None
    return SupplementRequest(asked.reason, tuple(asked.data.get("missing_evidence") or ()),
                             tuple(asked.data.get("fields_to_correct") or ()), asked.at,
                             asked.actor.name or asked.actor.id)


@dataclass(frozen=True)
class _Answer:
    data: dict
    changed: dict[str, Any]


def _supplement_answer(dossier: Dossier, spec: ProcedureSpec, actions: list[Action], data: dict,
                       files: tuple[IncomingFile, ...], note: str) -> _Answer:
    """Check the citizen's answer against the request: a file for each document asked for, corrections only of
    the fields asked about (any field when the request named none), each valid; something must be given.
    Every problem is reported by its field at once; nothing is written while there is one."""
    request = supplement_request(actions)
    asked_files = set(request.missing_evidence) if request else set()
    asked_fields = set(request.fields_to_correct) if request else set()
    errors: list[FieldError] = []
    unknown = set(data) - {"form"}
    errors += [_err(k, "unknown_field", "Trường không được phép.", "This field is not allowed.") for k in sorted(unknown)]
    given = data.get("form") or {}
    if not isinstance(given, dict):
        raise SubmissionError([_err("form", "invalid", "Dữ liệu biểu mẫu phải là một đối tượng.",
                                    "Form data must be an object.")])
    declared = {f.name: f for f in spec.fields}
    changes = {k: v for k, v in given.items() if k not in declared or dossier.form_data.get(k) != v}
    merged = {**dossier.form_data, **changes}
    clean, form_errors = validate_form(spec.fields, merged, known_communes=divisions.communes(),
                                       printable=printable_characters())
    errors += [e for e in form_errors if e.field and e.field.removeprefix("form.") in changes]
    changed: dict[str, Any] = {k: clean[k] for k in changes if k in clean and clean[k] != dossier.form_data.get(k)}
    for name in changes:  # an optional field emptied
        if (name in declared and name not in clean and name in dossier.form_data
                and not any(e.field == f"form.{name}" for e in form_errors)):
            changed[name] = None
    for name in sorted(changed):
        if asked_fields and name not in asked_fields:
            errors.append(_err(f"form.{name}", "not_asked", "Cơ quan không yêu cầu sửa thông tin này.",
                               "The agency did not ask for this to be corrected."))
    givable = {e.code for e in spec.evidence if e.source is None} | asked_files
    errors += _file_errors(list(files), givable)
    for f in files:
        if f.evidence_code not in givable:
            errors.append(_err(f"evidence.{f.evidence_code}", "not_asked",
                               "Giấy tờ này không cần nộp (cơ quan nhà nước đã có hoặc thủ tục không yêu cầu).",
                               "This document is not needed (the state already holds it, or the procedure does not "
                               "ask for it)."))
    attached = {f.evidence_code for f in files}
    labels = {e.code: e for e in spec.evidence}
    for code in sorted(asked_files - attached):
        e = labels.get(code)
        errors.append(_err(f"evidence.{code}", "file_required",
                           f"Vui lòng đính kèm tệp: {e.label_vi if e else code}.",
                           f"Please attach the file: {e.label_en if e else code}."))
    if not errors and not files and not changed and not note:
        errors.append(_err("files", "empty_supplement",
                           "Hãy đính kèm giấy tờ còn thiếu, sửa thông tin được yêu cầu hoặc ghi rõ nội dung bổ sung.",
                           "Attach the missing documents, correct what was asked, or say what you are supplying."))
    if errors:
        raise SubmissionError(errors)
    return _Answer({
        "files": [{"evidence": f.evidence_code, "name": f.name[:255], "sha256": f.sha256} for f in files],
        "changed": {k: {"from": dossier.form_data.get(k), "to": v} for k, v in sorted(changed.items())},
    }, changed)


def _correct(dossier: Dossier, spec: ProcedureSpec, changed: dict[str, Any]) -> None:
    """The corrected values replace the submitted ones (the journal keeps both); a value the registries supplied
    and the citizen changed is declared by the citizen from now on, with what the registry said kept beside it."""
    if not changed:
        return
    form = dict(dossier.form_data)
    origins = dict(dossier.origins.origins)
    for name, value in changed.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
        before = origins.get(name)
        if before is not None and before.from_registry:
            origins[name] = dataclasses.replace(before, source="citizen",
                                                registry_value=str(dossier.form_data.get(name, "")))
    dossier.form_data = form
    dossier.provenance = Provenance(origins).as_dict()
    dossier.__dict__.pop("origins", None)  # the cached parse of the old provenance


# What an official read, as the person whose dossier it is will see it on "who read my data".
READING_DOSSIER = "Xem hồ sơ khi giải quyết"
READING_FILE = "Mở giấy tờ đính kèm của hồ sơ"
READING_RESULT = "Mở văn bản đã cấp cho hồ sơ"
READING_SLIP = "In phiếu tiếp nhận, phiếu kiểm soát của hồ sơ"
READING_PREVIEW = "Xem trước văn bản kết quả trước khi ký"
ReadHook = Callable[[Actor, Dossier, str], None]
READ_HOOKS: list[ReadHook] = []


def on_read(hook: ReadHook) -> ReadHook:
    """``hook(reader, dossier, reading)`` runs whenever an official reads a dossier or one of its files (the
    registries capability logs it for the applicant)."""
    READ_HOOKS.append(hook)
    return hook


def record_read(actor: Actor, dossier: Dossier, reading: str) -> None:
    if reading and actor.kind == "official":
        for hook in READ_HOOKS:
            hook(actor, dossier, reading)


class NotYours(Forbidden):
    def __init__(self) -> None:
        super().__init__("not_yours", "Bạn không có quyền xem hồ sơ này.", "You may not read this dossier.")


def readable_dossier(actor: Actor | None, code: str, reading: str) -> tuple[Dossier, DossierState]:
    """The one access check for a dossier's pages, API and files: not found, or not this actor's to read.
    ``reading`` says what an official reads (one of the READING_… texts), recorded for the applicant; empty where
    nothing of the dossier is shown (an act, which the journal records)."""
    dossier = get_dossier(code)
    state = state_of(dossier)
    if actor is None or not can_read(actor, dossier, state):
        raise NotYours()
    record_read(actor, dossier, reading)
    return dossier, state


def can_read(actor: Actor, dossier: Dossier, state: DossierState | None = None) -> bool:
    """One read rule: the applicant and who filed for them, whom a filing authority lets read it (an
    organisation's legal representative and staff, checked at each read), or an official of an agency that holds
    or held the dossier."""
    if actor.kind == "citizen":
        if dossier.applicant_id_number == actor.id:
            return True
        # An organisation's dossier is read through the organisation (may_read below: its representative while
        # the registry names them, staff while delegated), not by having filed it.
        if actor.id == dossier.filer_id_number and dossier.applicant_kind == filing.PERSON:
            return True
        return any(authority.may_read(actor, dossier) for authority in FILING_AUTHORITIES)
    if actor.kind == "official":
        if actor.agency_code in (dossier.agency.code, dossier.competent_agency.code):
            return True
        state = state or state_of(dossier)
        return any(actor.agency_code in (h.from_agency, h.to_agency) for h in state.handoffs)
    return False


# Whether the applicant has rated a dossier is kept by the capability that keeps ratings, which names the rated
# dossiers here (a condition on Dossier rows) for the needed-action rule; with none named, none is rated.
RatedCondition = Callable[[], Q]
RATED_CONDITIONS: list[RatedCondition] = []


def rated_dossiers(condition: RatedCondition) -> RatedCondition:
    RATED_CONDITIONS.append(condition)
    return condition


def _rated() -> Q | None:
    conditions = [condition() for condition in RATED_CONDITIONS]
    return reduce(operator.or_, conditions) if conditions else None


def needing_action() -> Q:
    """The dossiers whose applicant is asked to do something (``lifecycle.needed_action``, as a query)."""
    rated = _rated()
    asked = [Q(status=status) & ~rated if needed is NeededAction.RATING and rated is not None else Q(status=status)
             for status, needed in ASKED_AT.items()]
    return reduce(operator.or_, asked)


RATED = "rated"  # the attribute a list's rows get from ``with_needed_action``'s query


def with_needed_action(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """A list whose rows know whether they were rated, so each row's needed action costs no query."""
    rated = _rated()
    return dossiers.annotate(**{RATED: ExpressionWrapper(rated if rated is not None else Value(False),
                                                         output_field=BooleanField())})


def needed_action_of(dossier: Dossier, state: DossierState | None = None) -> NeededAction | None:
    """What the applicant is asked to do now; whether they rated it is read only when it matters and the row
    (``with_needed_action``) does not say."""
    status = state.status if state is not None else Status(dossier.status)
    if ASKED_AT.get(status) is not NeededAction.RATING:
        return needed_action(status, rated=False)
    rated = getattr(dossier, RATED, None)
    if rated is None:
        condition = _rated()
        rated = condition is not None and Dossier.objects.filter(condition, pk=dossier.pk).exists()
    return needed_action(status, rated)


# How a citizen's list is narrowed ("in progress" includes those waiting for the citizen; a returned result not
# yet rated is both finished and waiting).
FOLLOWING = ("in_progress", "needs_action", "finished")


def _following(which: str) -> Q:
    return {"in_progress": ~Q(status__in=sorted(FINAL_STATUSES)), "finished": Q(status__in=sorted(FINAL_STATUSES)),
            "needs_action": needing_action()}[which]


def dossiers_of(actor: Actor, following: str = "") -> QuerySet[Dossier]:
    """A citizen's dossier list: those about them, those they filed for others, and those a filing authority
    shows them (the organisation their login acts for); newest first, each row knowing its needed action.
    ``following`` (one of FOLLOWING) narrows it; anything else lists all."""
    mine = Q(applicant_id_number=actor.id) | Q(filer_id_number=actor.id, applicant_kind=filing.PERSON)
    for authority in FILING_AUTHORITIES:
        if (more := authority.dossiers(actor)) is not None:
            mine |= more
    found = Dossier.objects.select_related("procedure_version__procedure", "agency").filter(mine)
    if following in FOLLOWING:
        found = found.filter(_following(following))
    return with_needed_action(found).order_by("-submitted_at")


def following_counts(actor: Actor) -> dict[str, int]:
    """How many of the citizen's dossiers each narrowing lists, and all of them: one query."""
    return dossiers_of(actor).order_by().aggregate(
        all=Count("pk"), **{which: Count("pk", filter=_following(which)) for which in FOLLOWING})


@dataclass(frozen=True)
class QueueSearch:
    """What an official looks for in the agency's queue; each part left empty narrows nothing.

    ``text``: digits only, an ID number (the applicant's or the filer's, exactly); else, with a digit, a dossier
    code or its beginning (any case); else words of the applicant's name (accents and case ignored, any order).
    ``flag``: "overdue", or "nearing": due within ``days`` working days. ``due_from``/``due_to``: the statutory
    due date in that range. ``procedure``: its code."""

    text: str = ""
    flag: str = ""
    days: int = 1
    due_from: date | None = None
    due_to: date | None = None
    procedure: str = ""


def _found_by(text: str) -> Q:
    """One kind of match for each kind of text, so a code or an ID number is found through its index (names hold
    no digits, codes hold some, ID numbers nothing else)."""
    if text.isdigit():
        return Q(applicant_id_number=text) | Q(filer_id_number=text)
    if any(c.isdigit() for c in text):
        return Q(code__startswith=text.upper())
    return reduce(operator.and_, (Q(applicant_name_folded__contains=word) for word in fold_text(text).split()))


@dataclass(frozen=True)
class AgencyQueue:
    """An agency's dossiers of the chosen statuses (default: every unfinished one), earliest due first
    (new dossiers, which have no due date until received, before all others)."""

    dossiers: QuerySet[Dossier]
    today: date

    def _running(self) -> QuerySet[Dossier]:
        return self.dossiers.filter(paused=False, finished_at__isnull=True)

    @property
    def overdue(self) -> QuerySet[Dossier]:
        return self._running().filter(due_date__lt=self.today)

    @property
    def nearing(self) -> QuerySet[Dossier]:
        """Due today or on the next working day."""
        return self.due_within(1)

    def due_within(self, days: int) -> QuerySet[Dossier]:
        """Running, and due from today to ``days`` working days from today."""
        horizon = default_calendar().add_working_days(self.today, days)
        return self._running().filter(due_date__gte=self.today, due_date__lte=horizon)

    def flagged(self, flag: str | None, days: int = 1) -> QuerySet[Dossier]:
        if flag == "overdue":
            return self.overdue
        return self.due_within(days) if flag == "nearing" else self.dossiers

    def matching(self, search: QueueSearch) -> QuerySet[Dossier]:
        found = self.flagged(search.flag, search.days)
        if search.due_from:
            found = found.filter(due_date__gte=search.due_from)
        if search.due_to:
            found = found.filter(due_date__lte=search.due_to)
        if search.procedure:
            found = found.filter(procedure_version__procedure__code=search.procedure)
        if search.text.strip():
            found = found.filter(_found_by(search.text.strip()))
        return found

    def procedures(self) -> list[tuple[str, str, str]]:
        """(code, name in Vietnamese, in English) of the procedures the queue holds, to narrow it by: the versions
        held first (no join per dossier), then their procedures."""
        held = self.dossiers.order_by().values("procedure_version").distinct()
        return list(Procedure.objects.filter(versions__in=held).order_by("name_vi").values_list(
            "code", "name_vi", "name_en").distinct())


def agency_queue(agency_code: str, statuses: Iterable[int] | None = None, today: date | None = None) -> AgencyQueue:
    """The one way officials list dossiers: only those their agency holds."""
    found = (Dossier.objects.select_related("procedure_version__procedure", "agency", "competent_agency")
             .filter(agency__code=agency_code))
    statuses = list(statuses or [])
    found = found.filter(status__in=statuses) if statuses else found.filter(finished_at__isnull=True)
    ordered = found.order_by(F("due_date").asc(nulls_first=True), "submitted_at", "pk")
    return AgencyQueue(with_needed_action(ordered), today or timezone.localdate())
