"""One-stop dossier lifecycle as pure rules over an append-only journal of actions.

Status and statutory clock are never stored as truth: they are folded from the
journal with :func:`fold`. Statuses are the national portal's codes 1–10. The
allowed actions are the declarative table :data:`RULES`; a procedure adds its own
ordered steps (:class:`Workflow`). No Django import here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from motcua.calendar import WorkingCalendar
from motcua.catalog.workflow import Workflow
from motcua.core.errors import MotcuaError
from motcua.identity.actors import Actor, Role

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Status(IntEnum):
    NEW = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    FINANCIAL_OBLIGATION = 6
    WITHDRAWAL_REQUESTED = 7
    STOPPED = 8
    PROCESSED = 9
    RETURNED = 10

    @property
    def label_vi(self) -> str:
        return STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return STATUS_LABELS[self][1]


STATUS_LABELS = {
    Status.NEW: ("Mới đăng ký", "New"),
    Status.RECEIVED: ("Được tiếp nhận", "Received"),
    Status.NOT_RECEIVED: ("Không được tiếp nhận", "Not received"),
    Status.PROCESSING: ("Đang xử lý", "Processing"),
    Status.SUPPLEMENT_REQUESTED: ("Yêu cầu bổ sung giấy tờ", "Supplement requested"),
    Status.FINANCIAL_OBLIGATION: ("Yêu cầu thực hiện nghĩa vụ tài chính", "Financial obligation requested"),
    Status.WITHDRAWAL_REQUESTED: ("Công dân yêu cầu rút hồ sơ", "Withdrawal requested by citizen"),
    Status.STOPPED: ("Dừng xử lý", "Processing stopped"),
    Status.PROCESSED: ("Đã xử lý xong", "Processed"),
    Status.RETURNED: ("Đã trả kết quả", "Result returned"),
}

FINAL_STATUSES = frozenset({Status.NOT_RECEIVED, Status.STOPPED, Status.PROCESSED, Status.RETURNED})


class NeededAction(StrEnum):
    """What the applicant is asked to do now, for the dossier to go on or the service to be judged."""

    SUPPLEMENT = "supplement"
    PAYMENT = "payment"
    RATING = "rating"

    @property
    def label_vi(self) -> str:
        return NEEDED_ACTION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return NEEDED_ACTION_LABELS[self][1]


NEEDED_ACTION_LABELS = {
    NeededAction.SUPPLEMENT: ("Bổ sung hồ sơ theo yêu cầu", "Supplement the dossier as asked"),
    NeededAction.PAYMENT: ("Nộp phí, lệ phí", "Pay the fee"),
    NeededAction.RATING: ("Đánh giá việc giải quyết hồ sơ", "Rate how the dossier was handled"),
}

# The status at which the applicant is asked each; a rating only while they have not given one.
ASKED_AT = {Status.SUPPLEMENT_REQUESTED: NeededAction.SUPPLEMENT, Status.FINANCIAL_OBLIGATION: NeededAction.PAYMENT,
            Status.RETURNED: NeededAction.RATING}


def needed_action(status: Status, rated: bool) -> NeededAction | None:
    """The applicant's needed action at a derived status; ``rated``: they have rated the service (a rating is
    kept outside the journal)."""
    asked = ASKED_AT.get(status)
    return None if asked is NeededAction.RATING and rated else asked


class LifecycleError(MotcuaError):
    """A refused action: a wrong field value is 422, an action the dossier's state does not allow 409, an
    actor who may not take it 403."""

    def __init__(self, code: str, vi: str, en: str, field: str | None = None, *, status: int | None = None) -> None:
        super().__init__(code, vi, en, field, status=status or (422 if field else 409))


@dataclass(frozen=True)
class Action:
    kind: str
    at: datetime
    actor: Actor
    reason: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Handoff:
    """One row of the tracking sheet (phiếu kiểm soát quá trình giải quyết hồ sơ)."""

    at: datetime
    actor: str
    from_agency: str
    from_step: str
    to_agency: str
    to_step: str
    step_due: date | None
    on_time: bool | None


@dataclass(frozen=True)
class DossierState:
    status: Status
    applicant_id: str
    agency_code: str  # agency holding the dossier now
    competent_agency: str
    submitted_at: datetime
    step: int = 0
    received_at: datetime | None = None
    clock_start: date | None = None
    due_date: date | None = None  # statutory due date, moved only by pauses
    appointment_date: date | None = None  # date promised to the citizen (apology may move it)
    paused_since: date | None = None
    resume_status: Status | None = None
    shift_days: int = 0
    supplements: int = 0
    apologies: int = 0
    fee_due: int = 0  # amount of the last payment request (VND)
    fee_request: int = 0  # journal entry (seq) of the last payment request
    fee_paid: int = 0
    fee_paid_online: int = 0  # the part of fee_paid paid through the gateway
    finished_at: datetime | None = None
    outcome: str | None = None
    handoffs: tuple[Handoff, ...] = ()
    version: int = 0
    # The time this dossier is held to when not the procedure's own: a member of an interlinked group is
    # held to the member's time within the group (Nghị định 63/2024/NĐ-CP), given at submission.
    statutory_days: int | None = None
    # Who filed online for the applicant (a parent, guardian, relative, authorised person, organisation staff),
    # acting on the dossier beside the applicant; empty when the applicants filed themselves or at the counter.
    filer_id: str = ""

    def but(self, **changes: Any) -> DossierState:
        """This state with ``changes``, as ``dataclasses.replace`` makes it but without running the frozen
        class's ``__init__`` field by field again: folding journals makes one or two per action."""
        if unknown := changes.keys() - _STATE_FIELDS:
            raise TypeError(f"DossierState has no field {', '.join(sorted(unknown))}")
        new = object.__new__(DossierState)
        new.__dict__.update(self.__dict__, **changes)
        return new

    def acts_for_applicant(self, actor: Actor) -> bool:
        """A citizen who may act on this dossier: the applicant, the login of the applicant organisation, or
        the person who filed it for them."""
        return actor.kind == "citizen" and (
            actor.id in (self.applicant_id, self.filer_id) or actor.organisation == self.applicant_id)

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def paid_online(self) -> bool:
        return self.fee_paid_online > 0

    @property
    def on_time(self) -> bool | None:
        """Judged against the statutory due date; an apology admits lateness, it does not excuse it."""
        if self.finished_at is None or self.due_date is None:
            return None
        return local_date(self.finished_at) <= self.due_date


