"""The identity card's renewal ages (Identity Law 2023, Art. 21), pure: properties and worked examples."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from motcua.proactive.milestones import (
    MILESTONE_AGES,
    Milestone,
    birth_dates_reaching,
    birthday,
    card_expiry,
    renewal_due,
)

births = st.dates(date(1900, 1, 1), date(2030, 12, 31))


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@st.composite
def cards(draw):
    born = draw(births)
    issued = born + timedelta(days=draw(st.integers(0, 90 * 366)))
    return born, issued


@given(cards())
def test_a_card_expires_on_a_milestone_birthday_after_its_issue(card):
    born, issued = card
    expiry = card_expiry(born, issued)
    if expiry is not None:
        assert expiry.age in MILESTONE_AGES and expiry.on == birthday(born, expiry.age) and expiry.on > issued
        # issued more than two years before that milestone
        assert issued < birthday(born, expiry.age - 2)
        # and every earlier milestone was passed or within its two years of grace
        assert all(issued >= birthday(born, age - 2) for age in MILESTONE_AGES if age < expiry.age)


@given(cards())
def test_a_card_issued_from_58_is_valid_for_life(card):
    born, issued = card
    if issued >= birthday(born, 58):
        assert card_expiry(born, issued) is None
    else:
        assert card_expiry(born, issued) is not None


@given(births, st.sampled_from(MILESTONE_AGES[:-1]), st.integers(0, 729))
def test_a_card_issued_within_two_years_before_a_milestone_skips_to_the_next(born, age, days_before):
    issued = birthday(born, age) - timedelta(days=days_before + 1)
    if issued >= birthday(born, age - 2):
        following = MILESTONE_AGES[MILESTONE_AGES.index(age) + 1]
        assert card_expiry(born, issued) == Milestone(following, birthday(born, following))


@given(cards(), st.integers(0, 365))
def test_renewal_is_due_from_the_lead_window_on(card, lead):
    born, issued = card
    expiry = card_expiry(born, issued)
    if expiry is None:
        return
    assert renewal_due(born, issued, expiry.on - timedelta(days=lead + 1), lead) is None
    assert renewal_due(born, issued, expiry.on - timedelta(days=lead), lead) == expiry
    assert renewal_due(born, issued, expiry.on + timedelta(days=400), lead) == expiry  # overdue stays due


@given(births, st.sampled_from(MILESTONE_AGES), st.dates(date(1950, 1, 1), date(2090, 12, 31)),
       st.integers(0, 60), births)
def test_the_birth_date_range_is_exactly_who_reaches_the_age_in_the_window(born, age, first, length, probe):
    last = first + timedelta(days=length)
    low, high = birth_dates_reaching(age, first, last)
    for candidate in (born, probe, low, high, low - timedelta(days=1), high + timedelta(days=1)):
        assert (low <= candidate <= high) == (first <= birthday(candidate, age) <= last)


@given(births, st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_the_milestone_birthday_is_the_day_the_age_is_reached(born, day):
    for age in MILESTONE_AGES:
        assert (age_on(born, day) >= age) == (day >= birthday(born, age)) or (born.month, born.day) == (2, 29)


def test_worked_examples():
    born = date(2001, 3, 10)
    assert card_expiry(born, date(2021, 6, 1)) == Milestone(25, date(2026, 3, 10))  # issued at 20: renew at 25
    assert card_expiry(born, date(2024, 6, 1)) == Milestone(40, date(2041, 3, 10))  # at 23 (within 2 y): at 40
    assert card_expiry(born, date(2013, 6, 1)) == Milestone(25, date(2026, 3, 10))  # at 12 (within 2 y of 14)
    assert card_expiry(born, date(2013, 1, 1)) == Milestone(14, date(2015, 3, 10))  # at 11: renew at 14
    assert card_expiry(born, date(2008, 1, 1)) == Milestone(14, date(2015, 3, 10))  # a child's card, at 6
    assert card_expiry(date(1965, 7, 1), date(2023, 7, 1)) is None  # issued at 58: for life
    assert card_expiry(date(1965, 7, 1), date(2023, 6, 30)) == Milestone(60, date(2025, 7, 1))  # a day short
    assert renewal_due(born, date(2021, 6, 1), date(2026, 2, 8), 30) == Milestone(25, date(2026, 3, 10))
    assert renewal_due(born, date(2021, 6, 1), date(2026, 2, 7), 30) is None
    assert renewal_due(born, None, date(2026, 2, 8), 30) == Milestone(25, date(2026, 3, 10))  # no card known
    assert renewal_due(date(2015, 1, 1), None, date(2026, 1, 1), 30) is None  # 11: nothing to renew


def test_a_29_february_birthday_falls_on_28_february_in_a_common_year():
    leap = date(2000, 2, 29)
    assert birthday(leap, 14) == date(2014, 2, 28) and birthday(leap, 40) == date(2040, 2, 29)
    assert birth_dates_reaching(25, date(2025, 2, 28), date(2025, 2, 28)) == (date(2000, 2, 28), date(2000, 2, 29))
    assert birth_dates_reaching(25, date(2025, 3, 1), date(2025, 3, 1)) == (date(2000, 3, 1), date(2000, 3, 1))
    assert card_expiry(leap, date(2020, 1, 1)) == Milestone(25, date(2025, 2, 28))
