"""Petitions (phản ánh, kiến nghị — PAKN): sending, routing, answering by a due date, rating the answer, the
public list, and the counts the service index reads.

A petition goes to the agency that answers it: the dossier's competent agency (about a dossier), the agency
that handles the procedure in the sender's province or commune (about a procedure), or the agency chosen.
The answer is due ``PETITION_ANSWER_WORKING_DAYS`` working days after receipt. A complaint attached to a
dossier's rating becomes a petition of kind "complaint" with the same answer and deadline. Changes publish
``petition.*`` outbox events (the notifications capability tells the sender and the agency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from motcua.calendar import add_working_days
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import RoutingError, competent_agency, spec_of
from motcua.core import outbox
from motcua.core.errors import FieldError, Forbidden, Invalid, MotcuaError, NotFound
from motcua.core.security_log import security_event
from motcua.core.text import normalize, text_problem
from motcua.dossiers.lifecycle import local_date
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import IncomingFile, file_problem, next_number
from motcua.identity.actors import Actor
from motcua.petitions.models import LEVELS, Petition, PetitionAttachment, PetitionOpenDue, PetitionTally

PETITION_RECEIVED = "petition.received"  # key: the petition's code; the agency's officials are told
PETITION_ANSWERED = "petition.answered"  # key: the petition's code; the sender is told
SENT_KINDS = ("feedback", "petition")  # a complaint comes from a dossier's rating only
MAX_FILES = 5
SUBJECT_MAX, CONTENT_MAX, ANSWER_MAX = 255, 5000, 5000


class PetitionError(Invalid):
    """Input problems, each tied to a field, reported all at once."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("invalid_petition", "Phản ánh, kiến nghị chưa hợp lệ, vui lòng sửa các trường được chỉ ra.",
                         "The petition is not valid; please correct the fields shown.", errors=errors)


@dataclass
class Draft:
    """What the sender fills in (portal form or API)."""

    kind: str
    about: str
    subject: str
    content: str
    may_publish: bool = False
    procedure_code: str = ""
    province_code: str = ""
    commune_code: str = ""
    agency_code: str = ""
    dossier_code: str = ""
    organization: str = ""
    email: str = ""
    phone: str = ""
    files: list[IncomingFile] = field(default_factory=list)


def answer_days() -> int:
    return int(settings.PETITION_ANSWER_WORKING_DAYS)


def _text(value: str, name: str, limit: int, errors: list[FieldError], *,
          required: tuple[str, str] | None = None, multiline: bool = False) -> str:
    """The normalized text of a field; ``required`` says, in both languages, what to enter when it is empty."""
    text = normalize(value or "", multiline=multiline)
    if required and not text:
        errors.append(FieldError(name, "required", *required))
    elif len(text) > limit:
        errors.append(FieldError(name, "too_long", f"Tối đa {limit} ký tự.", f"At most {limit:,} characters."))
    elif problem := text_problem(text, None, multiline=multiline):
        errors.append(FieldError(name, *problem))
    return text


def _route(draft: Draft, actor: Actor, errors: list[FieldError]) -> tuple[Agency | None, Procedure | None,
                                                                          Dossier | None]:
    """The agency that answers, and what the petition is about."""
    if draft.about == "dossier":
        dossier = (Dossier.objects.select_related("competent_agency", "procedure_version__procedure")
                   .filter(code=draft.dossier_code.strip()).first())
        if dossier is None or actor.id not in (dossier.applicant_id_number, dossier.filer_id_number):
            errors.append(FieldError("dossier_code", "unknown_dossier", "Không có hồ sơ này của bạn.",
                                     "You have no dossier with this code."))
            return None, None, None
        return dossier.competent_agency, dossier.procedure_version.procedure, dossier
    if draft.about == "procedure":
        procedure = Procedure.objects.select_related("current_version").filter(code=draft.procedure_code.strip()).first()
        if procedure is None or procedure.current_version is None:
            errors.append(FieldError("procedure_code", "unknown_procedure", "Không có thủ tục này.",
                                     "No such procedure."))
            return None, None, None
        try:
            return competent_agency(spec_of(procedure.current_version), draft.commune_code.strip(),
                                    draft.province_code.strip()), procedure, None
        except RoutingError as exc:
            errors.extend(exc.errors)
            return None, procedure, None
    if draft.about == "agency":
        agency = Agency.objects.filter(code=draft.agency_code.strip()).first()
        if agency is None:
            errors.append(FieldError("agency_code", "unknown_agency", "Không có cơ quan này.", "No such agency."))
        return agency, None, None
    errors.append(FieldError("about", "invalid_choice", "Chọn thủ tục, cơ quan hoặc hồ sơ được phản ánh.",
                             "Choose the procedure, agency or dossier the petition is about."))
    return None, None, None


