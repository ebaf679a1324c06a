"""A year of the country's one-stop activity for the demo: tens of thousands of dossiers over the last twelve
months, across the 34 provinces and their communes, so that the index's rankings and trends mean something on
the first start.

Every dossier has a real journal: the actions the services write (submission, reception, forwards, a supplement
asked and answered, a fee asked and paid, an apology, the decision, the return of the result), each taken by an
official of the agency in the role its workflow step names, on working days of the calendar, and folded by the
lifecycle rules as it is built — so the status, the statutory clock, the due date and on-time or late are what
the rules make of it, never set by hand. Payments, the sandbox gateway's ledger of the online ones, scanned or
uploaded evidence and the citizens' ratings are the records the services would have written beside the journal.
They are inserted in bulk (the journal's hash chain computed as for every insert), and each dossier is counted in
the index's roll-ups by the outbox consumer's own function on the state its journal folds to (the tests check that
``motcua metrics rebuild`` then finds the same figures; a rebuild would double the time of the first start).

What the year leaves out, and why each figure stays honest without it, is in docs/demo.md: results were issued
on paper (no signed document exists, so none counts as electronic), nothing was pushed to the national portal,
the applicants are not in the demo's small sample registries (nothing was pre-filled from them).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import DateTimeField, Max, Min, Model
from django.utils import timezone
from faker.providers.person.vi_VN import Provider as VietnameseNames

from motcua.calendar import OFFICE_HOURS, default_calendar
from motcua.catalog import divisions
from motcua.catalog.forms import validate_form
from motcua.catalog.models import Agency, Procedure, ProcedureVersion
from motcua.catalog.services import competent_agency, fold_text, spec_of
from motcua.catalog.spec import ProcedureSpec
from motcua.demo.seeding import sample_scan
from motcua.documents.models import Attachment
from motcua.dossiers import filing, services
from motcua.dossiers.lifecycle import LOCAL_TZ, Action, DossierState, apply, local_date, start
from motcua.dossiers.models import DailySequence, Dossier, DossierAction
from motcua.dossiers.printable import printable_characters
from motcua.identity.actors import Actor, Role, citizen_actor
from motcua.identity.id_number import compose
from motcua.identity.models import Official
from motcua.metrics import rollup
from motcua.metrics.models import Rating
from motcua.payments import fee_schedules, fees, sandbox
from motcua.payments import services as payments
from motcua.payments.models import FeeSchedule, Payment, SandboxTransaction

# People living in each province, in thousands: the 2024 figures the 2025 merger's resolutions list, rounded
# (approximate: they weigh where dossiers come from, nothing is computed from them).
PROVINCE_POPULATION = {
    "01": 8807, "04": 573, "08": 1865, "11": 651, "12": 494, "14": 1300, "15": 1779, "19": 1799, "20": 813,
    "22": 1430, "24": 3619, "25": 4022, "31": 4665, "33": 3567, "37": 4412, "38": 4324, "40": 3831, "42": 1623,
    "44": 1870, "46": 1432, "48": 3065, "51": 2161, "52": 3583, "56": 2243, "66": 3346, "68": 3872, "75": 4491,
    "79": 14002, "80": 3254, "82": 4370, "86": 4257, "91": 4952, "92": 4199, "96": 2606,
}
# People in the two big cities file more each (migrants registering residence, businesses, certified copies).
CITY_PULL = {"01": 1.4, "79": 1.4}
# How often people need each procedure, relative to the others (births, residence, ID cards, copies first).
PROCEDURE_DEMAND = {
    "1.001193": 14, "1.004222": 12, "1.004194": 14, "1.014064": 8, "1.014063": 6, "1.000656": 4, "1.000894": 5,
    "2.000815": 12, "2.000635": 6, "1.004873": 5, "3.000333": 6, "3.000347": 5, "1.003197": 2, "1.001612": 2,
    "2.001610": 1, "1.007565": 1, "1.013225": 1, "1.013978": 1, "1.001776": 1, "1.001731": 1, "1.014137": 3,
    "1.014177": 1, "1.014178": 0.5, "1.014179": 0.5, "1.001471": 2, "2.002352": 0.5, "1.002032": 0.3,
    "1.000355": 0.3,
}
# Filings by month: fewer in the month of Tết, more before it and at the year's end, residence in late summer.
MONTH_DEMAND = {1: 1.15, 2: 0.75, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.0, 7: 1.05, 8: 1.15, 9: 1.05, 10: 1.0,
                11: 1.0, 12: 1.1}
OFF_DAY_ONLINE = 0.35  # online filings on a day off, against a working day
DEMO_DOSSIERS = 30_000  # what the demo seeds: see docs/demo.md for the time it takes
BATCH = 1000

SUPPLEMENT_REASONS = (
    "Thiếu bản sao giấy tờ chứng minh chỗ ở hợp pháp.",
    "Thông tin trên tờ khai chưa khớp với giấy tờ kèm theo, đề nghị kê khai lại.",
    "Ảnh chụp giấy tờ không rõ, đề nghị nộp lại bản rõ nét.",
    "Thiếu chữ ký của người có yêu cầu trên tờ khai.",
)
SUPPLEMENT_ANSWER = "Đã bổ sung, kê khai lại theo yêu cầu của cơ quan."
REFUSALS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "Hồ sơ đã được nộp trùng, đang được giải quyết theo mã hồ sơ trước.",
)
DECISION_REFUSALS = (
    "Không đủ điều kiện theo quy định của pháp luật.",
    "Giấy tờ kèm theo không hợp lệ sau khi xác minh.",
)
WITHDRAWALS = ("Không còn nhu cầu giải quyết.", "Xin rút hồ sơ để bổ sung giấy tờ và nộp lại sau.")
STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Nguyễn Huệ", "Điện Biên Phủ", "Hùng Vương", "Trần Phú")
TRADES = ("Tạp hóa", "Cà phê", "Sửa xe máy", "May đo", "Cắt tóc", "Rau quả", "Quán cơm", "Văn phòng phẩm")
GATEWAY_BANKS = tuple(code for code, _ in sandbox.BANKS)
OFFICE_MINUTES = tuple(
    (datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).seconds // 60
    for opens, closes in OFFICE_HOURS)


@dataclass(frozen=True)
class Profile:
    """How a province's offices and people behave over the year: what makes the rankings differ."""

    online: float  # share filed online, where the procedure is offered fully online
    late: float  # share decided after the due date
    supplement: float  # share asked for a supplement
    scanned: float  # share of counter filings whose papers are scanned
    pays_online: float  # share of online dossiers owing a fee that pay it through the gateway
    rates: float  # share of returned results the applicant rates
    mood: float  # 0 … 1: how satisfied those who rate are