_STATE_FIELDS = frozenset(f.name for f in dataclasses.fields(DossierState))

ANY_ROLE = frozenset(Role)
STEP_ROLE = None  # the role the workflow gives the current step


@dataclass(frozen=True)
class Rule:
    from_statuses: frozenset[Status]
    actor_kinds: frozenset[str]
    roles: frozenset[Role] | None = ANY_ROLE
    to_status: Status | None = None  # None: the handler decides
    needs_reason: bool = False
    # The official confirms with a fresh second factor in the same request: the decision is signed in their name.
    needs_confirmation: bool = False
    vi: str = ""
    en: str = ""


S = Status
_OPEN = frozenset({S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION})
_CITIZEN = frozenset({"citizen"})
_OFFICIAL = frozenset({"official"})

RULES: dict[str, Rule] = {
    "submit": Rule(frozenset(), frozenset({"citizen", "official"}), to_status=S.NEW, vi="Nộp hồ sơ", en="Submit"),
    "receive": Rule(frozenset({S.NEW}), _OFFICIAL, frozenset({Role.RECEIVER}), S.RECEIVED,
                    vi="Tiếp nhận hồ sơ", en="Receive"),
    "refuse": Rule(frozenset({S.NEW}), _OFFICIAL, frozenset({Role.RECEIVER}), S.NOT_RECEIVED, True,
                   vi="Từ chối tiếp nhận", en="Refuse to receive"),
    "request_supplement": Rule(frozenset({S.NEW, S.RECEIVED, S.PROCESSING}), _OFFICIAL,
                               frozenset({Role.RECEIVER, Role.SPECIALIST}), S.SUPPLEMENT_REQUESTED, True,
                               vi="Yêu cầu bổ sung", en="Request supplement"),
    "supplement": Rule(frozenset({S.SUPPLEMENT_REQUESTED}), _CITIZEN, None, None,
                       vi="Bổ sung hồ sơ", en="Supplement"),
    "forward": Rule(frozenset({S.RECEIVED, S.PROCESSING}), _OFFICIAL, STEP_ROLE, S.PROCESSING,
                    vi="Chuyển bước xử lý", en="Forward to next step"),
    "transfer": Rule(frozenset({S.RECEIVED, S.PROCESSING}), _OFFICIAL, STEP_ROLE, S.PROCESSING, True,
                     vi="Chuyển cơ quan", en="Transfer to another agency"),
    "request_payment": Rule(frozenset({S.RECEIVED, S.PROCESSING}), _OFFICIAL,
                            frozenset({Role.RECEIVER, Role.SPECIALIST}), S.FINANCIAL_OBLIGATION,
                            vi="Yêu cầu nghĩa vụ tài chính", en="Request payment"),
    # Paid online: confirmed by the payment gateway (system); paid in cash: recorded at the counter.
    "pay": Rule(frozenset({S.FINANCIAL_OBLIGATION}), frozenset({"system", "official"}), frozenset({Role.RECEIVER}),
                None, vi="Thực hiện nghĩa vụ tài chính", en="Pay"),
    "apologize": Rule(frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION}),
                      _OFFICIAL, ANY_ROLE, None, True, vi="Xin lỗi và hẹn lại", en="Apologize with new date"),
    "withdraw": Rule(_OPEN, _CITIZEN, None, S.WITHDRAWAL_REQUESTED, True, vi="Rút hồ sơ", en="Withdraw"),
    "stop": Rule(frozenset({S.WITHDRAWAL_REQUESTED}), _OFFICIAL, frozenset({Role.RECEIVER, Role.LEADER}),
                 S.STOPPED, vi="Dừng xử lý", en="Stop processing"),
    "complete": Rule(frozenset({S.PROCESSING}), _OFFICIAL, STEP_ROLE, S.PROCESSED, needs_confirmation=True,
                     vi="Hoàn thành xử lý", en="Complete processing"),
    "return_result": Rule(frozenset({S.PROCESSED}), _OFFICIAL, STEP_ROLE, S.RETURNED,
                          vi="Trả kết quả", en="Return result"),
}