def _validate(draft: Draft, actor: Actor) -> tuple[dict, Agency, Procedure | None, Dossier | None]:
    errors: list[FieldError] = []
    if draft.kind not in SENT_KINDS:
        errors.append(FieldError("kind", "invalid_choice", "Chọn phản ánh hoặc kiến nghị.",
                                 "Choose feedback or petition."))
    values = {
        "subject": _text(draft.subject, "subject", SUBJECT_MAX, errors, required=("Nhập tiêu đề.", "Enter a subject.")),
        "content": _text(draft.content, "content", CONTENT_MAX, errors, multiline=True,
                         required=("Nhập nội dung phản ánh, kiến nghị.", "Enter what you want to say.")),
        "sender_organization": _text(draft.organization, "organization", 255, errors),
        "sender_email": _text(draft.email, "email", 255, errors),
        "sender_phone": _text(draft.phone, "phone", 20, errors),
    }
    if values["sender_email"] and "@" not in values["sender_email"]:
        errors.append(FieldError("email", "invalid_email", "Địa chỉ thư điện tử không hợp lệ.",
                                 "Not a valid e-mail address."))
    if values["sender_phone"] and not (values["sender_phone"].isdigit() and 9 <= len(values["sender_phone"]) <= 11):
        errors.append(FieldError("phone", "invalid_phone", "Số điện thoại gồm 9–11 chữ số.",
                                 "A phone number has 9–11 digits."))
    if len(draft.files) > MAX_FILES:
        errors.append(FieldError("attachments", "too_many_files", f"Đính kèm tối đa {MAX_FILES} tệp.",
                                 f"At most {MAX_FILES} files."))
    else:
        errors += [p for f in draft.files if (p := file_problem(f, "attachments")) is not None]
    agency, procedure, dossier = _route(draft, actor, errors)
    if errors:
        raise PetitionError(errors)
    assert agency is not None
    return values, agency, procedure, dossier


def _new_code(day: date) -> str:
    return f"PAKN-{day:%y%m%d}-{next_number('PAKN', day):04d}"


def _scopes(petition: Petition) -> list[tuple[str, str, str]]:
    """(level, scope, parent) of the index the petition counts in: the country, the agency's province and
    commune, the agency."""
    province, commune = petition.province_code, petition.commune_code
    scopes = [("N", "", ""), ("A", petition.agency.code, province)]
    if province:
        scopes.append(("P", province, ""))
    if commune:
        scopes.append(("C", commune, province))
    return scopes


def _add(model: type[PetitionTally] | type[PetitionOpenDue], petition: Petition, key: dict, **deltas: int) -> None:
    """Add to ``model``'s row of each of the petition's scopes (a row created on first use; a concurrent creator
    wins and is added to)."""
    increments = {name: F(name) + value for name, value in deltas.items()}
    for level, scope, parent in _scopes(petition):
        row = {"level": level, "scope": scope, "month": petition.month, **key}
        if model.objects.filter(**row).update(**increments):
            continue
        try:
            with transaction.atomic():
                model.objects.create(**row, parent=parent, **deltas)
        except IntegrityError:
            model.objects.filter(**row).update(**increments)


def _tally(petition: Petition, **deltas: int) -> None:
    _add(PetitionTally, petition, {}, **deltas)


def _open_due(petition: Petition, delta: int) -> None:
    _add(PetitionOpenDue, petition, {"due_on": petition.due_on}, count=delta)