@dataclass
class Filed:
    """What one dossier of the year amounts to: its row, its journal, and the records beside them."""

    dossier: Dossier
    actions: list[Action] = field(default_factory=list)
    state: DossierState | None = None
    evidence_origin: str = ""  # "upload" (online) or "scan" (counter, when scanned); "": paper only
    payment: Payment | None = None
    gateway_record: SandboxTransaction | None = None
    rating: Rating | None = None

    @property
    def current(self) -> DossierState:
        assert self.state is not None, "a filed dossier has its journal folded"
        return self.state


class YearEnded(Exception):  # noqa: N818 — not an error: the journal stops at the present
    """An action would fall after the present: the dossier's journal ends before it."""


@dataclass
class Journal:
    """A dossier's journal being written: each action goes through the lifecycle rules as it is added."""

    spec: ProcedureSpec
    now: datetime
    actions: list[Action] = field(default_factory=list)
    state: DossierState | None = None

    def add(self, kind: str, at: datetime, actor: Actor, reason: str = "", data: dict | None = None) -> None:
        if at > self.now:
            raise YearEnded
        action = Action(kind, at.astimezone(UTC), actor, reason, data or {})
        cal = default_calendar()
        self.state = start(action, self.spec.workflow) if self.state is None else apply(
            self.state, action, self.spec.workflow, cal)
        self.actions.append(action)

    @property
    def current(self) -> DossierState:
        assert self.state is not None, "a journal starts with its submission"
        return self.state

    @property
    def last_at(self) -> datetime:
        return self.actions[-1].at.astimezone(LOCAL_TZ)


