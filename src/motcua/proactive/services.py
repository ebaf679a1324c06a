"""Proactive services: offers made from registry events (the outbox consumer) and from dates (the daily job),
declined or taken up by the person. Offers become messages through the ``offer.made`` outbox topic, which the
notifications capability renders; nothing here knows how a message is sent."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from motcua.catalog import services as catalog_services
from motcua.catalog.models import Procedure
from motcua.catalog.spec import SpecError
from motcua.core import outbox
from motcua.core.errors import Conflict, FieldError, NotFound
from motcua.core.models import OutboxEvent
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Actor
from motcua.proactive.milestones import MILESTONE_AGES, birth_dates_reaching, renewal_due
from motcua.proactive.models import Offer
from motcua.proactive.rules import DATE, PERSON_FIELDS, Catalog, Rule, RulesRefused, parse_rules
from motcua.registries.models import CivilEvent, Enterprise, HeldDocument, Person

log = logging.getLogger(__name__)
RULES_FILE = Path(__file__).parent / "data" / "rules.yaml"
OFFER_MADE = "offer.made"  # the topic the notifications capability renders (``notifications.events.OFFER_MADE``)
IDENTITY_CARD_TYPES = ("the_can_cuoc",)  # the held result of an identity-card issue, renewal or re-issue
WINDOW_DAYS = 31  # the daily job reads birth dates a month at a time, so memory stays flat on a long catch-up


# --- rules ------------------------------------------------------------------------------------------------

def catalog_for_rules() -> Catalog:
    """Each procedure's form fields, from the bundled definitions and from those imported into the database
    (which win), and the catalog's interlinked groups."""
    fields: dict[str, set[str]] = {}
    parsed, _errors = catalog_services.parse_files([catalog_services.PROCEDURES_DIR])
    for _path, spec, _definition in parsed:
        fields[spec.code] = {f.name for f in spec.fields}
    try:
        for procedure in Procedure.objects.select_related("current_version").exclude(current_version=None):
            if procedure.current_version is None:
                continue
            try:
                fields[procedure.code] = {f.name for f in catalog_services.spec_of(procedure.current_version).fields}
            except SpecError:
                continue
    except Exception:  # noqa: BLE001 — no database yet (a check before `migrate`): the bundled catalog serves
        log.debug("procedures not read from the database", exc_info=True)
    # The bundled groups, read from their files: this runs in system checks, before the database may exist.
    groups, _group_errors = catalog_services.parse_group_files(
        [catalog_services.GROUPS_DIR], {spec.code: spec for _path, spec, _definition in parsed})
    return Catalog(fields, {g.code: [m.procedure for m in g.members] for g in groups})


class RulesLoader(yaml.SafeLoader):
    """YAML as written: `on` is the rule's key, not YAML 1.1's boolean (only true and false are booleans)."""


RulesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _first in "tTfF":
    RulesLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                      [_first])


def load_rules(path: Path = RULES_FILE, catalog: Catalog | None = None) -> list[Rule]:
    """The rules of a file, all valid, or :class:`RulesRefused` naming every problem (nothing is used)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=RulesLoader)  # noqa: S506 — a safe loader
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        raise RulesRefused([FieldError(str(path.name), "unreadable", f"Không đọc được tệp quy tắc: {exc}",
                                       f"The rules file cannot be read: {exc}")]) from None
    return parse_rules(data, catalog or catalog_for_rules())


@cache
def active_rules() -> tuple[Rule, ...]:
    """The shipped rules, read and checked once per process (the start-up check reports a bad file)."""
    return tuple(load_rules())


def procedure_fields(code: str) -> set[str]:
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None or procedure.current_version is None:
        return set()
    return {f.name for f in catalog_services.spec_of(procedure.current_version).fields}


# --- making offers ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """An offer about to be made, with what its message needs."""

    person_id_number: str
    name: str
    rule: Rule
    procedure_code: str
    subject: str
    prefill: dict[str, str]

    def offer(self) -> Offer:
        return Offer(person_id_number=self.person_id_number, rule=self.rule.code, procedure_code=self.procedure_code,
                     subject=self.subject[:40], prefill=self.prefill, reason_vi=self.rule.reason_vi,
                     reason_en=self.rule.reason_en)


def take_up_path(offer: Offer) -> str:
    """Where the person takes the offer up: the procedure's form, opened with the offer's values."""
    return f"{reverse('portal:submit', args=[offer.procedure_code])}?offer={offer.pk}"


def _announcement(offer: Offer, name: str) -> tuple[str, dict[str, Any]]:
    return offer.person_id_number, {"procedure": offer.procedure_code, "reason_vi": offer.reason_vi,
                                    "reason_en": offer.reason_en, "name": name, "path": take_up_path(offer),
                                    "offer": offer.pk, "rule": offer.rule}


def _same_subject(form: dict[str, Any], prefill: dict[str, str], id_fields: Iterable[str]) -> bool:
    """A dossier is about the offer's subject unless it names another person in an ID-number field the offer fills."""
    return all(str(form.get(name, prefill[name])) == prefill[name] for name in id_fields if name in prefill)