def _open(kind: str, about: str, agency: Agency, actor_id: str, name: str, values: dict, now: datetime,
          procedure: Procedure | None = None, dossier: Dossier | None = None, may_publish: bool = False) -> Petition:
    today = local_date(now)
    petition = Petition.objects.create(
        code=_new_code(today), kind=kind, about=about, procedure=procedure, dossier=dossier, agency=agency,
        province_code=agency.province_code, commune_code=agency.commune_code, sender_id_number=actor_id,
        sender_name=name, may_publish=may_publish, received_at=now, month=today.replace(day=1),
        due_on=add_working_days(today, answer_days()), **values)
    _tally(petition, received=1)
    _open_due(petition, 1)
    outbox.publish(PETITION_RECEIVED, petition.code, {"agency": agency.code})
    return petition


def send(draft: Draft, actor: Actor, now: datetime | None = None) -> Petition:
    """A citizen's (or a business's representative's, logged in with their e-ID) feedback or petition."""
    if actor.kind != "citizen":
        raise Forbidden("citizens_only", "Chỉ người dân, doanh nghiệp gửi phản ánh, kiến nghị.",
                        "Only citizens and businesses send petitions.")
    values, agency, procedure, dossier = _validate(draft, actor)
    with transaction.atomic():
        petition = _open(draft.kind, draft.about, agency, actor.id, actor.name or actor.id, values,
                         now or timezone.now(), procedure, dossier, bool(draft.may_publish))
        for f in draft.files:
            attachment = PetitionAttachment(petition=petition, sha256=f.sha256,
                                            content_type=f.content_type or "", size=len(f.data),
                                            original_name=normalize(f.name)[:255])
            attachment.file.save(f.name, ContentFile(f.data), save=False)
            attachment.save()
    return petition


def complaint_from_rating(dossier: Dossier, complaint: str, now: datetime | None = None) -> Petition:
    """A complaint written with a dossier's rating: an item for the competent agency to answer, in the caller's
    transaction (the rating and its complaint are recorded together or not at all)."""
    return _open("complaint", "dossier", dossier.competent_agency, dossier.applicant_id_number,
                 dossier.applicant_name, {"subject": f"Góp ý về hồ sơ {dossier.code}", "content": complaint,
                                          "sender_email": dossier.applicant_email,
                                          "sender_phone": dossier.applicant_phone},
                 now or timezone.now(), dossier.procedure_version.procedure, dossier)


def can_read(actor: Actor | None, petition: Petition) -> bool:
    """One access rule: the sender, or an official of the agency that answers it."""
    if actor is None:
        return False
    if actor.kind == "citizen":
        return actor.id == petition.sender_id_number
    return actor.kind == "official" and actor.agency_code == petition.agency.code


def readable_petition(actor: Actor | None, code: str, *, for_update: bool = False) -> Petition:
    found = Petition.objects.select_related("agency", "procedure", "dossier").prefetch_related("attachments")
    if for_update:
        found = found.select_for_update(of=("self",))
    petition = found.filter(code=code).first()
    if petition is None:
        raise NotFound(code)
    if not can_read(actor, petition):
        raise Forbidden("not_yours", "Bạn không có quyền xem phản ánh, kiến nghị này.",
                        "You may not read this petition.")
    return petition


def answer(code: str, actor: Actor, text: str, now: datetime | None = None) -> Petition:
    """The agency's answer, by one of its officials; on time when given by the due date."""
    errors: list[FieldError] = []
    text = _text(text, "answer", ANSWER_MAX, errors, multiline=True,
                 required=("Nhập nội dung trả lời.", "Enter the answer."))
    with transaction.atomic():
        petition = readable_petition(actor, code, for_update=True)
        if actor.kind != "official":
            raise Forbidden("officials_only", "Chỉ cán bộ của cơ quan trả lời.", "Only the agency's officials answer.")
        if petition.answered_at is not None:
            raise MotcuaError("already_answered", "Phản ánh, kiến nghị này đã được trả lời.",
                              "This petition was answered already.", status=409)
        if errors:
            raise PetitionError(errors)
        now = now or timezone.now()
        on_time = local_date(now) <= petition.due_on
        petition.answer, petition.answered_at, petition.answered_by = text, now, actor.id
        petition.answered_on_time = on_time
        petition.save(update_fields=["answer", "answered_at", "answered_by", "answered_on_time"])
        _tally(petition, answered=1, answered_on_time=int(on_time))
        _open_due(petition, -1)
        outbox.publish(PETITION_ANSWERED, petition.code, {"on_time": on_time})
    security_event("petition_answer", "success", petition=petition.code, agency=petition.agency.code,
                   on_time=on_time)
    return petition