class Year:
    """Draws the year's dossiers, deterministic for a seed, in the order they were filed."""

    def __init__(self, total: int, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.cal = default_calendar()
        self.versions: dict[str, ProcedureVersion] = {
            p.code: p.current_version for p in Procedure.objects.select_related("current_version")
            if p.current_version is not None and p.code in PROCEDURE_DEMAND}
        self.specs = {code: spec_of(v) for code, v in self.versions.items()}
        self.provinces = divisions.provinces()
        self.communes: dict[str, list[divisions.Division]] = {}
        for commune in divisions.communes().values():
            self.communes.setdefault(commune.province_code, []).append(commune)
        self.profiles = {code: self._profile() for code in sorted(PROVINCE_POPULATION)}
        self.officials: dict[str, dict[Role, Actor]] = self._existing_officials()
        self.new_officials: list[tuple[Actor, Agency]] = []
        self.sequences: dict[tuple[str, date], int] = {
            (s.agency_code, s.day): s.last for s in DailySequence.objects.filter(day__gte=(now - timedelta(
                days=400)).date())}
        self.serials: dict[str, int] = {}
        self.transaction_no = int(SandboxTransaction.objects.aggregate(n=Max("transaction_no"))["n"] or "14000000")
        self.schedules: dict[str, fee_schedules.FeeSchedule | None] = {}
        self.first_import = FeeSchedule.objects.aggregate(first=Min("imported_at"))["first"] or datetime.max.replace(
            tzinfo=UTC)
        self.printable = printable_characters()
        self.filings = self._filings(total)

    def save_officials(self) -> None:
        """The officials added for the year: accounts without a password (an operator gives one with
        ``motcua officials reset-password``), in the agency and role the journal names them in."""
        users = get_user_model().objects.bulk_create([
            get_user_model()(username=actor.id, password=make_password(None)) for actor, _ in self.new_officials])
        Official.objects.bulk_create([
            Official(user=user, agency=agency, role=actor.role, full_name=actor.name)
            for user, (actor, agency) in zip(users, self.new_officials, strict=True)])

    def save_sequences(self) -> None:
        """The daily series the codes were taken from, so that the next dossier of a day continues them."""
        existing = {(s.agency_code, s.day): s for s in DailySequence.objects.filter(
            day__gte=min((day for _, day in self.sequences), default=local_date(self.now)))}
        new = []
        for (agency_code, day), last in self.sequences.items():
            row = existing.get((agency_code, day))
            if row is None:
                new.append(DailySequence(agency_code=agency_code, day=day, last=last))
            elif row.last != last:
                DailySequence.objects.filter(pk=row.pk).update(last=last)
        DailySequence.objects.bulk_create(new)

    # --- where and when people file ------------------------------------------------------------------------

    def _profile(self) -> Profile:
        r = self.rng
        return Profile(online=r.uniform(0.45, 0.8), late=r.uniform(0.01, 0.14), supplement=r.uniform(0.03, 0.12),
                       scanned=r.uniform(0.2, 0.9), pays_online=r.uniform(0.5, 0.95), rates=r.uniform(0.15, 0.5),
                       mood=r.uniform(0.55, 0.95))

    def _filings(self, total: int) -> list[tuple[datetime, str, divisions.Division, str]]:
        """(when, channel, commune, procedure) of every filing, in time order."""
        r = self.rng
        first = local_date(self.now) - timedelta(days=365)
        days = [first + timedelta(days=i) for i in range(1, 366)]
        working = [d for d in days if self.cal.is_working_day(d)]
        online_days = list(itertools.accumulate(
            MONTH_DEMAND[d.month] * (1 if self.cal.is_working_day(d) else OFF_DAY_ONLINE) for d in days))
        counter_days = list(itertools.accumulate(MONTH_DEMAND[d.month] for d in working))
        province_codes = sorted(PROVINCE_POPULATION)
        province_weights = list(itertools.accumulate(
            PROVINCE_POPULATION[p] * CITY_PULL.get(p, 1) for p in province_codes))
        procedures = sorted(self.specs)
        procedure_weights = list(itertools.accumulate(PROCEDURE_DEMAND[p] for p in procedures))
        filings = []
        for _ in range(total):
            province = r.choices(province_codes, cum_weights=province_weights)[0]
            code = r.choices(procedures, cum_weights=procedure_weights)[0]
            spec = self.specs[code]
            # online keeps growing over the year (about 12 points from the first month to the last)
            day = r.choices(days, cum_weights=online_days)[0]
            trend = ((day - first).days / 365 - 0.5) * 0.12
            share = (self.profiles[province].online + trend) * (1 if spec.online_level == "full" else 0.5)
            if r.random() < share:
                at = self._citizen_moment(datetime.combine(day, time.min, LOCAL_TZ))
                channel = "online"
            else:
                day = r.choices(working, cum_weights=counter_days)[0]
                at = self._office_moment(day)
                channel = "counter"
            filings.append((at, channel, r.choice(self.communes[province]), code))
        filings.sort(key=lambda f: f[0])
        return [f for f in filings if f[0] <= self.now]

    # --- time on the office's calendar --------------------------------------------------------------------

    def _office_moment(self, day: date, after: datetime | None = None) -> datetime:
        """A moment in the office hours of working day ``day``, later than ``after`` when that is the same
        day; the next working day's if none is left."""
        lowest = 0
        if after is not None and local_date(after) == day:
            lowest = self._office_minute(after.astimezone(LOCAL_TZ).time()) + 5
        if lowest >= sum(OFFICE_MINUTES):
            return self._office_moment(self.cal.next_working_day(day))
        minute = self.rng.randrange(lowest, sum(OFFICE_MINUTES))
        for (opens, _), length in zip(OFFICE_HOURS, OFFICE_MINUTES, strict=True):
            if minute < length:
                return datetime.combine(day, opens, LOCAL_TZ) + timedelta(minutes=minute)
            minute -= length
        raise AssertionError("unreachable: the minute is within the office hours")

    @staticmethod
    def _office_minute(moment: time) -> int:
        """How many office minutes of its day have passed at ``moment``."""
        passed = 0
        for (opens, closes), length in zip(OFFICE_HOURS, OFFICE_MINUTES, strict=True):
            if moment >= closes:
                passed += length
            elif moment > opens:
                passed += (datetime.combine(date.min, moment) - datetime.combine(date.min, opens)).seconds // 60
        return passed

    def _after(self, moment: datetime, working_days: int = 0) -> datetime:
        """An office moment ``working_days`` working days after ``moment`` (0: later the same working day, or
        the next one)."""
        day = local_date(moment)
        if working_days:
            return self._office_moment(self.cal.add_working_days(day, working_days))
        if not self.cal.is_working_day(day):
            return self._office_moment(self.cal.next_working_day(day))
        return self._office_moment(day, after=moment)

    def _citizen_moment(self, moment: datetime, days: int = 0) -> datetime:
        """When a citizen acts, online, ``days`` days after ``moment``: any day, in waking hours."""
        day = local_date(moment) + timedelta(days=days)
        return datetime.combine(day, time(self.rng.randint(6, 22), self.rng.randint(0, 59)), LOCAL_TZ)

    def _on(self, day: date, after: datetime) -> datetime:
        """An office moment of ``day``, or of the first working day after ``after`` when ``day`` is not later."""
        return self._after(after) if day <= local_date(after) else self._office_moment(day)

    # --- who ------------------------------------------------------------------------------------------------

    @staticmethod
    def _existing_officials() -> dict[str, dict[Role, Actor]]:
        found: dict[str, dict[Role, Actor]] = {}
        for o in Official.objects.select_related("user", "agency").order_by("pk"):
            found.setdefault(o.agency.code, {}).setdefault(Role(o.role), Actor(
                "official", o.user.username, o.full_name, o.agency.code, Role(o.role)))
        return found

    def official(self, agency: Agency, role: Role) -> Actor:
        """The agency's official in that role: one of its own, or one added for the year."""
        staff = self.officials.setdefault(agency.code, {})
        if role not in staff:
            sex = self.rng.choice("MF")
            actor = Actor("official", f"{agency.code.lower()}.{role.value}", self.name(sex), agency.code, role)
            staff[role] = actor
            self.new_officials.append((actor, agency))
        return staff[role]

    def name(self, sex: str, family: str = "") -> str:
        given = VietnameseNames.first_names_male if sex == "M" else VietnameseNames.first_names_female
        return (f"{family or self.rng.choice(VietnameseNames.last_names)} "
                f"{self.rng.choice(VietnameseNames.middle_names)} {self.rng.choice(given)}")

    def _id_number(self, province: str, sex: str, born: int) -> str:
        """A well-formed personal ID number, unique in the year; serials 200000–499999, apart from the
        registries' generated people (500000 and above) and the hand-made demo people (below)."""
        prefix = compose(province, sex, born, 0)[:6]
        n = self.serials.get(prefix, 0)
        self.serials[prefix] = n + 1
        return compose(province, sex, born, 200_000 + (n * 7919) % 300_000)

    def _person(self, province: str, youngest: int = 18, oldest: int = 75) -> tuple[str, str, date]:
        """(ID number, name, birth date) of someone, born in ``province`` mostly."""
        sex = self.rng.choice("MF")
        born = local_date(self.now) - timedelta(days=self.rng.randint(youngest * 365, oldest * 365))
        birth_province = province if self.rng.random() < 0.85 else self.rng.choice(sorted(PROVINCE_POPULATION))
        return self._id_number(f"0{birth_province}", sex, born.year), self.name(sex), born

    # --- the dossiers ------------------------------------------------------------------------------------------

    def __iter__(self):
        for at, channel, commune, code in self.filings:
            yield self._dossier(at, channel, commune, code)

    def _dossier(self, at: datetime, channel: str, commune: divisions.Division, code: str) -> Filed:
        r, spec = self.rng, self.specs[code]
        province = commune.province_code
        agency = competent_agency(spec, commune.code, province)
        applicant_id, name, born = self._person(province)
        phone = f"09{r.randint(10_000_000, 99_999_999)}"
        form = self._form(spec, commune, applicant_id, born, phone, at)
        citizen, receiver = citizen_actor(applicant_id, name, 2), self.official(agency, Role.RECEIVER)
        filer = citizen if channel == "online" else receiver
        # the papers asked for, seen at the counter or attached online, where the form itself is the declaration
        asked = {e.code for e in spec.evidence if e.source is None and e.required}
        evidence = sorted(asked | {e.code for e in spec.evidence if e.filled_online and channel == "online"})
        submission = services.Submission(
            procedure_code=code, channel=channel, applicant_id_number=applicant_id, applicant_name=name,
            applicant_phone=phone, commune_code=commune.code if spec.level == "commune" else "",
            # a ministry's department decides for the whole country: its dossiers name no place, as the portal's
            province_code=province if spec.level == "province" else "", form=form, evidence=evidence)
        dossier = Dossier(
            code=self._code(agency.code, local_date(at)), procedure_version=self.versions[code], channel=channel,
            applicant_kind=filing.PERSON, applicant_id_number=applicant_id, applicant_name=name,
            applicant_name_folded=fold_text(name), applicant_phone=phone, filer_id_number=filer.id,
            filer_name=filer.name,
            filed_as=filing.SELF if channel == "online" else filing.ASSISTED,
            mandate="" if channel == "online" else f"official:{filer.id}", commune_code=submission.commune_code,
            province_code=submission.province_code or (province if submission.commune_code else ""),
            form_data=form, evidence=evidence, provenance={}, competent_agency=agency,
            submitted_at=at.astimezone(UTC), request_digest=submission.digest(), agency=agency)
        profile = self.profiles[province]
        filed = Filed(dossier)
        if asked and (channel == "online" or r.random() < profile.scanned):
            filed.evidence_origin = "upload" if channel == "online" else "scan"
        journal = Journal(spec, self.now)
        journal.add("submit", at, filer, data={"applicant_id": applicant_id, "agency_code": agency.code,
                                               "competent_agency": agency.code, "channel": channel})
        with contextlib.suppress(YearEnded):
            self._handle(filed, journal, agency, profile, citizen)
        filed.actions, filed.state = journal.actions, journal.current
        services.project(dossier, filed.state)
        return filed

    def _handle(self, filed: Filed, journal: Journal, agency: Agency, profile: Profile, citizen: Actor) -> None:
        """What the agency and the applicant do with the dossier, each action after the one before, until it is
        done or the year ends."""
        r, spec = self.rng, journal.spec
        receiver = self.official(agency, Role.RECEIVER)
        online = filed.dossier.channel == "online"
        if online and r.random() < 0.015:
            journal.add("refuse", self._after(journal.last_at, r.choice((0, 1))), receiver, r.choice(REFUSALS))
            return
        journal.add("receive", self._after(journal.last_at, r.choice((0, 0, 1))) if online
                    else journal.last_at + timedelta(minutes=r.randint(3, 15)), receiver)
        self._fee(filed, journal, receiver, profile)
        if r.random() < 0.008:
            journal.add("withdraw", self._citizen_moment(journal.last_at, r.randint(1, 5)), citizen,
                        r.choice(WITHDRAWALS))
            journal.add("stop", self._after(journal.last_at, r.choice((0, 1, 2))), receiver)
            return
        steps = spec.workflow.steps
        journal.add("forward", self._after(journal.last_at), self.official(agency, steps[0].role))
        if r.random() < profile.supplement:
            asker = self.official(agency, Role.SPECIALIST)
            journal.add("request_supplement", self._after(journal.last_at, r.choice((0, 1, 2))), asker,
                        r.choice(SUPPLEMENT_REASONS))
            if r.random() > 0.92:
                return  # never answered: the dossier waits, paused
            journal.add("supplement", self._citizen_moment(journal.last_at, r.randint(1, 8)), citizen,
                        SUPPLEMENT_ANSWER, {"files": [], "changed": {}})
        state = journal.current
        assert state.due_date is not None, "received"
        begun = local_date(journal.last_at)
        late = r.random() < profile.late
        if late or begun > state.due_date:
            decided = self.cal.add_working_days(max(begun, state.due_date), r.randint(1, 6))
        else:
            window = self.cal.working_days_between(begun, state.due_date)
            decided = self.cal.add_working_days(begun, round(r.triangular(0, window, window * 0.6)))
        deciding = spec.workflow.deciding_step
        span = self.cal.working_days_between(begun, decided)
        for offset in sorted(r.randint(0, span) for _ in range(deciding - state.step)):
            role = steps[journal.current.step].role
            journal.add("forward", self._on(self.cal.add_working_days(begun, offset), journal.last_at),
                        self.official(agency, role))
        if decided > journal.current.due_date and r.random() < 0.5 and decided > journal.current.appointment_date:
            journal.add("apologize", self._after(journal.last_at), self.official(agency, Role.SPECIALIST),
                        "Hồ sơ cần xác minh thêm nên chưa trả kết quả đúng hẹn, xin lỗi ông/bà.",
                        {"new_date": decided.isoformat()})
        leader = self.official(agency, steps[deciding].role)
        refused = r.random() < 0.03
        journal.add("complete", self._on(decided, journal.last_at), leader,
                    r.choice(DECISION_REFUSALS) if refused else "", {"outcome": "refused" if refused else "approved"})
        returned = self._after(journal.last_at, r.choice((0, 0, 1, 2)))
        journal.add("return_result", returned, self.official(agency, steps[journal.current.step].role))
        if r.random() < profile.rates:
            self._rate(filed, journal, profile, late or refused)

    def _fee(self, filed: Filed, journal: Journal, receiver: Actor, profile: Profile) -> None:
        """The fee the rules in force at submission set, asked at reception and paid online or at the counter."""
        dossier = filed.dossier
        quote = self._quote(dossier, journal.spec)
        if not quote.owed:
            return
        journal.add("request_payment", journal.last_at + timedelta(minutes=self.rng.randint(1, 10)), receiver,
                    data=payments.payment_request(quote))
        state = journal.current
        if dossier.channel == "online" and self.rng.random() < profile.pays_online:
            paid = journal.last_at + timedelta(minutes=self.rng.randint(5, 60 * 48))
            reference = payments.payment_reference(dossier.code, "online", 1)
            journal.add("pay", paid, payments.GATEWAY_ACTOR,
                        data={"amount": state.fee_due, "method": "online", "payment": reference})
            self.transaction_no += 1
            bank = self.rng.choice(GATEWAY_BANKS)
            filed.payment = Payment(
                reference=reference, dossier=dossier, request_seq=state.fee_request, amount=state.fee_due,
                method="online", gateway=settings.PAYMENTS["GATEWAY"], status="paid", created_at=paid - timedelta(minutes=3),
                paid_at=paid, gateway_transaction_no=str(self.transaction_no), bank_code=bank, response_code="00",
                applied=True)
            filed.gateway_record = SandboxTransaction(
                tmn_code=sandbox.MERCHANT_CODE, txn_ref=reference, amount=state.fee_due,
                order_info=f"Thanh toan phi, le phi ho so {dossier.code}", transaction_no=str(self.transaction_no),
                response_code="00", bank_code=bank, pay_date=paid)
            return
        paid = (self._after(journal.last_at, self.rng.choice((0, 1, 2))) if dossier.channel == "online"
                else journal.last_at + timedelta(minutes=self.rng.randint(2, 10)))
        journal.add("pay", paid, receiver, data={"amount": state.fee_due, "method": "cash"})
        filed.payment = Payment(
            reference=payments.payment_reference(dossier.code, "cash", 1), dossier=dossier,
            request_seq=state.fee_request, amount=state.fee_due, method="cash", status="paid", created_at=paid,
            paid_at=paid, applied=True)

    def _quote(self, dossier: Dossier, spec: ProcedureSpec) -> fees.FeeQuote:
        """``fee_schedules.dossier_quote``, the schedule looked up once per authority for the dossiers submitted
        before any schedule was imported: each is charged by its authority's first version."""
        authority = fee_schedules.authority_of(dossier.competent_agency)
        if dossier.submitted_at >= self.first_import:
            schedule = fee_schedules.current_schedule(authority, dossier.submitted_at)
        elif authority in self.schedules:
            schedule = self.schedules[authority]
        else:
            schedule = self.schedules[authority] = fee_schedules.current_schedule(authority, dossier.submitted_at)
        return fee_schedules.quote_for(spec, schedule, dossier.channel, local_date(dossier.submitted_at))

    def _rate(self, filed: Filed, journal: Journal, profile: Profile, disappointed: bool) -> None:
        at = self._citizen_moment(journal.last_at, self.rng.randint(1, 6))
        if at > self.now:
            return
        mood = profile.mood - (0.35 if disappointed else 0)
        score = 5 if self.rng.random() < mood else self.rng.choice((1, 2, 3, 3, 4, 4))
        filed.rating = Rating(dossier=filed.dossier, score=score, created_at=at)

    def _code(self, agency_code: str, day: date) -> str:
        """``<agency code>-YYMMDD-<sequence>``, continuing the agency's series of that day."""
        key = (agency_code, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return f"{agency_code}-{day:%y%m%d}-{self.sequences[key]:04d}"

    # --- the form -------------------------------------------------------------------------------------------

    def _form(self, spec: ProcedureSpec, commune: divisions.Division, applicant_id: str, born: date, phone: str,
              at: datetime) -> dict[str, Any]:
        """The required fields filled as an applicant of ``commune`` would, checked by the form's own rules."""
        r, day = self.rng, local_date(at)
        province = self.provinces[commune.province_code]
        place = f"{commune.name}, {province.name}"
        values: dict[str, Any] = {}
        for f in spec.fields:
            if not f.required:
                continue
            if f.type == "choice":
                values[f.name] = r.choice(f.choices)[0]
            elif f.type == "commune":
                values[f.name] = commune.code
            elif f.type == "phone":
                values[f.name] = phone
            elif f.type == "id_number":
                values[f.name] = applicant_id if f.name.startswith("requester") else self._person(
                    commune.province_code)[0]
            elif f.type == "date":
                values[f.name] = self._date(f.name, born, day).isoformat()
            elif f.type in ("number", "integer"):
                low, high = NUMBERS.get(f.name, (1, 5))
                values[f.name] = r.randint(low, high)
            elif f.type == "boolean":
                values[f.name] = r.random() < 0.5
            else:
                values[f.name] = TEXTS.get(f.name, _missing_text(f.name))(self, place, province.name)
        clean, errors = validate_form(spec.fields, values, known_communes=divisions.communes(),
                                      printable=self.printable)
        if errors:
            raise ValueError(f"{spec.code}: the generated form is invalid: {errors}")
        return clean

    def _date(self, name: str, born: date, day: date) -> date:
        r = self.rng
        if name == "birth_date":
            return born
        if name == "child_birth_date":
            return day - timedelta(days=r.randint(3, 55))
        if "birth" in name:
            return day - timedelta(days=r.randint(20 * 365, 60 * 365))
        if name in ("until", "departure_date", "start_date", "expiry_date"):
            return day + timedelta(days=r.randint(10, 700))
        if name == "used_since":
            return date(r.randint(1990, 2014), r.randint(1, 12), r.randint(1, 28))
        return day - timedelta(days=r.randint(2, 40))


def _missing_text(name: str) -> Callable[[Year, str, str], str]:
    def refuse(year: Year, place: str, province: str) -> str:
        raise KeyError(f"no sample text for the form field '{name}': add it to TEXTS")

    return refuse


def _address(year: Year, place: str, province: str) -> str:
    return f"Số {year.rng.randint(1, 300)} {year.rng.choice(STREETS)}, {place}"


# Ranges of the procedures' required numbers, by field name (others: 1 to 5).
NUMBERS = {"capital": (50_000_000, 2_000_000_000), "building_area": (40, 300), "floor_area": (80, 900),
           "height": (4, 20), "parcel_area": (50, 500), "pages": (1, 20), "copies": (1, 3), "storeys": (1, 5)}

# Sample values of the procedures' required free-text fields, by field name.
TEXTS: dict[str, Callable[[Year, str, str], str]] = {
    "child_full_name": lambda y, place, province: y.name(y.rng.choice("MF")),
    "deceased_full_name": lambda y, place, province: y.name(y.rng.choice("MF")),
    "spouse_full_name": lambda y, place, province: y.name(y.rng.choice("MF")),
    "subject_full_name": lambda y, place, province: y.name(y.rng.choice("MF")),
    "birth_place": lambda y, place, province: f"Bệnh viện Đa khoa {province}",
    "place_of_death": lambda y, place, province: place,
    "relationship": lambda y, place, province: y.rng.choice(("Cha", "Mẹ")),
    "address": _address, "new_address": _address, "residence_address": _address, "business_address": _address,
    "plot_address": _address, "user_address": _address, "parcel_address": _address, "head_office_address": _address,
    "business_name": lambda y, place, province: f"{y.rng.choice(TRADES)} {y.rng.choice(VietnameseNames.last_names)}",
    "enterprise_name": lambda y, place, province:
        f"Công ty TNHH {y.rng.choice(TRADES)} {y.rng.choice(VietnameseNames.last_names)}",
    "activities": lambda y, place, province: "Bán lẻ hàng hóa, dịch vụ ăn uống",
    "goods_description": lambda y, place, province: "Máy lọc nước gia dụng, công suất 60 W",
    "bar_association": lambda y, place, province: f"Đoàn Luật sư {province}",
    "land_parcel": lambda y, place, province: f"Thửa số {y.rng.randint(1, 900)}, tờ bản đồ số {y.rng.randint(1, 60)}",
    "document_title": lambda y, place, province: y.rng.choice(
        ("Bằng tốt nghiệp trung học phổ thông", "Giấy khai sinh", "Bảng điểm đại học", "Hợp đồng lao động")),
    "sending_agency": lambda y, place, province: f"Ủy ban nhân dân {province}",
    "position": lambda y, place, province: "Chuyên viên",
    "destination": lambda y, place, province: y.rng.choice(("Nhật Bản", "Hàn Quốc", "Pháp", "Singapore")),
    "purpose": lambda y, place, province: y.rng.choice(("Bổ sung hồ sơ xin việc", "Hồ sơ du học")),
    "residence_history": lambda y, place, province: f"Từ {y.rng.randint(1995, 2015)} đến nay: {place}",
    "licence_number": lambda y, place, province: f"{y.rng.randint(10**11, 10**12 - 1)}",
}


def seed_year(total: int = DEMO_DOSSIERS, seed: int = 2026, now: datetime | None = None,
              progress: Callable[[int, int], None] | None = None) -> int:
    """The year's dossiers and their figures in the index's roll-ups, in one transaction (all or none); none when
    the database already holds dossiers older than the demo's own, which are all of the last days. Returns how
    many were filed (those the draw placed after ``now`` are not)."""
    now = now or timezone.now()
    if Dossier.objects.filter(submitted_at__lt=now - timedelta(days=SEEDED_BEFORE_DAYS)).exists():
        return 0
    year = Year(total, seed, now)
    scan = _stored_scan()
    counted = rollup.Deltas()
    done = 0
    with transaction.atomic():
        filed = iter(year)
        while batch := list(itertools.islice(filed, BATCH)):
            _insert(batch, scan, counted)
            done += len(batch)
            if progress:
                progress(done, len(year.filings))
        counted.write()
        year.save_officials()
        year.save_sequences()
    return done


# The demo's own dossiers (seeding.seed_dossiers) are of the last week; anything older is the year.
SEEDED_BEFORE_DAYS = 30


@dataclass(frozen=True)
class StoredScan:
    name: str
    sha256: str
    size: int


def _stored_scan() -> StoredScan:
    """The sample scan every seeded evidence file is, stored once (evidence files are content-addressed)."""
    data = sample_scan()
    digest = hashlib.sha256(data).hexdigest()
    name = f"{Attachment.STORE}/{digest[:2]}/{digest}.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return StoredScan(name, digest, len(data))


def _insert(batch: list[Filed], scan: StoredScan, counted: rollup.Deltas) -> None:
    """One batch of the year's dossiers and the records beside them, in bulk; their figures added to ``counted``
    as the outbox consumer computes them (``rollup.fact_of``, on the state the journal folds to)."""
    Dossier.objects.bulk_create([f.dossier for f in batch])
    DossierAction.objects.load((services.journal_entry(f.dossier, action) for f in batch for action in f.actions),
                               new_streams=True)
    evidence = {id(f): [code for code in f.dossier.evidence if code not in _filled_online(f.dossier)]
                if f.evidence_origin else [] for f in batch}
    with _stamped_as_made(Attachment, "added_at"):
        Attachment.objects.bulk_create([
            Attachment(dossier=f.dossier, evidence_code=code, origin=f.evidence_origin, file=scan.name,
                       sha256=scan.sha256, content_type="application/pdf", size=scan.size,
                       original_name=f"{code}.pdf", added_by=f.dossier.filer_id_number, added_with=1,
                       added_at=f.dossier.submitted_at)
            for f in batch for code in evidence[id(f)]])
    Payment.objects.bulk_create([f.payment for f in batch if f.payment is not None])
    SandboxTransaction.objects.bulk_create([f.gateway_record for f in batch if f.gateway_record is not None])
    with _stamped_as_made(Rating, "created_at"):
        Rating.objects.bulk_create([f.rating for f in batch if f.rating is not None])
    rollup.count_new(((f.dossier, rollup.fact_of(f.dossier, f.current, {f.evidence_origin} if evidence[id(f)]
                                                 else set(), 0, f.rating)) for f in batch), counted)


@contextlib.contextmanager
def _stamped_as_made(model: type[Model], field_name: str) -> Iterator[None]:
    """Inserts that keep the time the rows give: ``auto_now_add`` stamps the present on every insert, bulk ones
    included, and the year's records were made months ago. Seeding runs before the server starts."""
    stamped = model._meta.get_field(field_name)
    assert isinstance(stamped, DateTimeField) and stamped.auto_now_add
    stamped.auto_now_add = False
    try:
        yield
    finally:
        stamped.auto_now_add = True


def _filled_online(dossier: Dossier) -> set[str]:
    """The declarations an online dossier's form itself is (no file)."""
    if dossier.channel != "online":
        return set()
    return {e.code for e in spec_of(dossier.procedure_version).evidence if e.filled_online}
