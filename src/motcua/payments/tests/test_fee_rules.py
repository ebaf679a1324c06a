"""Fee schedules as pure rules: reading and checking them (YAML and CSV, every problem with its line), the
rule in force on a day, zero-fee online periods, exemptions and reductions, and the shipped schedules."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.services import FEES_DIR
from motcua.catalog.spec import Fees
from motcua.payments import fees
from motcua.payments.schedules import (
    Amount,
    FeeRule,
    FeeSchedule,
    OnlineFree,
    Period,
    Relief,
    Resolution,
    ScheduleError,
    csv_problems,
    parse_schedule,
    read_csv,
    read_yaml,
    to_csv,
    to_document,
)

NQ = "12/2026/NQ-HĐND"
SCHEDULE = {
    "authority": "01", "kind": "province", "name": {"vi": "Thành phố Hà Nội", "en": "Hanoi"},
    "resolutions": [{"number": NQ, "date": "2026-01-10", "title": "Lệ phí hộ tịch"},
                    {"number": "1/2027/NQ-HĐND", "date": "2026-12-01", "title": "Mức thu mới"}],
    "rules": [
        {"procedure": "1.004873", "from": "2026-01-20", "to": "2026-12-31", "counter": 5000, "online": 3000,
         "basis": NQ, "online_free": [{"from": "2026-06-01", "to": "2026-08-31", "basis": NQ}],
         "reliefs": [
             {"code": "ho_ngheo", "kind": "exemption", "label": {"vi": "Hộ nghèo", "en": "Poor household"},
              "proof": {"vi": "Giấy chứng nhận hộ nghèo", "en": "Poor-household certificate"}, "basis": NQ},
             {"code": "sinh_vien", "kind": "reduction", "percent": 50, "label": {"vi": "Sinh viên", "en": "Student"},
              "basis": NQ, "from": "2026-03-01", "to": "2026-04-30"},
             {"code": "nguoi_co_cong", "kind": "reduction", "pays": 1000,
              "label": {"vi": "Người có công", "en": "Person with merit"}, "basis": NQ, "verified": False}]},
        {"procedure": "1.004873", "from": "2027-01-01", "counter": {"value": 8000, "verified": False},
         "online": 0, "basis": "1/2027/NQ-HĐND"},
    ],
}


def schedule() -> FeeSchedule:
    return parse_schedule(SCHEDULE)


def on(schedule: FeeSchedule, day: str, channel: str = "counter", relief: str = "") -> fees.FeeQuote:
    when = date.fromisoformat(day)
    rule = schedule.rule_in_force("1.004873", when)
    assert rule is not None
    return fees.quote_rule(schedule, rule, channel, when, relief)


def test_the_rule_in_force_depends_on_the_day():
    s = schedule()
    assert on(s, "2026-02-01").amount == 5000 and on(s, "2027-02-01").amount == 8000
    assert s.rule_in_force("1.004873", date(2026, 1, 19)) is None  # before the first rule: the catalog's rates
    later = on(s, "2027-02-01")
    assert not later.verified and "1/2027/NQ-HĐND" in later.reasons[0].vi and "từ 01/01/2027" in later.reasons[0].vi


def test_zero_fee_online_period_is_honoured_online_only():
    s = schedule()
    assert on(s, "2026-05-31", "online").amount == 3000
    free = on(s, "2026-06-01", "online")
    assert (free.amount, free.basis, free.full_amount) == (0, "online_free", 3000)
    assert "0 đồng" in free.reasons[-1].vi and "nothing to pay" in free.reasons[-1].en
    assert on(s, "2026-06-01", "counter").amount == 5000
    assert on(s, "2026-09-01", "online").amount == 3000


def test_exemption_pays_nothing_and_reductions_lower_the_fee():
    s = schedule()
    exempt = on(s, "2026-02-01", relief="ho_ngheo")
    assert (exempt.amount, exempt.basis, exempt.exemption) == (0, "exempt", "ho_ngheo")
    assert "Hộ nghèo: miễn" in exempt.reasons[-1].vi
    half = on(s, "2026-03-15", relief="sinh_vien")
    assert (half.amount, half.basis) == (2500, "reduced") and "50% off" in half.reasons[-1].en
    fixed = on(s, "2026-03-15", relief="nguoi_co_cong")
    assert fixed.amount == 1000 and not fixed.verified


def test_a_relief_outside_its_period_or_not_listed_is_refused():
    s = schedule()
    with pytest.raises(fees.ReliefNotInForce) as refused:
        on(s, "2026-05-02", relief="sinh_vien")
    assert refused.value.field == "exemption"
    with pytest.raises(fees.UnknownExemption):
        on(s, "2026-05-02", relief="made_up")


def test_the_catalog_rates_apply_without_a_rule():
    national = Fees(counter=15000, online=7000, exemptions=("Người có công với cách mạng",))
    assert fees.quote(national, "online").amount == 7000
    exempt = fees.quote(national, "counter", "Người có công với cách mạng")
    assert exempt.amount == 0 and exempt.full_amount == 15000 and "danh mục" in exempt.reasons[0].vi


def test_every_problem_is_reported_with_its_field_and_line():
    text = """authority: "01"
