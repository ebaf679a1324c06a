"""Acting for someone else: whom a citizen may file for (their minor children and wards as the civil-status
register records them, a deceased relative, whoever authorised them in writing), and the written authorisations
themselves, signed in the portal under the grantor's e-ID login and revocable by them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.spec import ProcedureSpec
from motcua.core.errors import FieldError, Forbidden, Invalid, NotFound
from motcua.core.text import normalize, text_problem
from motcua.dossiers.filing import Mandate
from motcua.dossiers.lifecycle import local_date
from motcua.dossiers.services import IncomingFile, file_problem
from motcua.identity import id_number
from motcua.identity.actors import Actor
from motcua.registries.access import log_representation_read
from motcua.registries.models import CivilEvent, Person
from motcua.representation import rules
from motcua.representation.models import Authorisation, AuthorisationEntry

# The ways of acting for a person this capability answers for, in the order the form offers them.
KINDS = ("parent", "guardian", "relative", "authorised")


@dataclass(frozen=True)
class Represented:
    """A person the citizen may file this procedure for, and what allows it."""

    id_number: str
    name: str
    mandate: Mandate


def _refusal(code: str, vi: str, en: str) -> FieldError:
    return FieldError("applicant.id_number", code, vi, en)


def _alive(person: Person | None) -> bool:
    return person is not None and person.deceased_on is None and not CivilEvent.objects.filter(
        kind="death", subject_id_number=person.id_number).exists()


# --- parents --------------------------------------------------------------------------------------------------

def _birth_record(child_id: str) -> CivilEvent | None:
    return CivilEvent.objects.filter(kind="birth", subject_id_number=child_id).order_by("-date", "-id").first()


def _parents(child: Person, birth: CivilEvent) -> set[str]:
    """The parents the registers give the child: the mother and father of the birth record, and the family
    links of the population registry."""
    return {p for p in (birth.other_id_number, (birth.data or {}).get("father_id_number", ""),
                        child.father_id_number, child.mother_id_number) if p}


def _as_parent(actor: Actor, child_id: str, on: date) -> Mandate | FieldError | None:
    child = Person.objects.filter(id_number=child_id).first()
    birth = _birth_record(child_id)
    if child is None or birth is None or actor.id not in _parents(child, birth):
        return None
    if not _alive(child):
        return _refusal("child_deceased", "Con của bạn đã được đăng ký khai tử; hãy nộp với tư cách thân nhân.",
                        "Your child was registered deceased; file as a relative.")
    if not rules.is_minor(child.birth_date, on):
        return _refusal("child_of_age", "Con của bạn đã đủ 18 tuổi, tự nộp hồ sơ hoặc ủy quyền bằng văn bản.",
                        "Your child is 18 or over and files themselves, or authorises you in writing.")
    return Mandate("parent", f"civil_event:{birth.register_number}")


def _children(actor: Actor, on: date) -> list[Person]:
    children = Person.objects.filter(Q(father_id_number=actor.id) | Q(mother_id_number=actor.id),
                                     birth_date__gt=on - timedelta(days=366 * rules.ADULT_AGE), deceased_on__isnull=True)
    return [c for c in children.order_by("birth_date")
            if isinstance(_as_parent(actor, c.id_number, on), Mandate)]


# --- guardians ------------------------------------------------------------------------------------------------

def _guardianship(actor: Actor, ward_id: str, on: date) -> CivilEvent | None:
    """The guardianship of the ward by the actor registered by ``on`` and not ended by then."""
    for event in CivilEvent.objects.filter(kind="guardianship", subject_id_number=ward_id, other_id_number=actor.id,
                                           date__lte=on).order_by("-date", "-id"):
        ended = (event.data or {}).get("ended_on")
        if not ended or date.fromisoformat(ended) > on:
            return event
    return None


def _as_guardian(actor: Actor, ward_id: str, on: date) -> Mandate | FieldError | None:
    event = _guardianship(actor, ward_id, on)
    if event is None:
        if CivilEvent.objects.filter(kind="guardianship", subject_id_number=ward_id, other_id_number=actor.id).exists():
            return _refusal("guardianship_ended", "Việc giám hộ của bạn đối với người này đã chấm dứt.",
                            "Your guardianship of this person has ended.")
        return None
    if not _alive(Person.objects.filter(id_number=ward_id).first()):
        return _refusal("ward_deceased", "Người được giám hộ đã được đăng ký khai tử.", "The ward was registered deceased.")
    return Mandate("guardian", f"civil_event:{event.register_number}")


def _wards(actor: Actor, on: date) -> list[str]:
    wards = CivilEvent.objects.filter(kind="guardianship", other_id_number=actor.id, date__lte=on)
    return [w for w in dict.fromkeys(wards.values_list("subject_id_number", flat=True))
            if isinstance(_as_guardian(actor, w, on), Mandate)]


# --- relatives of the deceased --------------------------------------------------------------------------------

def _died_on(person: Person) -> date | None:
    if person.deceased_on is not None:
        return person.deceased_on
    return CivilEvent.objects.filter(kind="death", subject_id_number=person.id_number).values_list(
        "date", flat=True).first()


def family_of(person: Person, died_on: date) -> rules.Family:
    """The family the registries link to a deceased person."""
    marriage = (CivilEvent.objects.filter(Q(subject_id_number=person.id_number) | Q(other_id_number=person.id_number),
                                          kind="marriage", date__lte=died_on).order_by("-date", "-id").first())
    spouse = "" if marriage is None else (
        marriage.other_id_number if marriage.subject_id_number == person.id_number else marriage.subject_id_number)
    children = Person.objects.filter(Q(father_id_number=person.id_number) | Q(mother_id_number=person.id_number))
    return rules.Family(father=person.father_id_number, mother=person.mother_id_number, spouse=spouse,
                        children=frozenset(children.values_list("id_number", flat=True)))


def _as_relative(actor: Actor, deceased_id: str, spec: ProcedureSpec) -> Mandate | FieldError | None:
    person = Person.objects.filter(id_number=deceased_id).first()
    died_on = _died_on(person) if person is not None else None
    if person is None or died_on is None:
        return None
    relation = rules.relation_to_deceased(actor.id, family_of(person, died_on))
    if relation is None:
        return None
    if not spec.for_deceased:
        return _refusal("not_for_deceased", "Thủ tục này không nộp được thay cho người đã mất.",
                        "This procedure cannot be filed for a deceased person.")
    return Mandate("relative", f"relation:{relation}")


def _deceased_relatives(actor: Actor) -> list[str]:
    me = Person.objects.filter(id_number=actor.id).first()
    spouses = CivilEvent.objects.filter(Q(subject_id_number=actor.id) | Q(other_id_number=actor.id), kind="marriage")
    candidates = {*(p for p in ((me.father_id_number, me.mother_id_number) if me else ()) if p),
                  *Person.objects.filter(Q(father_id_number=actor.id) | Q(mother_id_number=actor.id))
                  .values_list("id_number", flat=True),
                  *(m.other_id_number if m.subject_id_number == actor.id else m.subject_id_number for m in spouses)}
    dead = Person.objects.filter(id_number__in=candidates).filter(
        Q(deceased_on__isnull=False) | Q(id_number__in=CivilEvent.objects.filter(kind="death").values("subject_id_number")))
    return sorted(dead.values_list("id_number", flat=True))


# --- written authorisations -----------------------------------------------------------------------------------

def _terms(a: Authorisation) -> rules.Terms:
    return rules.Terms(frozenset(a.procedure_codes), a.valid_from, a.valid_until,
                       local_date(a.revoked_at) if a.revoked_at else None)


def _as_authorised(actor: Actor, grantor_id: str, spec: ProcedureSpec, on: date) -> Mandate | FieldError | None:
    given = list(Authorisation.objects.filter(grantor_id_number=grantor_id, grantee_id_number=actor.id)
                 .order_by("-created_at"))
    if not given:
        return None
    problem = None
    for a in given:  # any authorisation that covers it will do; else why the latest does not
        found = rules.authorisation_problem(_terms(a), spec.code, on)
        if found is None:
            return Mandate("authorised", a.reference, confirmed=a.kind == "signed")
        problem = problem or found
    assert problem is not None
    return _refusal(*problem)


# --- the one answer: may this citizen file this procedure for this person, and as what ---------------------

def mandate_for(actor: Actor, applicant_id: str, filed_as: str, spec: ProcedureSpec,
                at: datetime) -> Mandate | FieldError | None:
    """The mandate under which ``actor`` files ``spec`` for ``applicant_id`` at ``at`` (as ``filed_as``, or
    any way when empty), the reason it is refused, or None when nothing links them."""
    on = local_date(at)
    ways = {"parent": lambda: _as_parent(actor, applicant_id, on),
            "guardian": lambda: _as_guardian(actor, applicant_id, on),
            "relative": lambda: _as_relative(actor, applicant_id, spec),
            "authorised": lambda: _as_authorised(actor, applicant_id, spec, on)}
    if filed_as and filed_as not in ways:
        return None
    refusal = None
    for kind in ([filed_as] if filed_as else KINDS):
        answer = ways[kind]()
        if isinstance(answer, Mandate):
            return answer
        refusal = refusal or answer
    return refusal


def people_for(actor: Actor, spec: ProcedureSpec, at: datetime) -> dict[str, list[Represented]]:
    """Whom the citizen may file this procedure for now, by way of acting (the form's "file for" choice).
    Their names come from the population registry: the read is logged for each of them."""
    on = local_date(at)
    if spec.own_filing_only or actor.kind != "citizen":
        return {}
    found: dict[str, list[tuple[str, Mandate]]] = {kind: [] for kind in KINDS}
    for child in _children(actor, on):
        found["parent"].append((child.id_number, Mandate("parent")))
    for ward in _wards(actor, on):
        found["guardian"].append((ward, Mandate("guardian")))
    if spec.for_deceased:
        for deceased in _deceased_relatives(actor):
            if isinstance(m := _as_relative(actor, deceased, spec), Mandate):
                found["relative"].append((deceased, m))
    names = dict(Person.objects.filter(id_number__in={i for pairs in found.values() for i, _ in pairs})
                 .values_list("id_number", "full_name"))
    log_representation_read(actor, names, spec.code)
    people = {kind: [Represented(i, names.get(i, ""), m) for i, m in pairs] for kind, pairs in found.items()}
    grantors: dict[str, Represented] = {}
    for a in Authorisation.objects.filter(grantee_id_number=actor.id).order_by("-created_at"):
        if rules.authorisation_problem(_terms(a), spec.code, on) is None:
            grantors.setdefault(a.grantor_id_number, Represented(
                a.grantor_id_number, a.grantor_name, Mandate("authorised", a.reference, a.kind == "signed")))
    people["authorised"] = list(grantors.values())
    return {kind: found for kind, found in people.items() if found}


class AuthorisationInvalid(Invalid):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("invalid_authorisation", "Văn bản ủy quyền chưa hợp lệ, vui lòng sửa các trường được chỉ ra.",
                         "The authorisation is not valid; please correct the fields shown.", errors=errors)


def _check_terms(actor: Actor, other: str, other_id: str, other_name: str, codes: list[str],
                 valid_until: date | None, today: date, errors: list[FieldError]) -> tuple[str, list[str], date]:
    """The terms as typed by ``actor`` about the ``other`` party ("grantee" or "grantor")."""
    try:
        id_number.decode(other_id)
    except id_number.InvalidIdNumber as exc:
        errors.append(FieldError(f"{other}.id_number", exc.code, exc.vi, exc.en))
    if other_id == actor.id:
        errors.append(FieldError(f"{other}.id_number", "self_authorisation", "Không ai tự ủy quyền cho chính mình.",
                                 "No one authorises themselves."))
    name = normalize(other_name or "")
    if not name or len(name) > 255 or text_problem(name) is not None:
        errors.append(FieldError(f"{other}.name", "required", "Vui lòng nhập họ và tên.", "Enter the full name."))
    codes = sorted(set(codes))
    own_only = {p.code for p in Procedure.objects.filter(code__in=codes).select_related("current_version")
                if p.current_version and p.current_version.definition.get("own_filing_only")}
    known = set(Procedure.objects.filter(code__in=codes).values_list("code", flat=True))
    if not codes:
        errors.append(FieldError("procedure_codes", "required", "Chọn ít nhất một thủ tục được ủy quyền.",
                                 "Choose at least one procedure."))
    for code in codes:
        if code not in known:
            errors.append(FieldError("procedure_codes", "unknown_procedure", f"Không có thủ tục {code}.",
                                     f"No procedure {code}."))
        elif code in own_only:
            errors.append(FieldError("procedure_codes", "own_filing_only",
                                     f"Thủ tục {code} phải do chính người có yêu cầu nộp, không ủy quyền được.",
                                     f"Procedure {code} must be filed by the person concerned and cannot be delegated."))
    until = valid_until or rules.birthday(today, rules.DEFAULT_TERM_YEARS)
    if until < today:
        errors.append(FieldError("valid_until", "in_the_past", "Ngày hết hạn đã qua.", "The end date has passed."))
    if errors:
        raise AuthorisationInvalid(errors)
    return name, codes, until


def _citizen_only(actor: Actor) -> None:
    if actor.kind != "citizen":
        raise Forbidden("citizens_only", "Chỉ công dân đăng nhập bằng định danh điện tử mới làm được việc này.",
                        "Only a citizen logged in with their e-ID can do this.")


def _log(a: Authorisation, kind: str, actor: Actor, at: datetime) -> None:
    AuthorisationEntry.objects.create(
        grantor_id_number=a.grantor_id_number, authorisation_id=a.pk, kind=kind, actor_id=actor.id,
        actor_name=actor.name, eid_level=actor.eid_level, at=at, terms={
            "kind": a.kind, "grantee_id_number": a.grantee_id_number, "grantee_name": a.grantee_name,
            "procedure_codes": a.procedure_codes, "valid_from": a.valid_from.isoformat(),
            "valid_until": a.valid_until.isoformat(), "file_sha256": a.file_sha256})


def authorise(grantor: Actor, grantee_id: str, grantee_name: str, procedure_codes: list[str],
              valid_until: date | None = None, now: datetime | None = None) -> Authorisation:
    """The grantor, logged in with their e-ID (the login is the signature), authorises the grantee to file
    these procedures for them until ``valid_until`` (one year when not given)."""
    _citizen_only(grantor)
    now = now or timezone.now()
    today = local_date(now)
    name, codes, until = _check_terms(grantor, "grantee", grantee_id.strip(), grantee_name, procedure_codes,
                                      valid_until, today, [])
    with transaction.atomic():
        a = Authorisation.objects.create(
            kind="signed", grantor_id_number=grantor.id, grantor_name=grantor.name, grantee_id_number=grantee_id.strip(),
            grantee_name=name, procedure_codes=codes, valid_from=today, valid_until=until, created_at=now,
            eid_level=grantor.eid_level)
        _log(a, "signed", grantor, now)
    return a


def upload_paper(grantee: Actor, grantor_id: str, grantor_name: str, procedure_codes: list[str],
                 valid_until: date | None, scan: IncomingFile, now: datetime | None = None) -> Authorisation:
    """The grantee records a paper authorisation by its scan. Nobody has checked it yet: it lets the grantee
    file the procedures it names for the grantor, for the reception officer to check against the original,
    and never to read the grantor's registry data. The grantor sees it, and may revoke it, as their own."""
    _citizen_only(grantee)
    now = now or timezone.now()
    today = local_date(now)
    problems = [p for p in [file_problem(scan, "file")] if p is not None]
    name, codes, until = _check_terms(grantee, "grantor", grantor_id.strip(), grantor_name, procedure_codes,
                                      valid_until, today, problems)
    with transaction.atomic():
        a = Authorisation(
            kind="paper", grantor_id_number=grantor_id.strip(), grantor_name=name, grantee_id_number=grantee.id,
            grantee_name=grantee.name, procedure_codes=codes, valid_from=today, valid_until=until, created_at=now,
            file_name=normalize(scan.name)[:255], file_sha256=scan.sha256, content_type=scan.content_type or "")
        a.file.save(scan.name, ContentFile(scan.data), save=False)
        a.save()
        _log(a, "uploaded", grantee, now)
    return a


def paper_authorisation(mandate: str) -> Authorisation | None:
    """The paper authorisation a dossier was filed under (its ``mandate``), for the reception officer."""
    kind, _, key = mandate.partition(":")
    if kind != "authorisation" or not key.isdigit():
        return None
    return Authorisation.objects.filter(pk=int(key), kind="paper").first()


def revoke(grantor: Actor, authorisation_id: int, now: datetime | None = None) -> Authorisation:
    """Only the grantor revokes; from then on it allows nothing (dossiers filed before stay filed)."""
    now = now or timezone.now()
    with transaction.atomic():
        a = Authorisation.objects.select_for_update().filter(pk=authorisation_id).first()
        if a is None or grantor.kind != "citizen" or a.grantor_id_number != grantor.id:
            raise NotFound(str(authorisation_id))
        if a.revoked_at is None:
            a.revoked_at = now
            a.save(update_fields=["revoked_at"])
            _log(a, "revoked", grantor, now)
    return a


def given_by(actor: Actor) -> list[Authorisation]:
    return list(Authorisation.objects.filter(grantor_id_number=actor.id).order_by("-created_at")[:100])


def given_to(actor: Actor) -> list[Authorisation]:
    return list(Authorisation.objects.filter(grantee_id_number=actor.id).order_by("-created_at")[:100])


def status_of(a: Authorisation, at: datetime) -> str:
    """``active``, ``revoked``, ``expired`` or ``pending`` (not yet in force), for the pages."""
    on = local_date(at)
    if a.revoked_at is not None:
        return "revoked"
    return "expired" if on > a.valid_until else "pending" if on < a.valid_from else "active"
