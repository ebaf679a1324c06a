"""Vietnamese working-day calendar for statutory deadlines.

Pure Python (no Django): built on the ``holidays`` package's Vietnam calendar, which
knows Tết, Hùng Kings' day, 30/4, 1/5, 2/9, substituted days off and the Saturdays
civil servants work in exchange. Government notices that come after a ``holidays``
release are added as overrides (``extra_days_off`` / ``extra_working_days``) rather
than by patching the package.

Counting convention (Decree 118/2025, Decree 63/2024 Art. 7): the day after the start
is day 1, and a dossier received after the 15:00 cut-off, or on a day off, starts
counting from the next working day.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

CUTOFF = time(15, 0)
# Office hours, for deadlines counted in working hours (a handed-over dossier acknowledged within 2 working
# hours, Nghị định 63/2024/NĐ-CP, Điều 7): morning and afternoon sessions of a working day.
OFFICE_HOURS = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))


class WorkingCalendar:
    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        cutoff: time = CUTOFF,
    ) -> None:
        self._public = holidays.country_holidays("VN")
        self._extra_off = frozenset(extra_days_off)
        self._extra_working = frozenset(extra_working_days)
        self.cutoff = cutoff

    @lru_cache(maxsize=8192)  # noqa: B019 — calendars are few and long-lived
    def is_working_day(self, d: date) -> bool:
        if d in self._extra_working:
            return True
        if d in self._extra_off:
            return False
        if d in self._public.weekend_workdays:
            return True
        return d.weekday() < 5 and d not in self._public

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``; the calendar ends at ``date.max``, which is returned
        rather than overflowing (every function here is defined on every date)."""
        while d < date.max:
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        return date.max

    def add_working_days(self, start: date, days: int) -> date:
        """The date on which ``days`` working days after ``start`` have elapsed.

        ``days == 0`` returns ``start`` itself (same-day procedures)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        d = start
        for _ in range(days):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in the half-open span (start, end]."""
        if end <= start:
            return 0
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count

    def counting_start(self, received_at: datetime) -> date:
        """The working day from which a dossier received at ``received_at`` counts.

        ``received_at`` is in local (Vietnam) time."""
        d = received_at.date()
        if self.is_working_day(d) and received_at.time() <= self.cutoff:
            return d
        return self.next_working_day(d)

    def appointment(self, received_at: datetime, days: int) -> date:
        return self.add_working_days(self.counting_start(received_at), days)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of office time after ``start`` (naive or local time) have elapsed: time outside
        the office sessions of working days does not count."""
        if hours < 0:
            raise ValueError("hours must be >= 0")
        left = timedelta(hours=hours)
        day, moment = start.date(), start
        while day < date.max:
            if self.is_working_day(day):
                for opens, closes in OFFICE_HOURS:
                    begin = max(moment, datetime.combine(day, opens, start.tzinfo))
                    end = datetime.combine(day, closes, start.tzinfo)
                    if begin >= end:
                        continue
                    if begin + left <= end:
                        return begin + left
                    left -= end - begin
            day = self.next_working_day(day)
            moment = datetime.combine(day, time.min, start.tzinfo)
        return datetime.combine(date.max, time.max, start.tzinfo)


def _overrides_from_file(path: str | os.PathLike[str]) -> dict[str, list[date]]:
    """Read announced changes: {"days_off": ["2027-..."], "working_days": [...]}."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return {key: [date.fromisoformat(s) for s in raw.get(key, [])] for key in ("days_off", "working_days")}


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The calendar in force: ``holidays`` plus the overrides file named by MOTCUA_CALENDAR_OVERRIDES."""
    path = os.environ.get("MOTCUA_CALENDAR_OVERRIDES")
    if not path:
        return WorkingCalendar()
    overrides = _overrides_from_file(path)
    return WorkingCalendar(overrides["days_off"], overrides["working_days"])


def add_working_days(start: date, days: int) -> date:
    return default_calendar().add_working_days(start, days)


def is_working_day(d: date) -> bool:
    return default_calendar().is_working_day(d)