OUTCOMES = ("approved", "refused")


def local_date(at: datetime) -> date:
    return at.astimezone(LOCAL_TZ).date() if at.tzinfo else at.date()


def _local(at: datetime) -> datetime:
    return at.astimezone(LOCAL_TZ).replace(tzinfo=None) if at.tzinfo else at


def _fail(code: str, vi: str, en: str, field: str | None = None) -> LifecycleError:
    return LifecycleError(code, vi, en, field)


def _forbid(code: str, vi: str, en: str) -> LifecycleError:
    return LifecycleError(code, vi, en, status=403)


def step_role(state: DossierState, workflow: Workflow) -> Role:
    return workflow.steps[state.step].role


def _authorize(state: DossierState, action: Action, rule: Rule, workflow: Workflow) -> None:
    actor = action.actor
    if actor.kind not in rule.actor_kinds:
        raise _forbid("actor_not_allowed", "Bạn không được thực hiện thao tác này.",
                    "You are not allowed to take this action.")
    if actor.kind == "citizen" and not state.acts_for_applicant(actor):
        raise _forbid("not_applicant", "Chỉ người nộp hồ sơ được thực hiện thao tác này.",
                    "Only the applicant may take this action.")
    if actor.kind == "official":
        if actor.agency_code != state.agency_code:
            raise _forbid("not_your_agency", "Hồ sơ không thuộc cơ quan của bạn.",
                        "This dossier is not held by your agency.")
        allowed = rule.roles if rule.roles is not STEP_ROLE else frozenset({step_role(state, workflow)})
        if actor.role not in allowed:
            raise _forbid("role_not_allowed", "Vai trò của bạn không được thực hiện thao tác này ở bước hiện tại.",
                        "Your role may not take this action at the current step.")