kind: province
name: {vi: "Hà Nội", en: "Hanoi"}
resolutions:
  - {number: "1/2026/NQ-HĐND", date: 2026-01-01, title: "x"}
rules:
  - procedure: "1.004873"
    from: 2026-13-01
    counter: -5
    online: "free"
    basis: "9/2026/NQ-HĐND"
    reliefs:
      - {code: a, kind: reduction, label: {vi: A, en: A}, basis: "1/2026/NQ-HĐND"}
  - procedure: "9.999999"
    from: 2026-01-01
    counter: 1
    online: 1
    basis: "1/2026/NQ-HĐND"
"""
    data, lines = read_yaml(text)
    with pytest.raises(ScheduleError) as failed:
        parse_schedule(data, lines, procedures={"1.004873"})
    found = {(p.path, p.line) for p in failed.value.problems}
    assert ("rules[0].from", 8) in found  # not a date
    assert ("rules[0].counter", 9) in found  # negative
    assert ("rules[0].online", 10) in found  # not a number
    assert ("rules[0].basis", 11) in found  # no such resolution listed
    assert ("rules[0].reliefs[0]", 13) in found  # a reduction without percent or pays
    assert ("rules[1].procedure", 14) in found  # not in the catalog


def test_overlapping_rules_are_refused():
    data = {**SCHEDULE, "rules": [SCHEDULE["rules"][0], {**SCHEDULE["rules"][1], "from": "2026-12-01"}]}
    with pytest.raises(ScheduleError) as failed:
        parse_schedule(data)
    assert [p.path for p in failed.value.problems] == ["rules[1].from"]


def test_csv_problems_point_at_their_rows():
    text = ("record,procedure,code,kind,from,to,counter,online,percent,pays,basis,label_vi,label_en\n"
            "schedule,,01,province,,,,,,,,Hà Nội,Hanoi\n"
            "resolution,,1/2026/NQ-HĐND,,2026-01-01,,,,,,,Lệ phí,\n"
            "rule,1.004873,,,2026-01-01,,abc,0,,,1/2026/NQ-HĐND,,\n"
            "bogus,,,,,,,,,,,,\n")
    data, lines = read_csv(text)
    assert [(p.path, p.line) for p in csv_problems(data, lines)] == [("record", 5)]
    del data["__rows__"]
    with pytest.raises(ScheduleError) as failed:
        parse_schedule(data, lines)
    assert [(p.path, p.line) for p in failed.value.problems] == [("rules[0].counter", 4)]
    assert csv_problems(*read_csv("a,b\n1,2\n"))[0].line == 1


def test_yaml_and_csv_give_back_the_same_schedule():
    s = schedule()
    assert parse_schedule(to_document(s)) == s
    assert parse_schedule(*read_csv(to_csv(s))) == s


@pytest.mark.parametrize("path", sorted(FEES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_schedules_are_valid_and_cite_resolutions(path):
    s = parse_schedule(*read_yaml(path.read_text(encoding="utf-8")))
    assert s.authority == path.stem and s.kind == "province"
    assert all("NQ-HĐND" in r.number or "TT-BTC" in r.number for r in s.resolutions)
    assert any("NQ-HĐND" in s.resolution(rule.basis).number for rule in s.rules)


def shipped(code: str) -> FeeSchedule:
    return parse_schedule(*read_yaml((FEES_DIR / f"{code}.yaml").read_text(encoding="utf-8")))


def test_shipped_rates_differ_by_province_and_by_day():
    day = date(2026, 3, 2)
    hanoi, danang, hcm = shipped("01"), shipped("48"), shipped("79")
    marital = [fees.quote_rule(s, s.rule_in_force("1.004873", day), "counter", day).amount for s in (hanoi, danang)]
    assert marital == [3000, 15000]  # Nghị quyết 06/2020 (Hà Nội), 341/2020 (Đà Nẵng)
    permit = hcm.rule_in_force("1.013225", date(2025, 9, 1))
    assert fees.quote_rule(hcm, permit, "online", date(2025, 9, 1)).amount == 75000
    assert fees.quote_rule(hcm, permit, "online", date(2025, 10, 1)).basis == "online_free"  # Nghị quyết 411


# --- properties ----------------------------------------------------------------------------------------

DAY0 = date(2020, 1, 1)
days = st.integers(0, 3000).map(lambda n: DAY0 + timedelta(days=n))


@st.composite
def schedules(draw) -> FeeSchedule:
    """Rules of one procedure over consecutive, non-overlapping periods, each with a free-online period and
    reliefs of every kind."""
    cuts = sorted(draw(st.sets(st.integers(1, 2999), min_size=1, max_size=5)))
    starts = [0, *cuts]
    rules = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else None
        period = Period(DAY0 + timedelta(days=start), DAY0 + timedelta(days=end) if end is not None else None)
        free_from = draw(st.integers(0, 400))
        reliefs = (Relief("mien", "exemption", "Miễn", "Exempt", NQ),
                   Relief("giam", "reduction", "Giảm", "Reduced", NQ, percent=draw(st.integers(1, 100))),
                   Relief("muc", "reduction", "Mức", "Fixed", NQ, pays=draw(st.integers(0, 10**6))))
        rules.append(FeeRule(
            "1.004873", period, Amount(draw(st.integers(0, 10**7))), Amount(draw(st.integers(0, 10**7))), NQ,
            (OnlineFree(Period(period.start + timedelta(days=free_from),
                               period.start + timedelta(days=free_from + draw(st.integers(0, 200)))), NQ),),
            reliefs))
    return FeeSchedule("01", "province", "Hà Nội", "Hanoi", (Resolution(NQ, DAY0, "x"),), tuple(rules))


@given(schedules(), days)
def test_exactly_one_rule_is_in_force_on_a_day(s, day):
    covering = [r for r in s.rules if r.period.covers(day)]
    assert len(covering) == 1 and s.rule_in_force("1.004873", day) is covering[0]


@given(schedules(), days, st.sampled_from(["online", "counter"]), st.sampled_from(["", "mien", "giam", "muc"]))
def test_a_quote_is_never_above_the_rate_and_explains_itself(s, day, channel, relief):
    rule = s.rule_in_force("1.004873", day)
    q = fees.quote_rule(s, rule, channel, day, relief)
    rate = (rule.online if channel == "online" else rule.counter).value
    assert 0 <= q.amount <= q.full_amount == rate
    assert len(q.reasons) >= 2 and all(r.vi and r.en for r in q.reasons)
    if channel == "online" and rule.online_free_on(day):
        assert q.amount == 0 and q.basis == "online_free"
    elif relief == "mien":
        assert q.amount == 0 and q.basis == "exempt"
    elif relief == "":
        assert q.amount == rate


@given(st.integers(0, 10**7), st.integers(1, 100), st.integers(1, 100))
def test_a_larger_reduction_never_costs_more(amount, p1, p2):
    low, high = sorted((p1, p2))
    pays_low = Relief("a", "reduction", "", "", NQ, percent=low).apply(amount)
    pays_high = Relief("b", "reduction", "", "", NQ, percent=high).apply(amount)
    assert 0 <= pays_high <= pays_low <= amount


@given(schedules())
def test_any_schedule_survives_export_and_import(s):
    assert parse_schedule(to_document(s)) == s
    assert parse_schedule(*read_csv(to_csv(s))) == s
