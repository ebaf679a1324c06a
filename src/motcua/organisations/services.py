"""Organisations (enterprises and household businesses) as applicants. An organisation logs in through its
legal representative's personal e-ID (level 2), confirmed against the enterprise registry at the login and at
each filing; it grants staff the right to file its dossiers (for some procedures or all, until a day) and
revokes it; its dossiers are pre-filled from the registry. Its filing authority answers the dossiers
capability: who files for an organisation (as its legal representative, or as delegated staff), and which of
its dossiers its staff read and act on — a revoked or expired delegation gives nothing from that moment."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.catalog.spec import ProcedureSpec
from motcua.core.errors import FieldError, Forbidden, Invalid, NotFound
from motcua.core.security_log import security_event
from motcua.core.text import normalize, text_problem
from motcua.dossiers import filing
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Submission
from motcua.identity import id_number
from motcua.identity.actors import Actor
from motcua.organisations.models import StaffDelegation
from motcua.registries.prefill import APPLICANT_NAME, ORGANISATION_REGISTRY, Prefill, prefill_organisation
from motcua.registries.sources import source

LEGAL_REPRESENTATIVE = "legal_representative"
MAX_DELEGATION_DAYS = 5 * 365  # a delegation is renewed at least every five years


class OrganisationRefused(Forbidden):
    pass


def registered(code: str) -> dict | None:
    """The organisation's record in the enterprise registry, if it is registered and active."""
    record = source(ORGANISATION_REGISTRY).lookup(code) if code else None
    return record.data if record is not None and record.data["status"] == "active" else None


def confirm_login(claim: dict, person_id: str) -> dict:
    """An organisation's e-ID login, checked by the relying party: the enterprise registry must name the person
    who logged in as the legal representative of the organisation the provider says they log in for. Returns
    what the session keeps of the organisation (its name and their role as the registry has them)."""
    code = claim["code"]
    record = registered(code)
    if record is None:
        raise OrganisationRefused(
            "organisation_not_registered",
            f"Tổ chức mã số {code} không có trong Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp hoặc không còn "
            "hoạt động: không đăng nhập cho tổ chức này được.",
            f"The organisation {code} is not in the national business registration database, or no longer "
            "active: you cannot log in for it.")
    if record["representative_id_number"] != person_id:
        raise OrganisationRefused(
            "not_representative",
            f"Theo Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp, bạn không phải người đại diện theo pháp luật "
            f"của {record['name']} ({code}): không đăng nhập cho tổ chức này được.",
            f"According to the national business registration database you are not the legal representative of "
            f"{record['name']} ({code}): you cannot log in for it.")
    return {"code": code, "tax_code": record["tax_code"], "name": record["name"], "kind": record["kind"],
            "role": record["representative_title"] or claim.get("representative_role", "")}


def represents(actor: Actor | None, code: str) -> bool:
    """The actor logged in for this organisation and the registry names them its legal representative now."""
    if actor is None or actor.kind != "citizen" or not code or actor.organisation != code:
        return False
    record = registered(code)
    return record is not None and record["representative_id_number"] == actor.id


def _require_representative(actor: Actor | None, code: str) -> dict:
    if not represents(actor, code):
        raise Forbidden("not_representative",
                        "Chỉ người đại diện theo pháp luật, đăng nhập bằng tài khoản định danh điện tử của tổ chức, "
                        "được xem, giao hoặc thu hồi quyền nộp hồ sơ của tổ chức.",
                        "Only the legal representative, logged in with the organisation's e-ID account, sees, "
                        "grants or revokes the right to file the organisation's dossiers.")
    return registered(code) or {}


def organisation_procedures() -> list[Procedure]:
    """The procedures an organisation may file (their definitions list it among their applicants)."""
    return [p for p in Procedure.objects.select_related("current_version").order_by("code")
            if p.current_version is not None and filing.ORGANISATION in spec_of(p.current_version).applicants]


# --- staff delegations --------------------------------------------------------------------------------------