def can(state: DossierState, action_kind: str, actor: Actor, workflow: Workflow) -> bool:
    """Whether ``actor`` may attempt ``action_kind`` now (used to offer buttons)."""
    rule = RULES[action_kind]
    if state.status not in rule.from_statuses:
        return False
    try:
        _authorize(state, Action(action_kind, state.submitted_at, actor), rule, workflow)
        _precheck(state, action_kind, workflow)
    except LifecycleError:
        return False
    return True


def _precheck(state: DossierState, kind: str, workflow: Workflow) -> None:
    """Rules that do not depend on the action's own data."""
    last = len(workflow.steps) - 1
    if kind == "request_supplement" and state.supplements:
        raise _fail("supplement_once", "Chỉ được yêu cầu bổ sung hồ sơ một lần.",
                    "A supplement may be requested only once.")
    if kind == "apologize" and state.appointment_date is None:
        raise _fail("not_received", "Hồ sơ chưa được tiếp nhận nên chưa có ngày hẹn trả.",
                    "The dossier has not been received, so it has no appointment date yet.")
    if kind == "apologize" and state.apologies:
        raise _fail("apology_once", "Chỉ được hẹn lại ngày trả kết quả một lần.",
                    "The return date may be reset only once.")
    if kind == "forward" and state.step >= workflow.deciding_step:
        raise _fail("no_next_step", "Bước hiện tại phải hoàn thành xử lý, không chuyển tiếp.",
                    "The current step must complete the dossier, not forward it.")
    if kind == "complete" and state.step != workflow.deciding_step:
        raise _fail("not_deciding_step", "Chỉ bước phê duyệt được hoàn thành xử lý.",
                    "Only the deciding step may complete processing.")
    if kind == "return_result" and state.step != last:
        raise _fail("not_return_step", "Chưa đến bước trả kết quả.", "The dossier is not at the return step.")


def _pause(state: DossierState, action: Action, status: Status) -> DossierState:
    running = state.clock_start is not None
    return state.but(status=status, resume_status=state.status,
                     paused_since=local_date(action.at) if running else None)


def _resume(state: DossierState, action: Action, cal: WorkingCalendar) -> DossierState:
    assert state.resume_status is not None, "only a dossier paused by _pause resumes"
    if state.paused_since is None:
        return state.but(status=state.resume_status, resume_status=None)
    assert state.due_date is not None and state.appointment_date is not None, "paused on a running clock"
    shift = cal.working_days_between(state.paused_since, cal.counting_start(_local(action.at)))
    return state.but(
        status=state.resume_status, resume_status=None, paused_since=None,
        shift_days=state.shift_days + shift,
        due_date=cal.add_working_days(state.due_date, shift),
        appointment_date=cal.add_working_days(state.appointment_date, shift),
    )


def step_due(state: DossierState, index: int, workflow: Workflow, cal: WorkingCalendar) -> date | None:
    if state.clock_start is None:
        return None
    return cal.add_working_days(state.clock_start, timed(workflow, state).step_offset(index) + state.shift_days)


def _handoff(state: DossierState, action: Action, to_agency: str, to_step: int,
             workflow: Workflow, cal: WorkingCalendar) -> tuple[Handoff, ...]:
    due = step_due(state, state.step, workflow, cal)
    row = Handoff(
        at=action.at, actor=action.actor.name or action.actor.id,
        from_agency=state.agency_code, from_step=workflow.steps[state.step].code,
        to_agency=to_agency, to_step=workflow.steps[to_step].code,
        step_due=due, on_time=None if due is None else local_date(action.at) <= due,
    )
    return (*state.handoffs, row)


def _require(data: Mapping[str, Any], key: str, vi: str, en: str) -> Any:
    value = data.get(key)
    if value in (None, ""):
        raise _fail("required", vi, en, field=key)
    return value