def _id_fields(prefill: dict[str, str]) -> list[str]:
    return [name for name in prefill if name.endswith("id_number")]


def _applied_since(person_id_number: str, procedure_code: str, since: date, prefill: dict[str, str]) -> bool:
    forms = Dossier.objects.filter(applicant_id_number=person_id_number,
                                   procedure_version__procedure__code=procedure_code,
                                   submitted_at__date__gte=since).values_list("form_data", flat=True)
    return any(_same_subject(form or {}, prefill, _id_fields(prefill)) for form in forms)


def _candidates(rule: Rule, recipients: dict[str, str], subject: str, references: dict[str, Any],
                fields: dict[str, set[str]]) -> Iterator[Candidate]:
    since = references.get(rule.unless_applied_since) if rule.unless_applied_since else None
    for person, name in recipients.items():
        for code in rule.procedures:
            prefill = rule.values(references, fields.setdefault(code, procedure_fields(code)))
            if isinstance(since, date) and _applied_since(person, code, since, prefill):
                continue
            yield Candidate(person, name, rule, code, subject, prefill)


def _make_one_by_one(candidates: Iterable[Candidate]) -> list[Offer]:
    """Event offers: each in a savepoint, so an offer made before (a batch seen again) is passed over."""
    made, announcements = [], []
    for candidate in candidates:
        try:
            with transaction.atomic():
                offer = candidate.offer()
                offer.save()
        except IntegrityError:
            continue
        made.append(offer)
        announcements.append(_announcement(offer, candidate.name))
    outbox.publish_many(OFFER_MADE, announcements)
    return made


def _references(prefix: str, record: Any, names: Iterable[str]) -> dict[str, Any]:
    return {f"{prefix}.{name}": getattr(record, name) for name in names}


def _living(numbers: Iterable[str], besides: str = "") -> dict[str, str]:
    wanted = {n for n in numbers if n and n != besides}
    return dict(Person.objects.filter(id_number__in=wanted, deceased_on__isnull=True)
                .values_list("id_number", "full_name")) if wanted else {}


def spouse_at_death(person: Person) -> str:
    """The other party of the person's latest marriage, if they were still married (widowed by this death)."""
    marriage = (CivilEvent.objects.filter(Q(subject_id_number=person.id_number) | Q(other_id_number=person.id_number),
                                          kind="marriage").order_by("-date", "-id").first())
    if marriage is None:
        return ""
    other = marriage.other_id_number if marriage.subject_id_number == person.id_number else marriage.subject_id_number
    status = Person.objects.filter(id_number=other).values_list("marital_status", flat=True).first()
    return other if status in ("married", "widowed") else ""


def audience(rule: Rule, person: Person) -> dict[str, str]:
    """Who a person's event reaches, living people of the registry only: ID number → name."""
    parents = [person.father_id_number, person.mother_id_number]
    spouse = [spouse_at_death(person)] if rule.audience in ("spouse", "relatives") else []
    children = list(Person.objects.filter(Q(father_id_number=person.id_number) | Q(mother_id_number=person.id_number))
                    .values_list("id_number", flat=True)) if rule.audience in ("children", "relatives") else []
    chosen = {"subject": [person.id_number], "parents": parents, "spouse": spouse, "children": children,
              "relatives": spouse + children + parents}[rule.audience]
    return _living(chosen, besides="" if rule.audience == "subject" else person.id_number)