def grant(actor: Actor, code: str, staff_id_number: str, staff_name: str, procedures: list[str],
          expires_on: date | None, today: date | None = None) -> StaffDelegation:
    """The legal representative lets a member of staff file the organisation's dossiers."""
    record = _require_representative(actor, code)
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    staff_id_number = (staff_id_number or "").strip()
    try:
        id_number.decode(staff_id_number)
    except id_number.InvalidIdNumber as exc:
        errors.append(FieldError("staff_id_number", exc.code, exc.vi, exc.en))
    else:
        if staff_id_number == actor.id:
            errors.append(FieldError("staff_id_number", "self", "Người đại diện đã có mọi quyền của tổ chức.",
                                     "The legal representative already has every right of the organisation."))
    name = normalize(staff_name or "")
    if not name:
        errors.append(FieldError("staff_name", "required", "Vui lòng nhập họ và tên.", "Full name is required."))
    elif len(name) > 255:
        errors.append(FieldError("staff_name", "too_long", "Tối đa 255 ký tự.", "At most 255 characters."))
    elif problem := text_problem(name):
        errors.append(FieldError("staff_name", *problem))
    codes = sorted({c.strip() for c in procedures or [] if c.strip()})
    unknown = set(codes) - {p.code for p in organisation_procedures()}
    if unknown:
        errors.append(FieldError("procedures", "not_for_organisations",
                                 f"Tổ chức không nộp các thủ tục: {', '.join(sorted(unknown))}.",
                                 f"Organisations do not file these procedures: {', '.join(sorted(unknown))}."))
    if expires_on is None or expires_on < today:
        errors.append(FieldError("expires_on", "in_the_past", "Ngày hết hạn phải từ hôm nay trở đi.",
                                 "The last day must be today or later."))
    elif expires_on > today + timedelta(days=MAX_DELEGATION_DAYS):
        errors.append(FieldError("expires_on", "too_far", "Quyền nộp hồ sơ được giao tối đa 5 năm.",
                                 "A delegation lasts at most five years."))
    if errors or expires_on is None:  # no day is an error too
        raise Invalid("invalid_delegation", "Chưa giao được quyền nộp hồ sơ, vui lòng sửa các trường được chỉ ra.",
                      "The delegation could not be granted; please correct the fields shown.", errors=errors)
    delegation = StaffDelegation.objects.create(
        organisation_code=code, organisation_name=record.get("name", ""), staff_id_number=staff_id_number,
        staff_name=name, procedures=codes, expires_on=expires_on, granted_by=actor.id)
    security_event("delegation_granted", "success", actor=f"citizen:{actor.id}", organisation=code,
                   delegation=delegation.pk)
    return delegation


def revoke(actor: Actor, code: str, delegation_id: int, now: datetime | None = None) -> StaffDelegation:
    """Ends a delegation at once: from this moment its holder neither files nor reads for the organisation."""
    _require_representative(actor, code)
    with transaction.atomic():
        delegation = StaffDelegation.objects.select_for_update().filter(pk=delegation_id,
                                                                        organisation_code=code).first()
        if delegation is None:
            raise NotFound("delegation")
        if delegation.revoked_at is None:
            delegation.revoked_at, delegation.revoked_by = now or timezone.now(), actor.id
            delegation.save(update_fields=["revoked_at", "revoked_by"])
    security_event("delegation_revoked", "success", actor=f"citizen:{actor.id}", organisation=code,
                   delegation=delegation.pk)
    return delegation


def delegations_of(actor: Actor, code: str) -> list[StaffDelegation]:
    """Every delegation the organisation granted, newest first (its legal representative's view)."""
    _require_representative(actor, code)
    return list(StaffDelegation.objects.filter(organisation_code=code).order_by("-granted_at", "-id"))


def in_force(delegation: StaffDelegation, today: date) -> bool:
    return delegation.revoked_at is None and delegation.expires_on >= today


