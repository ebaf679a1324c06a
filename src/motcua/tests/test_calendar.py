"""The working-day calendar: Vietnamese holidays, swapped Saturdays, the 15:00 cut-off."""

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua import calendar
from motcua.calendar import WorkingCalendar, add_working_days, default_calendar, is_working_day

CAL = WorkingCalendar()
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@pytest.mark.parametrize("day", [
    *(date(2026, 2, d) for d in range(16, 21)),  # Tết Bính Ngọ 2026, Mon 16 – Fri 20 Feb
    *(date(2027, 2, d) for d in range(4, 11)),  # Tết Đinh Mùi 2027, Thu 4 – Wed 10 Feb
    date(2026, 1, 1), date(2026, 4, 27),  # New Year; Hùng Kings (Sun 26 Apr) observed on Monday
    date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 1), date(2026, 9, 2),
    date(2026, 8, 31),  # Monday off, swapped for Saturday 22 Aug 2026
])
def test_days_off(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 8, 22), date(2026, 2, 23), date(2026, 2, 13), date(2027, 2, 3)])
def test_working_days(day):
    assert is_working_day(day)


def test_swapped_saturday_is_the_only_working_saturday_that_month():
    saturdays = [date(2026, 8, d) for d in range(1, 32) if date(2026, 8, d).weekday() == 5]
    assert [d for d in saturdays if is_working_day(d)] == [date(2026, 8, 22)]


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 = Monday
    (date(2026, 2, 13), 1, date(2026, 2, 23)),  # across Tết 2026
    (date(2026, 2, 12), 3, date(2026, 2, 24)),
    (date(2026, 8, 21), 1, date(2026, 8, 22)),  # the swapped Saturday counts
    (date(2026, 8, 28), 1, date(2026, 9, 3)),  # over 31 Aug, 1 and 2 Sep
    (date(2027, 2, 3), 1, date(2027, 2, 11)),  # across Tết 2027
    (date(2026, 11, 20), 0, date(2026, 11, 20)),
])
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_negative_days_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize("received, start", [
    (datetime(2026, 11, 20, 14, 59), date(2026, 11, 20)),
    (datetime(2026, 11, 20, 15, 0), date(2026, 11, 20)),
    (datetime(2026, 11, 20, 15, 1), date(2026, 11, 23)),  # after 15:00 on a Friday: Monday
    (datetime(2026, 11, 22, 9, 0), date(2026, 11, 23)),  # Sunday
    (datetime(2026, 2, 17, 9, 0), date(2026, 2, 23)),  # during Tết
])
def test_counting_start_and_cutoff(received, start):
    assert CAL.counting_start(received) == start
    assert CAL.appointment(received, 3) == CAL.add_working_days(start, 3)


def test_overrides_for_announced_changes():
    extra_off, extra_work = date(2026, 12, 31), date(2026, 12, 26)
    cal = WorkingCalendar(extra_days_off=[extra_off], extra_working_days=[extra_work])
    assert not cal.is_working_day(extra_off) and cal.is_working_day(extra_work)
    assert cal.add_working_days(date(2026, 12, 25), 1) == extra_work


def test_overrides_file(tmp_path, monkeypatch):
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"days_off": ["2026-12-31"], "working_days": ["2026-12-26"]}))
    monkeypatch.setenv("MOTCUA_CALENDAR_OVERRIDES", str(path))
    default_calendar.cache_clear()
    try:
        assert not calendar.is_working_day(date(2026, 12, 31))
        assert calendar.is_working_day(date(2026, 12, 26))
    finally:
        monkeypatch.delenv("MOTCUA_CALENDAR_OVERRIDES")
        default_calendar.cache_clear()
    assert calendar.is_working_day(date(2026, 12, 31))


@given(days, st.integers(1, 60))
def test_result_is_a_working_day_after_start(start, n):
    result = CAL.add_working_days(start, n)
    assert CAL.is_working_day(result) and result > start


@given(days, st.integers(0, 60), st.integers(0, 60))
def test_monotone_and_additive(start, m, n):
    assert CAL.add_working_days(start, m) <= CAL.add_working_days(start, m + n)
    assert CAL.add_working_days(start, m + n) == CAL.add_working_days(CAL.add_working_days(start, m), n)


@given(days, st.integers(0, 60))
def test_between_inverts_add(start, n):
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(days)
def test_next_working_day_skips_only_days_off(d):
    nxt = CAL.next_working_day(d)
    gap = (nxt - d).days
    assert all(not CAL.is_working_day(d + timedelta(days=i)) for i in range(1, gap))


@given(st.dates(min_value=date(9999, 11, 1)), st.integers(0, 120))
def test_the_calendar_is_total_at_the_end_of_time(start, n):
    """No date makes the calendar overflow: past the last representable day it stays on date.max."""
    cal = default_calendar()
    end = cal.add_working_days(start, n)
    assert start <= end <= date.max
    assert cal.working_days_between(start, end) <= n
    assert cal.next_working_day(date.max) == date.max


@pytest.mark.parametrize(("start", "due"), [
    ("2026-12-07 10:00", "2026-12-07 13:30"),  # the lunch break does not count
    ("2026-12-07 16:30", "2026-12-08 09:00"),  # half an hour today, the rest next morning
    ("2026-12-11 16:30", "2026-12-14 09:00"),  # Friday afternoon: Monday morning
    ("2026-12-07 06:00", "2026-12-07 09:30"),  # before the office opens
])
def test_working_hours_count_only_office_sessions_of_working_days(start, due):
    assert WorkingCalendar().add_working_hours(datetime.fromisoformat(start), 2) == datetime.fromisoformat(due)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
       st.floats(min_value=0, max_value=40))
def test_working_hours_never_go_back_and_add_up(start, hours):
    cal = WorkingCalendar()
    after = cal.add_working_hours(start, hours)
    assert after >= start
    assert cal.add_working_hours(cal.add_working_hours(start, hours / 2), hours / 2) - after < timedelta(seconds=1)
