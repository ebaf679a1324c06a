"""Interlinked group applications (Nghị định 63/2024/NĐ-CP): one form and one code for the applicant, a normal
dossier at each member's agency. Members that need no other result are filed with the application; the others
wait, and are filed the moment the result they need is issued, with what it allotted (the child's new personal
ID number, the number of the birth certificate). A member that cannot be filed then is held as blocked, with
the reason, for the agencies to see, never lost; one whose prerequisite was refused is cancelled."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog import divisions
from motcua.catalog.forms import validate_form
from motcua.catalog.groups import RESULT_DOCUMENT, GroupSpec
from motcua.catalog.services import RoutingError, competent_agency, procedure_groups, published_spec
from motcua.catalog.spec import ProcedureSpec
from motcua.core import outbox
from motcua.core.errors import FieldError, MotcuaError, NotFound
from motcua.core.text import normalize
from motcua.dossiers import services
from motcua.dossiers.lifecycle import FINAL_STATUSES, LOCAL_TZ, Status, local_date
from motcua.dossiers.models import Dossier, DossierGroup, GroupMember
from motcua.dossiers.printable import printable_characters
from motcua.dossiers.provenance import EVIDENCE_PREFIX, Origin, Provenance
from motcua.identity.actors import EID_LEVEL_2_HOW, Actor, citizen_actor, eid_level_missing

GROUP_CHANGED = "group.changed"  # the outbox topic: filed, a member filed later, blocked or cancelled


@dataclass
class GroupApplication:
    group_code: str
    members: list[str]
    applicant_id_number: str
    applicant_name: str
    applicant_phone: str = ""
    applicant_email: str = ""
    commune_code: str = ""
    province_code: str = ""
    form: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    provenance: Provenance = field(default_factory=Provenance)

    def digest(self) -> str:
        payload = {k: v for k, v in self.__dict__.items() if k not in ("idempotency_key", "provenance")}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def group_spec(code: str) -> GroupSpec:
    found = procedure_groups().get(code)
    if found is None:
        raise NotFound(code)
    return found


def member_specs(spec: GroupSpec, chosen: list[str] | None = None) -> dict[str, ProcedureSpec]:
    return {m.procedure: published_spec(m.procedure) for m in spec.members
            if chosen is None or m.procedure in chosen}


def _err(field_name: str, code: str, vi: str, en: str) -> FieldError:
    return FieldError(field_name, code, vi, en)


def _check(app: GroupApplication, actor: Actor, spec: GroupSpec) -> tuple[list[str], dict[str, Any]]:
    """The members chosen and the clean group form; every problem of the application reported at once."""
    if actor.kind != "citizen" or actor.id != app.applicant_id_number:
        raise services.SubmissionError([_err(
            "applicant.id_number", "not_self",
            "Nhóm thủ tục liên thông do chính người yêu cầu nộp trực tuyến bằng tài khoản định danh điện tử.",
            "An interlinked group is filed online by the applicants themselves, under their own e-ID login.")], 403)
    chosen = spec.check_choice(app.members)
    specs = member_specs(spec, chosen)
    needed = max(s.eid_level for s in specs.values())
    if eid_level_missing(actor, needed):
        raise services.SubmissionError([_err(
            "eid_level", "eid_level_too_low",
            f"Nhóm thủ tục này yêu cầu tài khoản định danh điện tử mức {needed}. {EID_LEVEL_2_HOW[0]}",
            f"This group needs an e-ID account of level {needed}. {EID_LEVEL_2_HOW[1]}")], 403)
    fields = tuple(spec.form_fields(specs, chosen))
    clean, errors = validate_form(fields, app.form, known_communes=divisions.communes(),
                                  printable=printable_characters())
    if not normalize(app.applicant_name or ""):
        errors.append(_err("applicant.name", "required", "Vui lòng nhập họ và tên.", "Full name is required."))
    for member_spec in specs.values():  # every member's agency is known before anything is filed
        try:
            competent_agency(member_spec, app.commune_code, app.province_code)
        except RoutingError as exc:
            errors += [e for e in exc.errors if e not in errors]
    if errors:
        raise services.SubmissionError(errors)
    return chosen, clean


def submit_group(app: GroupApplication, actor: Actor, now: datetime | None = None) -> tuple[DossierGroup, bool]:
    """File a group application: the group, its members, and the dossiers of the members that can start now,
    all or nothing. A repeated idempotency key returns the first group unchanged."""
    if app.idempotency_key:
        existing = DossierGroup.objects.filter(applicant_id_number=app.applicant_id_number,
                                               idempotency_key=app.idempotency_key).first()
        if existing:
            return _replay(existing, app)
    spec = group_spec(app.group_code)
    chosen, clean = _check(app, actor, spec)
    now = now or timezone.now()
    cal = default_calendar()
    services.check_daily_cap(app.applicant_id_number, now)
    try:
        with transaction.atomic():
            group = DossierGroup.objects.create(
                code=services.next_code(spec.code, local_date(now)), group_code=spec.code,
                applicant_id_number=app.applicant_id_number, applicant_name=normalize(app.applicant_name),
                applicant_phone=app.applicant_phone, applicant_email=app.applicant_email,
                eid_level=actor.eid_level, commune_code=app.commune_code,
                province_code=app.province_code or (divisions.communes()[app.commune_code].province_code
                                                    if app.commune_code in divisions.communes() else ""),
                form_data=services.json_safe(clean), provenance=app.provenance.as_dict(), submitted_at=now,
                due_date=cal.add_working_days(cal.counting_start(now.astimezone(LOCAL_TZ)), spec.statutory_days),
                idempotency_key=app.idempotency_key or None, request_digest=app.digest())
            members = [GroupMember.objects.create(group=group, procedure_code=m.procedure, position=i,
                                                  statutory_days=m.statutory_days, after=m.after or "",
                                                  state="waiting")
                       for i, m in enumerate(spec.members) if m.procedure in chosen]
            for member in members:
                if not member.after:
                    _start(group, member, spec, actor, now, at_filing=True)
            outbox.publish(GROUP_CHANGED, group.code, {"event": "submitted"})
    except IntegrityError:
        if app.idempotency_key and (existing := DossierGroup.objects.filter(
                applicant_id_number=app.applicant_id_number, idempotency_key=app.idempotency_key).first()):
            return _replay(existing, app)
        raise
    return group, True


def _replay(existing: DossierGroup, app: GroupApplication) -> tuple[DossierGroup, bool]:
    if existing.request_digest != app.digest():
        raise services.SubmissionError([_err("idempotency_key", "key_reused",
                                             "Khóa chống trùng đã dùng cho một hồ sơ khác nội dung.",
                                             "This idempotency key was already used for a different application.")],
                                       409)
    return existing, False


def _member_provenance(group: DossierGroup, spec: GroupSpec, code: str, member_spec: ProcedureSpec,
                       results: dict[str, dict[str, Any]]) -> Provenance:
    """Where the member's values came from: the group form's origins under the member's own names, and a
    document the member needs that the result before it issued (in the applicant's wallet since)."""
    m = spec.member(code)
    kept = Provenance.from_dict(group.provenance)
    origins = {f.name: kept.of(m.group_name(f.name)) for f in member_spec.fields if f.name not in m.given()}
    before = results.get(m.after or "", {})
    if before.get(RESULT_DOCUMENT) and m.after:
        issued_type = published_spec(m.after).result_type
        for e in member_spec.evidence:
            if e.source == "documents" and e.code == issued_type:
                origins[EVIDENCE_PREFIX + e.code] = Origin("registry", "documents", found=True,
                                                           reference=str(before[RESULT_DOCUMENT]))
    return Provenance(origins)


def _start(group: DossierGroup, member: GroupMember, spec: GroupSpec, actor: Actor, now: datetime,
           at_filing: bool = False) -> None:
    """File the member's dossier at its agency. At filing, a problem refuses the whole application with the
    group form's field names."""
    member_spec = published_spec(member.procedure_code)
    results = {m.procedure_code: m.result for m in group.members.all()}
    form = spec.member_form(member.procedure_code, group.form_data, results, member_spec)
    sub = services.Submission(
        procedure_code=member.procedure_code, channel="online", applicant_id_number=group.applicant_id_number,
        applicant_name=group.applicant_name, applicant_phone=group.applicant_phone,
        applicant_email=group.applicant_email, commune_code=group.commune_code, province_code=group.province_code,
        form=form, idempotency_key=f"{group.code}/{member.procedure_code}",
        provenance=_member_provenance(group, spec, member.procedure_code, member_spec, results),
        in_group=group.code, statutory_days=member.statutory_days)
    try:
        dossier, _created = services.submit(sub, actor, now)
    except services.SubmissionError as exc:
        if not at_filing:
            raise
        m = spec.member(member.procedure_code)
        renamed = [FieldError(f"form.{m.group_name(e.field.removeprefix('form.'))}" if e.field and
                              e.field.startswith("form.") else e.field, e.code, e.vi, e.en) for e in exc.errors]
        raise services.SubmissionError(renamed, exc.status) from exc
    member.dossier, member.state, member.started_at = dossier, "started", now
    member.save(update_fields=["dossier", "state", "started_at"])


def member_result(dossier: Dossier, allotted: dict[str, Any], now: datetime) -> None:
    """A member's result was issued (in the transaction of the approval): keep what it allotted and file the
    members that waited for it. One that cannot be filed is blocked with the reason; the approval stands."""
    member = (GroupMember.objects.select_for_update().select_related("group")
              .filter(dossier=dossier).first())
    if member is None:
        return
    member.result = services.json_safe(allotted)
    member.save(update_fields=["result"])
    group = member.group
    spec = group_spec(group.group_code)
    actor = citizen_actor(group.applicant_id_number, group.applicant_name, group.eid_level)
    for waiting in group.members.filter(state="waiting", after=member.procedure_code):
        try:
            with transaction.atomic():
                _start(group, waiting, spec, actor, now)
            outbox.publish(GROUP_CHANGED, group.code, {"event": "member_started", "member": waiting.procedure_code})
        except MotcuaError as exc:
            problems = [f"{e.field}: {e.vi}" for e in exc.errors] or [exc.vi]
            problems_en = [f"{e.field}: {e.en}" for e in exc.errors] or [exc.en]
            waiting.state, waiting.problem_vi, waiting.problem_en = "blocked", "; ".join(problems), "; ".join(problems_en)
            waiting.save(update_fields=["state", "problem_vi", "problem_en"])
            outbox.publish(GROUP_CHANGED, group.code, {"event": "member_blocked", "member": waiting.procedure_code})


@services.on_action("complete", "refuse", "stop")
def _cancel_dependants(recorded: services.Recorded) -> None:
    """A member that ends without a result: the members waiting for it cannot start."""
    if recorded.state.outcome == "approved":
        return
    member = GroupMember.objects.filter(dossier=recorded.dossier).select_related("group").first()
    if member is None:
        return
    ended = [member.procedure_code]
    while ended:
        code = ended.pop()
        for waiting in member.group.members.filter(state="waiting", after=code):
            waiting.state = "cancelled"
            waiting.problem_vi = f"Thủ tục {code} đã kết thúc mà không có kết quả ({recorded.dossier.code})."
            waiting.problem_en = f"Procedure {code} ended without a result ({recorded.dossier.code})."
            waiting.save(update_fields=["state", "problem_vi", "problem_en"])
            ended.append(waiting.procedure_code)
    outbox.publish(GROUP_CHANGED, member.group.code, {"event": "member_ended", "member": member.procedure_code})


# --- what the applicant and the agencies see -------------------------------------------------------

@dataclass(frozen=True)
class MemberView:
    procedure_code: str
    name_vi: str
    name_en: str
    state: str  # waiting | started | blocked | cancelled
    statutory_days: int
    dossier: Dossier | None
    status: Status | None
    due_date: date | None
    finished_at: datetime | None
    outcome: str | None
    on_time: bool | None
    problem_vi: str
    problem_en: str

    @property
    def finished(self) -> bool:
        return self.state == "cancelled" or (self.status is not None and self.status in FINAL_STATUSES)


@dataclass(frozen=True)
class GroupView:
    group: DossierGroup
    spec: GroupSpec
    members: tuple[MemberView, ...]

    @property
    def finished(self) -> bool:
        return all(m.finished for m in self.members)

    @property
    def finished_at(self) -> datetime | None:
        ends = [m.finished_at for m in self.members if m.finished_at]
        return max(ends) if self.finished and ends else None

    @property
    def on_time(self) -> bool | None:
        """Judged on the group's statutory time (members on their own times within it)."""
        end = self.finished_at
        return None if end is None else local_date(end) <= self.group.due_date

    @property
    def status(self) -> tuple[str, str]:
        """(vi, en): what the applicant should know first."""
        for m in self.members:
            if m.state == "blocked":
                return (f"Chưa chuyển được thủ tục {m.name_vi}", f"{m.name_en} could not be handed over yet")
        for m in self.members:
            if m.status == Status.SUPPLEMENT_REQUESTED:
                return (f"Yêu cầu bổ sung: {m.name_vi}", f"Supplement requested: {m.name_en}")
        if self.finished:
            return ("Đã giải quyết xong", "Completed")
        return ("Đang giải quyết", "In progress")


def view(group: DossierGroup) -> GroupView:
    spec = group_spec(group.group_code)
    rows = []
    members = group.members.select_related("dossier__procedure_version__procedure", "dossier__agency",
                                           "dossier__competent_agency")
    for member in members:
        member_spec = published_spec(member.procedure_code)
        d = member.dossier
        state = services.state_of(d) if d else None
        rows.append(MemberView(
            member.procedure_code, member_spec.name_vi, member_spec.name_en, member.state, member.statutory_days,
            d, state.status if state else None, state.due_date if state else None,
            state.finished_at if state else None, state.outcome if state else None,
            state.on_time if state else None, member.problem_vi, member.problem_en))
    return GroupView(group, spec, tuple(rows))


def readable_group(actor: Actor | None, code: str) -> DossierGroup:
    """The applicant's group, or one with a member at the official's agency; others are told only that it is
    not theirs."""
    group = DossierGroup.objects.filter(code=code).first()
    if group is None:
        raise NotFound(code)
    if actor is not None and actor.kind == "citizen" and actor.id == group.applicant_id_number:
        return group
    if actor is not None and actor.kind == "official" and any(
            m.dossier is not None and services.can_read(actor, m.dossier)
            for m in group.members.select_related("dossier__agency", "dossier__competent_agency")):
        return group
    raise services.NotYours()


def group_of(dossier: Dossier) -> GroupView | None:
    """The group application the dossier is a member of, if any."""
    member = GroupMember.objects.filter(dossier=dossier).select_related("group").first()
    return view(member.group) if member else None


def groups_of(id_number: str) -> list[DossierGroup]:
    return list(DossierGroup.objects.filter(applicant_id_number=id_number).order_by("-submitted_at")[:100])
