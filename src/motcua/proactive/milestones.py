"""When an identity card must be renewed, pure Python (no Django import).

Identity Law 2023 (Luật Căn cước số 26/2023/QH15), Article 21: a citizen renews the card on reaching 14, 25, 40
and 60; a card issued, renewed or re-issued within the 2 years before one of those ages stays valid until the
next one. So a card issued from 58 is never renewed for age (valid for life).

A birthday on 29 February falls on 28 February in a common year: a period counted in years ends on the
corresponding day of its last year, or on the last day of that month when it has no such day (Civil Code 2015,
Article 148(3)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MILESTONE_AGES = (14, 25, 40, 60)
GRACE_YEARS = 2  # a card issued within this many years before a milestone is valid until the next one


@dataclass(frozen=True)
class Milestone:
    """A renewal age and the birthday on which it is reached (the day the card stops being valid)."""

    age: int
    on: date


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier, when negative); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def birthday(birth_date: date, age: int) -> date:
    """The day the person reaches ``age``."""
    return years_after(birth_date, age)


def card_expiry(birth_date: date, issued_on: date) -> Milestone | None:
    """The milestone at which a card issued on ``issued_on`` must be renewed; None when it is valid for life."""
    for age in MILESTONE_AGES:
        reached = birthday(birth_date, age)
        if issued_on >= reached:
            continue  # issued at or after this age: the next milestone is the one that matters
        if issued_on >= birthday(birth_date, age - GRACE_YEARS):
            continue  # issued within the two years before it: valid until the next one
        return Milestone(age, reached)
    return None


def last_milestone_by(birth_date: date, day: date) -> Milestone | None:
    """The latest milestone reached on or before ``day`` (None before 14)."""
    reached = [Milestone(age, birthday(birth_date, age)) for age in MILESTONE_AGES]
    past = [m for m in reached if m.on <= day]
    return past[-1] if past else None


def renewal_due(birth_date: date, issued_on: date | None, today: date, lead_days: int = 30) -> Milestone | None:
    """The milestone for which the holder should renew now: the card's expiry once ``today`` is within
    ``lead_days`` of it (or past it). With no card known (``issued_on`` None) the latest milestone reached by
    the end of the lead window is due; None when nothing is due."""
    horizon = today + timedelta(days=lead_days)
    if issued_on is None:
        return last_milestone_by(birth_date, horizon)
    expiry = card_expiry(birth_date, issued_on)
    return expiry if expiry is not None and expiry.on <= horizon else None


def birth_dates_reaching(age: int, first: date, last: date) -> tuple[date, date]:
    """The range of birth dates whose ``age``-th birthday falls within [``first``, ``last``]: what the daily job
    asks the registry for (one indexed range per milestone). Empty when the returned start is after its end."""
    low = years_after(first, -age)
    while birthday(low - timedelta(days=1), age) >= first:
        low -= timedelta(days=1)
    while birthday(low, age) < first:
        low += timedelta(days=1)
    high = years_after(last, -age)
    while birthday(high + timedelta(days=1), age) <= last:
        high += timedelta(days=1)
    while birthday(high, age) > last:
        high -= timedelta(days=1)
    return low, high