def offers_for_event(event: OutboxEvent, rules: Iterable[Rule]) -> list[Offer]:
    """The offers the rules make for one registry event (none made twice)."""
    made: list[Offer] = []
    fields: dict[str, set[str]] = {}
    payload = {f"event.{k}": v for k, v in (event.payload or {}).items()}
    for rule in rules:
        if rule.on == "registry.enterprise.registered":
            enterprise = Enterprise.objects.filter(registration_number=event.key).first()
            if enterprise is None:
                continue
            references = {**payload, **_references("subject", enterprise, (
                "registration_number", "tax_code", "name", "kind", "owner_id_number", "commune_code", "registered_on"))}
            recipients = _living([enterprise.owner_id_number])
            subject = enterprise.registration_number
        else:
            person = Person.objects.filter(id_number=event.payload.get("id_number") or event.key).first()
            if person is None:
                continue
            references = {**payload, **_references("subject", person, PERSON_FIELDS)}
            recipients = audience(rule, person)
            subject = person.id_number
        if rule.applies(references):
            made += _make_one_by_one(_candidates(rule, recipients, subject, references, fields))
    return made


@outbox.consumer("proactive")
def _on_events(events: list[OutboxEvent]) -> None:
    """Offers for the registry events of a batch; a batch seen again makes none (one offer per person, rule,
    subject and procedure). A failing event is logged and passed over: an offer is a courtesy, and the
    other consumers' batch must not be held up by it."""
    by_topic: dict[str, list[Rule]] = {}
    for rule in active_rules():
        if rule.on != DATE:
            by_topic.setdefault(rule.on, []).append(rule)
    for event in events:
        rules = by_topic.get(event.topic)
        if not rules:
            continue
        try:
            with transaction.atomic():
                offers_for_event(event, rules)
        except Exception:  # noqa: BLE001 — see above
            log.exception("proactive offers for event %s (%s) failed", event.id, event.topic)


# --- the daily job ----------------------------------------------------------------------------------------

@dataclass
class DailyReport:
    day: date
    people: int = 0  # people whose milestone fell within the window
    offers: int = 0
    queries: int = 0
    seconds: float = 0.0


def _windows(first: date, last: date) -> Iterator[tuple[date, date]]:
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=WINDOW_DAYS - 1))
        yield start, end
        start = end + timedelta(days=1)


def _held_cards(numbers: list[str]) -> dict[str, date]:
    return dict(HeldDocument.objects.filter(owner_id_number__in=numbers, doc_type__in=IDENTITY_CARD_TYPES)
                .values("owner_id_number").annotate(last=Max("issued_on")).values_list("owner_id_number", "last"))


def _renewals(rule: Rule, people: list[dict[str, Any]], today: date, fields: set[str]) -> list[Candidate]:
    cards = _held_cards([p["id_number"] for p in people])
    candidates = []
    for person in people:
        due = renewal_due(person["birth_date"], cards.get(person["id_number"]), today, rule.lead_days)
        if due is None:
            continue
        references = {**{f"subject.{k}": v for k, v in person.items()}, "milestone.age": due.age,
                      "milestone.on": due.on}
        if not rule.applies(references):
            continue
        candidates += [Candidate(person["id_number"], person["full_name"], rule, code, str(due.age),
                                 rule.values(references, fields)) for code in rule.procedures]
    return candidates


def _make_in_bulk(candidates: list[Candidate]) -> int:
    """Daily offers: those not made before, inserted together with their announcements in one transaction."""
    if not candidates:
        return 0
    made_before = set(Offer.objects.filter(
        person_id_number__in={c.person_id_number for c in candidates},
        rule__in={c.rule.code for c in candidates}).values_list("person_id_number", "rule", "subject", "procedure_code"))
    fresh = [c for c in candidates if (c.person_id_number, c.rule.code, c.subject, c.procedure_code) not in made_before]
    if not fresh:
        return 0
    with transaction.atomic():
        offers = Offer.objects.bulk_create([c.offer() for c in fresh])
        outbox.publish_many(OFFER_MADE, [_announcement(o, c.name) for o, c in zip(offers, fresh, strict=True)])
    return len(offers)