def rate_answer(code: str, actor: Actor, satisfied: str | bool, now: datetime | None = None) -> Petition:
    """The sender says whether the answer satisfied them: once, after the answer."""
    if isinstance(satisfied, str):
        if satisfied not in ("yes", "no"):
            raise PetitionError([FieldError("satisfied", "invalid_choice", "Chọn hài lòng hoặc không hài lòng.",
                                            "Choose satisfied or not satisfied.")])
        satisfied = satisfied == "yes"
    with transaction.atomic():
        petition = readable_petition(actor, code, for_update=True)
        if actor.kind != "citizen":
            raise Forbidden("sender_only", "Chỉ người gửi đánh giá câu trả lời.", "Only the sender rates the answer.")
        if petition.answered_at is None:
            raise MotcuaError("not_answered", "Chỉ đánh giá sau khi cơ quan đã trả lời.",
                              "You can rate once the agency has answered.", "satisfied", status=409)
        if petition.rated_at is not None:
            raise MotcuaError("already_rated", "Câu trả lời này đã được đánh giá.", "This answer was rated already.",
                              "satisfied", status=409)
        petition.satisfied, petition.rated_at = satisfied, now or timezone.now()
        petition.save(update_fields=["satisfied", "rated_at"])
        _tally(petition, rated=1, satisfied=int(satisfied))
    return petition


def is_overdue(petition: Petition, today: date | None = None) -> bool:
    return petition.answered_at is None and petition.due_on < (today or timezone.localdate())


def petitions_of(id_number: str) -> QuerySet[Petition]:
    return Petition.objects.select_related("agency").filter(sender_id_number=id_number).order_by("-received_at")


def agency_petitions(actor: Actor, status: str = "open") -> QuerySet[Petition]:
    """What the official's agency answers: open ones due first (overdue on top), or the answered ones."""
    if actor.kind != "official":
        raise Forbidden("officials_only", "Chỉ dành cho cán bộ.", "Officials only.")
    found = Petition.objects.select_related("procedure", "dossier").prefetch_related("attachments").filter(
        agency__code=actor.agency_code)
    if status == "answered":
        return found.filter(answered_at__isnull=False).order_by("-answered_at")
    return found.filter(answered_at__isnull=True).order_by("due_on", "received_at")


def published() -> QuerySet[Petition]:
    """Answered petitions their senders let publish, newest answer first. Callers show what was asked and
    answered, by which agency, about which procedure: never who sent it."""
    return (Petition.objects.select_related("agency", "procedure")
            .filter(may_publish=True, answered_at__isnull=False).order_by("-answered_at"))


# --- the service index ------------------------------------------------------------------------------------

@dataclass
class PetitionCounts:
    received: int = 0
    on_time: int = 0  # answered by the due date, or still open and not past it (as of the day read)
    rated: int = 0
    satisfied: int = 0


def counts_by_scope(level: str, first_month: date, last_month: date, parent: str | None = None,
                    scope: str | None = None, today: date | None = None) -> dict[str, PetitionCounts]:
    """Per scope of ``level`` (national, province, commune, agency) the petitions received in the months, summed
    from the tally, plus the unanswered ones still within their due date. Levels by procedure have no petition
    figures (the national portal publishes none by procedure)."""
    if level not in dict(LEVELS):
        return {}
    today = today or timezone.localdate()
    filters: dict[str, object] = {"level": level, "month__gte": first_month, "month__lte": last_month}
    if parent is not None and level in ("C", "A"):
        filters["parent"] = parent
    if scope is not None:
        filters["scope"] = scope
    out = {row["scope"]: PetitionCounts(row["received_sum"], row["on_time_sum"], row["rated_sum"], row["satisfied_sum"])
           for row in PetitionTally.objects.filter(**filters).values("scope").annotate(
               received_sum=Sum("received"), on_time_sum=Sum("answered_on_time"), rated_sum=Sum("rated"),
               satisfied_sum=Sum("satisfied"))}
    for key, number in PetitionOpenDue.objects.filter(**filters, due_on__gte=today).values("scope").annotate(
            n=Sum("count")).values_list("scope", "n"):
        if key in out:
            out[key].on_time += number
    return out