def start(action: Action, workflow: Workflow) -> DossierState:
    if action.kind != "submit":
        raise _fail("not_submitted", "Hồ sơ chưa được nộp.", "The dossier has not been submitted.")
    if action.actor.kind not in RULES["submit"].actor_kinds:
        raise _forbid("actor_not_allowed", "Bạn không được nộp hồ sơ.", "You may not submit a dossier.")
    data = action.data
    holder = _require(data, "agency_code", "Thiếu cơ quan tiếp nhận.", "Receiving agency is missing.")
    return DossierState(
        status=Status.NEW,
        applicant_id=_require(data, "applicant_id", "Thiếu số định danh người nộp.", "Applicant ID is missing."),
        agency_code=holder,
        competent_agency=data.get("competent_agency") or holder,
        submitted_at=action.at,
        version=1,
        statutory_days=days if isinstance(days := data.get("statutory_days"), int) and days >= 0 else None,
        filer_id=data.get("filer_id") or "",
    )


def timed(workflow: Workflow, state: DossierState) -> Workflow:
    """The workflow with the time this dossier is held to."""
    if state.statutory_days is None or state.statutory_days == workflow.statutory_days:
        return workflow
    return dataclasses.replace(workflow, statutory_days=state.statutory_days)


def apply(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    """The state after ``action``; raises :class:`LifecycleError` if the rules refuse it."""
    rule = RULES.get(action.kind)
    if rule is None or action.kind == "submit":
        raise _fail("unknown_action", "Thao tác không hợp lệ.", f"Unknown action '{action.kind}'.", "action")
    if state.status not in rule.from_statuses:
        raise _fail(
            "illegal_transition",
            f"Không thể '{rule.vi}' khi hồ sơ ở trạng thái '{state.status.label_vi}'.",
            f"Cannot '{rule.en}' while the dossier is '{state.status.label_en}'.",
        )
    _authorize(state, action, rule, workflow)
    _precheck(state, action.kind, workflow)
    if rule.needs_reason and not action.reason.strip():
        raise _fail("reason_required", "Cần ghi rõ lý do.", "A reason is required.", "reason")
    new = _HANDLERS[action.kind](state, action, workflow, cal)
    if rule.to_status is None:
        return new.but(version=state.version + 1)
    return new.but(status=rule.to_status, version=state.version + 1)


def fold(actions: Iterable[Action], workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    it = iter(actions)
    state = start(next(it), workflow)
    for action in it:
        state = apply(state, action, workflow, cal)
    return state


# --- handlers: what each action changes besides the status -------------------------------------

def _receive(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    clock_start = cal.counting_start(_local(action.at))
    due = cal.add_working_days(clock_start, timed(workflow, state).statutory_days)
    return state.but(received_at=action.at, clock_start=clock_start, due_date=due, appointment_date=due)


def _finish(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar,
            outcome: str | None = None) -> DossierState:
    return state.but(finished_at=action.at, outcome=outcome)


def _refuse(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    return _finish(state, action, workflow, cal, "not_received")


def _request_supplement(state: DossierState, action: Action, workflow: Workflow,
                        cal: WorkingCalendar) -> DossierState:
    return _pause(state, action, Status.SUPPLEMENT_REQUESTED).but(supplements=1)


def _supplement(state: DossierState, action: Action, workflow: Workflow,
                cal: WorkingCalendar) -> DossierState:
    return _resume(state, action, cal)


def _forward(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    nxt = state.step + 1
    return state.but(step=nxt, handoffs=_handoff(state, action, state.agency_code, nxt, workflow, cal))


def _transfer(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    target = _require(action.data, "to_agency", "Chọn cơ quan nhận.", "Choose the receiving agency.")
    if target == state.agency_code:
        raise _fail("same_agency", "Cơ quan nhận phải khác cơ quan hiện tại.",
                    "The receiving agency must differ from the current one.", "to_agency")
    nxt = max(state.step, 1)
    return state.but(agency_code=target, step=nxt, handoffs=_handoff(state, action, target, nxt, workflow, cal))


def _amount(data: Mapping[str, Any]) -> int | None:
    value = data.get("amount")
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) else None


def _request_payment(state: DossierState, action: Action, workflow: Workflow,
                     cal: WorkingCalendar) -> DossierState:
    amount = _amount(action.data)
    if amount is None or amount <= 0:
        raise _fail("amount_required", "Số tiền phải nộp phải là số nguyên dương (đồng).",
                    "The amount due must be a positive whole number of đồng.", "amount")
    return _pause(state, action, Status.FINANCIAL_OBLIGATION).but(fee_due=amount, fee_request=state.version + 1)


def _pay(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    if _amount(action.data) != state.fee_due:
        raise _fail("amount_mismatch", f"Số tiền nộp phải đúng {state.fee_due} đồng.",
                    f"The amount paid must be exactly {state.fee_due} đồng.", "amount")
    online = action.actor.kind == "system"  # confirmed by the gateway; cash is recorded by an official
    return _resume(state, action, cal).but(fee_paid=state.fee_paid + state.fee_due,
                                           fee_paid_online=state.fee_paid_online + (state.fee_due if online else 0))


# An apology moves the appointment, not the statutory deadline; a year is far beyond any procedure's time, and
# the bound keeps a typing slip (9999-12-31) out of an append-only journal.
MAX_APOLOGY_DELAY = timedelta(days=366)


def _apologize(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    raw = _require(action.data, "new_date", "Chọn ngày hẹn trả mới.", "Choose the new return date.")
    try:
        new_date = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise _fail("invalid_date", "Ngày không hợp lệ (YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD).",
                    "new_date") from None
    assert state.appointment_date is not None, "_precheck refuses an apology before reception"
    if new_date <= state.appointment_date:
        raise _fail("date_not_later", "Ngày hẹn mới phải sau ngày hẹn hiện tại.",
                    "The new date must be after the current appointment date.", "new_date")
    if new_date > state.appointment_date + MAX_APOLOGY_DELAY:
        raise _fail("date_too_far", "Ngày hẹn mới không được quá một năm sau ngày hẹn hiện tại.",
                    "The new date must be within a year of the current appointment date.", "new_date")
    if not cal.is_working_day(new_date):
        raise _fail("not_working_day", "Ngày hẹn mới phải là ngày làm việc.",
                    "The new date must be a working day.", "new_date")
    return state.but(appointment_date=new_date, apologies=1)


def _withdraw(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    return _pause(state, action, Status.WITHDRAWAL_REQUESTED)


def _stop(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    return _finish(state, action, workflow, cal, "stopped")


def _complete(state: DossierState, action: Action, workflow: Workflow, cal: WorkingCalendar) -> DossierState:
    outcome = action.data.get("outcome", "approved")
    if outcome not in OUTCOMES:
        raise _fail("bad_outcome", "Kết quả phải là 'approved' hoặc 'refused'.",
                    "Outcome must be 'approved' or 'refused'.", "outcome")
    if outcome == "refused" and not action.reason.strip():
        raise _fail("reason_required", "Cần ghi rõ lý do từ chối.", "A refusal needs a reason.", "reason")
    nxt = state.step + 1
    done = _finish(state, action, workflow, cal, outcome)
    return done.but(step=nxt, handoffs=_handoff(state, action, state.agency_code, nxt, workflow, cal))


def _return_result(state: DossierState, action: Action, workflow: Workflow,
                   cal: WorkingCalendar) -> DossierState:
    return state


_HANDLERS = {
    "receive": _receive, "refuse": _refuse, "request_supplement": _request_supplement,
    "supplement": _supplement, "forward": _forward, "transfer": _transfer,
    "request_payment": _request_payment, "pay": _pay, "apologize": _apologize,
    "withdraw": _withdraw, "stop": _stop, "complete": _complete, "return_result": _return_result,
}


def deadline_flag(state: DossierState, today: date, cal: WorkingCalendar) -> str | None:
    """'overdue' or 'nearing' (due within one working day) for unfinished, clock-running dossiers."""
    if state.finished or state.due_date is None or state.paused_since is not None:
        return None
    if today > state.due_date:
        return "overdue"
    if cal.working_days_between(today, state.due_date) <= 1:
        return "nearing"
    return None