def run_daily(today: date | None = None, catch_up_days: int = 0, batch_size: int = 2000,
              progress: Callable[[int, int], None] | None = None) -> DailyReport:
    """Offer the identity-card renewal to every living person whose milestone birthday falls within the lead
    window (from ``catch_up_days`` before ``today``): one indexed birth-date range per milestone and month of
    window. Running it again the same day makes no offer twice; a missed day is caught up the next, since each
    window overlaps the day before's but for its last day."""
    today = today or timezone.localdate()
    report = DailyReport(today)
    started = time.monotonic()
    rules = [r for r in active_rules() if r.on == DATE and r.schedule == "identity_card"]
    plan = [(rule, age, window) for rule in rules
            for window in _windows(today - timedelta(days=catch_up_days), today + timedelta(days=rule.lead_days))
            for age in MILESTONE_AGES]
    columns = ("id",) + PERSON_FIELDS
    for done, (rule, age, (first, last)) in enumerate(plan, start=1):
        low, high = birth_dates_reaching(age, first, last)
        fields = set().union(*(procedure_fields(code) for code in rule.procedures))
        found = people_born_between(low, high).values(*columns)
        report.queries += 1
        batch: list[dict[str, Any]] = []
        for person in found.iterator(chunk_size=batch_size):
            person.pop("id")
            batch.append(person)
            if len(batch) >= batch_size:
                report.people += len(batch)
                report.offers += _make_in_bulk(_renewals(rule, batch, today, fields))
                batch = []
        report.people += len(batch)
        report.offers += _make_in_bulk(_renewals(rule, batch, today, fields))
        if progress:
            progress(done, len(plan))
    report.seconds = time.monotonic() - started
    return report


def people_born_between(low: date, high: date) -> QuerySet[Person]:
    """Living people born within [low, high]: an index range scan on the birth date (empty when low > high)."""
    return Person.objects.filter(birth_date__gte=low, birth_date__lte=high, deceased_on__isnull=True).order_by()


# --- the person's answer ----------------------------------------------------------------------------------

def offers_of(id_number: str, statuses: Iterable[str] = ("offered",)) -> QuerySet[Offer]:
    return Offer.objects.filter(person_id_number=id_number, status__in=list(statuses)).order_by("-made_at", "-id")


def offer_of(actor: Actor, offer_id: int) -> Offer:
    """One of the calling citizen's own offers (another's is not found: offers are private)."""
    offer = Offer.objects.filter(pk=offer_id, person_id_number=actor.id).first() if actor.kind == "citizen" else None
    if offer is None:
        raise NotFound("offer")
    return offer


def decline(actor: Actor, offer_id: int) -> Offer:
    """The person declines: the offer is hidden and never made again. Declining twice changes nothing; an
    offer already taken up cannot be declined."""
    with transaction.atomic():
        offer = offer_of(actor, offer_id)
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.status == "taken":
            raise Conflict("offer_taken", "Bạn đã nộp hồ sơ theo đề xuất này.",
                           "You have already applied following this offer.")
        if offer.status == "offered":
            offer.status, offer.answered_at = "declined", timezone.now()
            offer.save(update_fields=["status", "answered_at"])
    return offer


@dossiers.on_action("submit")
def _taken(recorded: dossiers.Recorded) -> None:
    """A dossier the person submits for an offered procedure takes the offer up (in the submission's
    transaction), unless it names another subject than the offer's."""
    dossier = recorded.dossier
    code = Procedure.objects.filter(versions=dossier.procedure_version_id).values_list("code", flat=True).first()
    for offer in Offer.objects.filter(person_id_number=dossier.applicant_id_number, procedure_code=code,
                                      status="offered"):
        if _same_subject(dossier.form_data or {}, offer.prefill, _id_fields(offer.prefill)):
            offer.status, offer.answered_at, offer.dossier_code = "taken", timezone.now(), dossier.code
            offer.save(update_fields=["status", "answered_at", "dossier_code"])