def delegations_held(actor: Actor, today: date | None = None) -> list[StaffDelegation]:
    """The delegations in force that let this person file for organisations."""
    if actor.kind != "citizen":
        return []
    return list(StaffDelegation.objects.filter(staff_id_number=actor.id, revoked_at__isnull=True,
                                               expires_on__gte=today or timezone.localdate())
                .order_by("organisation_name", "id"))


def delegation_for(staff_id: str, code: str, procedure_code: str, at: datetime | None = None
                   ) -> StaffDelegation | FieldError:
    """The delegation in force that lets this person file this procedure for the organisation, or why none
    does (revoked, expired, another scope, never granted)."""
    today = timezone.localdate(at) if at else timezone.localdate()
    granted = list(StaffDelegation.objects.filter(staff_id_number=staff_id, organisation_code=code)
                   .order_by("-granted_at", "-id"))
    for delegation in granted:
        if in_force(delegation, today) and delegation.covers(procedure_code):
            return delegation
    where = "applicant.id_number"
    if not granted:
        return FieldError(where, "not_for_organisation",
                          "Bạn không được nộp hồ sơ cho tổ chức này: hãy đăng nhập bằng tài khoản định danh của "
                          "tổ chức (người đại diện theo pháp luật) hoặc đề nghị tổ chức giao quyền cho bạn.",
                          "You may not file for this organisation: log in with its e-ID account (its legal "
                          "representative), or ask it to delegate the right to you.")
    latest = granted[0]
    if latest.revoked_at is not None:
        return FieldError(where, "delegation_revoked",
                          f"Tổ chức đã thu hồi quyền nộp hồ sơ của bạn ngày {timezone.localtime(latest.revoked_at):%d/%m/%Y}.",
                          f"The organisation revoked your right to file on {timezone.localtime(latest.revoked_at):%d/%m/%Y}.")
    if latest.expires_on < today:
        return FieldError(where, "delegation_expired",
                          f"Quyền nộp hồ sơ tổ chức giao cho bạn đã hết hạn ngày {latest.expires_on:%d/%m/%Y}.",
                          f"The right to file the organisation gave you ended on {latest.expires_on:%d/%m/%Y}.")
    return FieldError(where, "delegation_scope",
                      "Tổ chức chỉ giao cho bạn nộp các thủ tục: " + ", ".join(latest.procedures) + ".",
                      "The organisation lets you file only these procedures: " + ", ".join(latest.procedures) + ".")


@dataclass(frozen=True)
class ActingFor:
    """An organisation a person acts for in this login: as its legal representative, or as staff."""

    code: str
    name: str
    filed_as: str
    delegation: StaffDelegation | None = None


def organisations_of(actor: Actor | None) -> list[ActingFor]:
    """The organisations this login files for: the one it logged in for (as its legal representative) and
    those whose delegations in force it holds."""
    if actor is None or actor.kind != "citizen":
        return []
    acting = []
    if actor.organisation and (record := registered(actor.organisation)) is not None \
            and record["representative_id_number"] == actor.id:
        acting.append(ActingFor(actor.organisation, record["name"], LEGAL_REPRESENTATIVE))
    acting += [ActingFor(d.organisation_code, d.organisation_name, filing.STAFF, d) for d in delegations_held(actor)
               if d.organisation_code != actor.organisation]
    return acting


def may_file(actor: Actor, code: str, procedure_code: str, at: datetime | None = None) -> filing.Mandate | FieldError:
    """As what the actor files this procedure for the organisation, or why they may not."""
    if actor.kind != "citizen":
        return FieldError("applicant.id_number", "citizens_only", "Chỉ công dân đăng nhập mới nộp hồ sơ trực tuyến.",
                          "Only a logged-in citizen files online.")
    if actor.organisation == code:
        if represents(actor, code):
            return filing.Mandate(LEGAL_REPRESENTATIVE, f"enterprise:{code}")
        return FieldError("applicant.id_number", "not_representative",
                          "Theo Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp, bạn không còn là người đại diện theo "
                          "pháp luật của tổ chức này.",
                          "According to the national business registration database you are no longer this "
                          "organisation's legal representative.")
    found = delegation_for(actor.id, code, procedure_code, at)
    return filing.Mandate(filing.STAFF, f"delegation:{found.pk}") if isinstance(found, StaffDelegation) else found


