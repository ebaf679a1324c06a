"""When a procedure was published and disclosed, and whether on time (index items "công bố đúng hạn" and
"công khai đúng hạn" of Decision 766/QĐ-TTg). Pure Python: dates in, verdicts out.

- Published on time: the decision announcing the procedure is dated at least ``PUBLISH_LEAD`` working days
  before its legal basis takes effect (5 for a provincial chairman's decision, 20 for a ministry's).
- Disclosed on time: the procedure is on the portal and at the one-stop desk no more than ``DISCLOSE_LIMIT``
  working days after the decision (5 for a province, 10 for a ministry).

A verdict needs both of its dates verified; otherwise it is ``None``: not measured, never assumed on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from motcua.calendar import WorkingCalendar, default_calendar

PUBLISHERS = ("ministry", "province")
PUBLISH_LEAD = {"province": 5, "ministry": 20}
DISCLOSE_LIMIT = {"province": 5, "ministry": 10}
DATES = ("decided", "effective", "disclosed")


@dataclass(frozen=True)
class Publication:
    decision: str  # the announcing decision's number, e.g. "1234/QĐ-BTP"
    publisher: str  # "ministry" or "province": who signed it, which sets the limits
    decided: date | None  # ngày ban hành quyết định công bố
    basis: str  # the legal document that creates or changes the procedure
    effective: date | None  # its ngày có hiệu lực
    disclosed: date | None = None  # ngày công khai on the portal and at the one-stop desk
    unverified: frozenset[str] = frozenset()  # the dates above not checked against a source
    source: str = ""  # where the dates were read

    def known(self, name: str) -> date | None:
        """A date that counts: recorded and verified."""
        value: date | None = getattr(self, name)
        return None if name in self.unverified else value


def published_on_time(p: Publication, calendar: WorkingCalendar | None = None) -> bool | None:
    """Decided at least the lead time before the basis takes effect: the working days in (decided, effective]
    reach the lead. None when either date is unknown or unverified."""
    decided, effective = p.known("decided"), p.known("effective")
    if decided is None or effective is None:
        return None
    calendar = calendar or default_calendar()
    return calendar.working_days_between(decided, effective) >= PUBLISH_LEAD[p.publisher]


def disclosed_on_time(p: Publication, calendar: WorkingCalendar | None = None) -> bool | None:
    """Disclosed within the limit after the decision: the working days in (decided, disclosed] stay within
    it. None when either date is unknown or unverified."""
    decided, disclosed = p.known("decided"), p.known("disclosed")
    if decided is None or disclosed is None:
        return None
    calendar = calendar or default_calendar()
    return calendar.working_days_between(decided, disclosed) <= DISCLOSE_LIMIT[p.publisher]
