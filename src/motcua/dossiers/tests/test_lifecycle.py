"""The lifecycle rules, without a database: worked examples and a stateful property test."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from motcua.calendar import WorkingCalendar
from motcua.catalog.workflow import Step, Workflow
from motcua.dossiers.lifecycle import (
    FINAL_STATUSES,
    RULES,
    Action,
    LifecycleError,
    Status,
    apply,
    can,
    deadline_flag,
    fold,
    start,
)
from motcua.identity.actors import Actor, Role

CAL = WorkingCalendar()
AGENCY, OTHER = "H01.X00070.UB", "H01.STP"
APPLICANT = "001090012345"
WORKFLOW = Workflow((
    Step("reception", Role.RECEIVER, 0.1),
    Step("appraisal", Role.SPECIALIST, 0.6),
    Step("approval", Role.LEADER, 0.2, decides=True),
    Step("return", Role.RECEIVER, 0.1),
), statutory_days=10)

CITIZEN = Actor("citizen", APPLICANT, "Nguyễn Văn An")
STRANGER = Actor("citizen", "001185004321", "Trần Thị Bình")
RECEIVER = Actor("official", "r", "Receiver", AGENCY, Role.RECEIVER)
SPECIALIST = Actor("official", "s", "Specialist", AGENCY, Role.SPECIALIST)
LEADER = Actor("official", "l", "Leader", AGENCY, Role.LEADER)
OUTSIDER = Actor("official", "o", "Outsider", OTHER, Role.RECEIVER)
OTHER_LEADER = Actor("official", "ol", "Other leader", OTHER, Role.LEADER)
OTHER_SPECIALIST = Actor("official", "os", "Other specialist", OTHER, Role.SPECIALIST)
GATEWAY = Actor("system", "payment-gateway", "Cổng thanh toán")

MONDAY = datetime(2026, 11, 16, 9, 0)  # a working Monday


def submitted(at=MONDAY):
    return start(Action("submit", at, CITIZEN, data={"applicant_id": APPLICANT, "agency_code": AGENCY}), WORKFLOW)


def run(state, *steps):
    for kind, actor, at, reason, data in steps:
        state = apply(state, Action(kind, at, actor, reason, data), WORKFLOW, CAL)
    return state


def step(kind, actor, at=MONDAY, reason="", **data):
    return kind, actor, at, reason, data


def received(at=MONDAY):
    return run(submitted(at), step("receive", RECEIVER, at))


def refused(state, kind, actor, at=MONDAY, reason="x", **data) -> LifecycleError:
    with pytest.raises(LifecycleError) as exc:
        apply(state, Action(kind, at, actor, reason, data), WORKFLOW, CAL)
    assert exc.value.vi and exc.value.en
    return exc.value


def test_happy_path_and_on_time():
    state = received()
    assert state.status == Status.RECEIVED and state.clock_start == date(2026, 11, 16)
    assert state.due_date == CAL.add_working_days(date(2026, 11, 16), 10)
    state = run(state, step("forward", RECEIVER), step("forward", SPECIALIST),
                step("complete", LEADER, outcome="approved"), step("return_result", RECEIVER))
    assert state.status == Status.RETURNED and state.on_time is True and state.outcome == "approved"
    assert [h.to_step for h in state.handoffs] == ["appraisal", "approval", "return"]
    assert state.version == 6


def test_late_completion_is_late():
    state = run(received(), step("forward", RECEIVER), step("forward", SPECIALIST))
    late = datetime.combine(state.due_date + timedelta(days=3), datetime.min.time().replace(hour=10))
    state = run(state, step("complete", LEADER, at=late, outcome="approved"))
    assert state.on_time is False


def test_received_after_cutoff_counts_from_next_working_day():
    state = received(datetime(2026, 11, 20, 15, 30))  # Friday afternoon
    assert state.clock_start == date(2026, 11, 23)


def test_refuse_needs_reason():
    assert refused(submitted(), "refuse", RECEIVER, reason="  ").code == "reason_required"
    state = run(submitted(), step("refuse", RECEIVER, reason="Không thuộc thẩm quyền"))
    assert state.status == Status.NOT_RECEIVED and state.finished


def test_supplement_only_once():
    state = run(received(), step("request_supplement", RECEIVER, reason="Thiếu giấy tờ"),
                step("supplement", CITIZEN))
    assert state.status == Status.RECEIVED and state.supplements == 1
    assert refused(state, "request_supplement", RECEIVER).code == "supplement_once"


@pytest.mark.parametrize("resume_at, shift", [
    (datetime(2026, 11, 18, 14, 0), 0),  # same day, before 15:00: nothing moves
    (datetime(2026, 11, 18, 16, 0), 1),  # same day after 15:00: counts from Thursday
    (datetime(2026, 11, 20, 10, 0), 2),  # Friday
    (datetime(2026, 11, 22, 10, 0), 3),  # Sunday: counts from Monday
])
def test_clock_pauses_exactly_for_the_supplement(resume_at, shift):
    before = received()
    state = run(before, step("request_supplement", RECEIVER, at=datetime(2026, 11, 18, 9, 0), reason="Thiếu"))
    assert state.paused_since == date(2026, 11, 18)
    assert deadline_flag(state, date(2027, 1, 1), CAL) is None  # paused: never overdue
    state = run(state, step("supplement", CITIZEN, at=resume_at))
    assert state.shift_days == shift
    assert state.due_date == CAL.add_working_days(before.due_date, shift)


def test_supplement_before_receipt_does_not_touch_the_clock():
    state = run(submitted(), step("request_supplement", RECEIVER, reason="Thiếu"),
                step("supplement", CITIZEN, at=MONDAY + timedelta(days=5)))
    assert state.status == Status.NEW and state.due_date is None and state.shift_days == 0


def test_payment_request_pauses_too():
    state = run(received(), step("forward", RECEIVER),
                step("request_payment", SPECIALIST, at=datetime(2026, 11, 17, 9, 0), amount=200000))
    assert state.status == Status.FINANCIAL_OBLIGATION and state.fee_due == 200000
    assert refused(state, "pay", GATEWAY, amount=100000).code == "amount_mismatch"
    assert refused(state, "pay", CITIZEN, amount=200000).code == "actor_not_allowed"  # pays through the gateway
    state = run(state, step("pay", GATEWAY, at=datetime(2026, 11, 19, 9, 0), amount=200000))
    assert state.status == Status.PROCESSING and state.shift_days == 2
    assert (state.fee_paid, state.paid_online) == (200000, True)


def test_online_money_is_what_was_paid_online_payment_by_payment():
    """A journal with two requests (kept from before a fee was asked once): 400.000 đ through the gateway,
    then 200.000 đ in cash; only the first is online money."""
    state = run(received(), step("forward", RECEIVER), step("request_payment", SPECIALIST, amount=400000),
                step("pay", GATEWAY, amount=400000), step("request_payment", SPECIALIST, amount=200000))
    assert state.fee_request == state.version  # the request just recorded is the one owed
    state = run(state, step("pay", RECEIVER, amount=200000, method="cash"))
    assert (state.fee_paid, state.fee_paid_online, state.paid_online) == (600000, 400000, True)
    assert state.fee_request == state.version - 1


@pytest.mark.parametrize("amount", [None, 0, -5, "abc", 1.5, True])
def test_payment_request_needs_a_positive_amount(amount):
    state = run(received(), step("forward", RECEIVER))
    assert refused(state, "request_payment", SPECIALIST, amount=amount).code == "amount_required"


def test_cash_paid_at_the_counter():
    state = run(received(), step("forward", RECEIVER), step("request_payment", SPECIALIST, amount=7000),
                step("pay", RECEIVER, amount=7000, method="cash"))
    assert state.status == Status.PROCESSING and state.fee_paid == 7000 and not state.paid_online


def test_apology_once_later_working_date_and_still_late():
    state = received()
    assert refused(state, "apologize", RECEIVER, new_date=state.appointment_date.isoformat()).code == "date_not_later"
    assert refused(state, "apologize", RECEIVER, new_date="2026-12-05").code == "not_working_day"  # Saturday
    assert refused(state, "apologize", RECEIVER, reason="", new_date="2026-12-07").code == "reason_required"
    new_date = CAL.add_working_days(state.due_date, 3)
    state = run(state, step("apologize", SPECIALIST, reason="Cần xác minh", new_date=new_date.isoformat()))
    assert state.appointment_date == new_date and state.due_date != new_date
    assert refused(state, "apologize", RECEIVER, new_date=CAL.add_working_days(new_date, 1).isoformat()).code \
        == "apology_once"
    late = datetime.combine(new_date, datetime.min.time().replace(hour=9))
    state = run(state, step("forward", RECEIVER, at=late), step("forward", SPECIALIST, at=late),
                step("complete", LEADER, at=late))
    assert state.on_time is False  # judged on the statutory due date


def test_apology_needs_a_received_dossier():
    state = run(submitted(), step("request_supplement", RECEIVER, reason="Thiếu"))
    assert refused(state, "apologize", RECEIVER, new_date="2026-12-31").code == "not_received"


def test_transfer_moves_the_dossier_and_records_a_handoff():
    state = run(received(), step("transfer", RECEIVER, reason="Thuộc thẩm quyền Sở", to_agency=OTHER))
    assert state.agency_code == OTHER and state.status == Status.PROCESSING and state.step == 1
    assert (state.handoffs[-1].from_agency, state.handoffs[-1].to_agency) == (AGENCY, OTHER)
    assert refused(state, "forward", SPECIALIST).code == "not_your_agency"
    assert refused(run(received()), "transfer", RECEIVER, to_agency=AGENCY).code == "same_agency"
    state = run(state, step("forward", OTHER_SPECIALIST), step("complete", OTHER_LEADER))
    assert state.status == Status.PROCESSED


def test_authorization():
    state = submitted()
    assert refused(state, "receive", OUTSIDER).code == "not_your_agency"
    assert refused(state, "receive", LEADER).code == "role_not_allowed"
    assert refused(state, "receive", CITIZEN).code == "actor_not_allowed"
    state = run(received(), step("request_supplement", RECEIVER, reason="Thiếu"))
    assert refused(state, "supplement", STRANGER).code == "not_applicant"


def test_every_illegal_transition_is_refused_with_a_reason():
    for kind in RULES:
        if kind == "submit" or Status.NEW in RULES[kind].from_statuses:
            continue
        assert refused(submitted(), kind, RECEIVER).code in ("illegal_transition",)


def test_withdrawal_then_stop():
    state = run(received(), step("withdraw", CITIZEN, reason="Nộp nhầm"))
    assert state.status == Status.WITHDRAWAL_REQUESTED
    state = run(state, step("stop", RECEIVER))
    assert state.status == Status.STOPPED and state.finished


def test_deadline_flags():
    state = received()
    assert deadline_flag(state, state.due_date - timedelta(days=14), CAL) is None
    assert deadline_flag(state, state.due_date, CAL) == "nearing"
    assert deadline_flag(state, state.due_date + timedelta(days=1), CAL) == "overdue"


# --- stateful property test ---------------------------------------------------------------------

ACTORS = [CITIZEN, STRANGER, RECEIVER, SPECIALIST, LEADER, OUTSIDER, OTHER_LEADER, OTHER_SPECIALIST, GATEWAY]
KINDS = [k for k in RULES if k != "submit"]
PROGRESS = {"receive", "forward", "complete", "return_result"}


class DossierMachine(RuleBasedStateMachine):
    """Random actions by random actors at random later times: the rules never break."""

    def __init__(self):
        super().__init__()
        self.now = MONDAY
        self.state = submitted(self.now)
        self.accepted = [Action("submit", self.now, CITIZEN, data={"applicant_id": APPLICANT, "agency_code": AGENCY})]
        self.statuses = [self.state.status]
        self.due_dates = []

    @rule(kind=st.sampled_from(KINDS), actor=st.sampled_from(ACTORS), hours=st.integers(0, 80),
          reason=st.sampled_from(["", "Lý do"]), outcome=st.sampled_from(["approved", "refused", "maybe"]),
          new_date_offset=st.integers(-3, 15), to_agency=st.sampled_from([AGENCY, OTHER]))
    def act_at_random(self, kind, actor, hours, reason, outcome, new_date_offset, to_agency):
        """Anyone tries anything, often wrongly."""
        base = self.state.appointment_date or self.now.date()
        self.attempt(kind, actor, hours, reason, {
            "outcome": outcome, "to_agency": to_agency, "amount": 50000,
            "new_date": (base + timedelta(days=new_date_offset)).isoformat()})

    @rule(data=st.data(), hours=st.integers(0, 50), outcome=st.sampled_from(["approved", "refused"]),
          later=st.integers(1, 8))
    def act_as_allowed(self, data, hours, outcome, later):
        """Someone allowed to act does, with well-formed data, so long paths get explored."""
        options = [(k, a) for k in KINDS for a in ACTORS if can(self.state, k, a, WORKFLOW)]
        if not options:
            return
        # Moving the dossier on is drawn more often than detours, so full paths get explored too.
        weighted = [o for o in options for _ in range(4 if o[0] in PROGRESS else 1)]
        kind, actor = data.draw(st.sampled_from(weighted))
        base = self.state.appointment_date or self.now.date()
        self.attempt(kind, actor, hours, "Lý do", {
            "outcome": outcome, "to_agency": OTHER if self.state.agency_code == AGENCY else AGENCY, "amount": 50000,
            "new_date": CAL.add_working_days(base, later).isoformat()})

    def attempt(self, kind, actor, hours, reason, data):
        self.now += timedelta(hours=hours)
        action = Action(kind, self.now, actor, reason, data)
        before = self.state
        allowed_before = can(before, kind, actor, WORKFLOW)
        try:
            after = apply(before, action, WORKFLOW, CAL)
        except LifecycleError:
            assert self.state is before  # a refused action changes nothing
            return
        assert allowed_before, f"can() said no but apply() accepted {kind}"
        assert before.status in RULES[kind].from_statuses
        assert after.version == before.version + 1
        assert before.status not in FINAL_STATUSES or (before.status == Status.PROCESSED and kind == "return_result")
        self.state = after
        self.accepted.append(action)
        self.statuses.append(after.status)
        if after.due_date:
            self.due_dates.append(after.due_date)

    @invariant()
    def status_is_national_code(self):
        assert isinstance(self.state.status, Status) and 1 <= int(self.state.status) <= 10

    @invariant()
    def supplement_and_apology_at_most_once(self):
        assert self.state.supplements <= 1 and self.state.apologies <= 1

    @invariant()
    def due_date_only_moves_forward(self):
        assert self.due_dates == sorted(self.due_dates)

    @invariant()
    def due_date_follows_the_clock(self):
        s = self.state
        if s.clock_start is not None:
            assert s.due_date == CAL.add_working_days(s.clock_start, WORKFLOW.statutory_days + s.shift_days)
            assert s.appointment_date >= s.due_date

    @invariant()
    def journal_replays_to_the_same_state(self):
        assert fold(self.accepted, WORKFLOW, CAL) == self.state


TestDossierMachine = DossierMachine.TestCase
TestDossierMachine.settings = settings(max_examples=150, stateful_step_count=30,
                                       suppress_health_check=[HealthCheck.too_slow])


def test_an_apology_date_is_bounded_and_well_formed():
    state = received()
    far = (state.appointment_date + timedelta(days=367)).isoformat()
    assert refused(state, "apologize", RECEIVER, new_date=far).code == "date_too_far"
    assert refused(state, "apologize", RECEIVER, new_date="9999-12-31").code == "date_too_far"
    error = refused(state, "apologize", RECEIVER, new_date="31/12/2026")
    assert error.code == "invalid_date" and error.field == "new_date" and error.status == 422