def _procedure_code(dossier: Dossier) -> str:
    return dossier.procedure_version.procedure.code


@dossiers.filing_authority
class OrganisationAuthority(dossiers.FilingAuthority):
    """Who files, reads and acts for an organisation: its legal representative (its e-ID login, confirmed by
    the registry) and the staff it delegated, within the delegation's procedures and days."""

    def mandate(self, request: dossiers.FilingRequest) -> filing.Mandate | FieldError | None:
        if request.applicant_kind != filing.ORGANISATION:
            return None
        return may_file(request.actor, request.applicant_id, request.spec.code, request.at)

    def may_read(self, actor: Actor, dossier: Dossier) -> bool:
        """The organisation's login while the registry names it the representative, or staff while their
        delegation covers the dossier: checked at each read, so a change is felt at once."""
        if dossier.applicant_kind != filing.ORGANISATION:
            return False
        code = dossier.applicant_id_number
        if actor.organisation == code:
            return represents(actor, code)
        return isinstance(delegation_for(actor.id, code, _procedure_code(dossier)), StaffDelegation)

    def dossiers(self, actor: Actor) -> Q | None:
        held = delegations_held(actor)
        shown = Q(pk__in=[])
        if actor.organisation and represents(actor, actor.organisation):
            shown |= Q(applicant_kind=filing.ORGANISATION, applicant_id_number=actor.organisation)
        elif not held:
            return None
        for d in held:
            scope = Q(applicant_kind=filing.ORGANISATION, applicant_id_number=d.organisation_code)
            if d.procedures:
                scope &= Q(procedure_version__procedure__code__in=d.procedures)
            shown |= scope
        return shown

    def acting_as(self, actor: Actor, dossier: Dossier) -> Actor | None:
        """Delegated staff act on the organisation's dossier for the organisation (so recorded in the journal)."""
        if not self.may_read(actor, dossier):
            return None
        return dataclasses.replace(actor, organisation=dossier.applicant_id_number)


# --- pre-fill -------------------------------------------------------------------------------------------------

def filing_prefill(actor: Actor, code: str, spec: ProcedureSpec) -> tuple[Prefill, dict]:
    """What the enterprise registry holds for the organisation's dossier, for whom may file it."""
    allowed = may_file(actor, code, spec.code)
    if isinstance(allowed, FieldError):
        raise OrganisationRefused(allowed.code, allowed.vi, allowed.en)
    filled, record = prefill_organisation(spec, code)
    if record is None:
        raise NotFound("organisation")
    return filled, record


def prefill_submission(sub: Submission, actor: Actor, filled: Prefill | None = None) -> None:
    """An organisation's online filing (the portal's form, an app through the API): the organisation's name
    and the fields the procedure takes from the enterprise registry are filled from it where the caller left
    them out, and each value's provenance is recorded (``filled``: what the form showed, when it did)."""
    if sub.applicant_kind != filing.ORGANISATION or sub.channel != "online":
        return
    procedure = Procedure.objects.filter(code=sub.procedure_code).select_related("current_version").first()
    if procedure is None or procedure.current_version is None:
        return  # the submission itself reports the unknown procedure
    spec = spec_of(procedure.current_version)
    if filled is None:
        if isinstance(may_file(actor, sub.applicant_id_number, spec.code), FieldError):
            return  # the submission itself reports the refusal
        filled, record = prefill_organisation(spec, sub.applicant_id_number)
        if record is None:
            return
        sub.commune_code = sub.commune_code or record["commune_code"]
    name = filled.values.get(APPLICANT_NAME)
    sub.applicant_name = sub.applicant_name or (name.value if name else "")
    sub.form = {**{k: v.value for k, v in filled.values.items() if k != APPLICANT_NAME}, **(sub.form or {})}
    sub.provenance = filled.provenance({**sub.form, APPLICANT_NAME: sub.applicant_name})
