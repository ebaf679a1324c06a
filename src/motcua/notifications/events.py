"""What each outbox event says, and to whom. A capability's events become messages by a renderer registered for
their topic with ``@notifies(topic)``: it receives the batch's events of that topic and yields
``(event, Outgoing)`` pairs — the recipient, the kind of message (its template) and the template's data. Dossier
actions, reminders raised by time and offers are rendered here; a new kind of event (a group of procedures, an
exchange with another agency) adds its renderer and its two templates, nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.catalog.spec import ProcedureSpec
from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.dossiers import groups
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import LOCAL_TZ, DossierState, Status, fold, local_date
from motcua.dossiers.models import Dossier, DossierAction, DossierGroup
from motcua.identity.actors import Role
from motcua.identity.models import Official
from motcua.notifications.channels import Recipient
from motcua.notifications.models import Preference, Reminder
from motcua.petitions.models import Petition
from motcua.petitions.services import PETITION_ANSWERED, PETITION_RECEIVED

DEFAULT_CITIZEN_CHANNELS = ("email", "sms")  # besides the inbox, until the citizen chooses
ACKNOWLEDGEMENT_OVERDUE = "dossier.acknowledgement_overdue"  # a handed-over dossier not received in time
OFFER_MADE = "offer.made"  # a proactive offer of a procedure to a person (key: their ID number)


@dataclass(frozen=True)
class Outgoing:
    recipient: Recipient
    kind: str  # the template
    context: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    dossier_code: str = ""


Planned = tuple[OutboxEvent, Outgoing]
Renderer = Callable[[list[OutboxEvent]], Iterable[Planned]]
RENDERERS: dict[str, list[Renderer]] = {}


def notifies(*topics: str) -> Callable[[Renderer], Renderer]:
    def register(renderer: Renderer) -> Renderer:
        for topic in topics:
            RENDERERS.setdefault(topic, []).append(renderer)
        return renderer

    return register


def plan(events: list[OutboxEvent]) -> Iterator[Planned]:
    """Every message the events call for, each renderer given its topics' events in order."""
    for topic, renderers in RENDERERS.items():
        mine = [e for e in events if e.topic == topic]
        if mine:
            for renderer in renderers:
                yield from renderer(mine)


def _config() -> dict:
    return settings.NOTIFICATIONS


def absolute(path: str) -> str:
    return settings.PUBLIC_URL + path


# --- recipients -------------------------------------------------------------------------------------------

def citizen(id_number: str, name: str = "", email: str = "", phone: str = "",
            preference: Preference | None = None) -> Recipient:
    """A citizen as they chose to be reached: their addresses over the dossier's, their channels, their language."""
    if preference is None:
        return Recipient("citizen", id_number, name, email, phone, "vi", DEFAULT_CITIZEN_CHANNELS)
    return Recipient("citizen", id_number, name, preference.email or email, preference.phone or phone,
                     preference.language, tuple(preference.channels))


def officials(agency_code: str, roles: Iterable[Role]) -> list[Recipient]:
    """Active officials of an agency in these roles: the back office's alerts, and e-mail where they have one."""
    found = (Official.objects.select_related("user")
             .filter(agency__code=agency_code, role__in=[r.value for r in roles], user__is_active=True)
             .order_by("user__username"))
    return [Recipient("official", o.user.username, o.full_name, o.user.email, "", "vi", ("email",)) for o in found]


def official_named(username: str) -> list[Recipient]:
    o = Official.objects.select_related("user").filter(user__username=username, user__is_active=True).first()
    return [Recipient("official", o.user.username, o.full_name, o.user.email, "", "vi", ("email",))] if o else []


# --- dossier actions --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One journal entry as the messages about it see it."""

    dossier: Dossier
    entry: DossierAction
    journal: list[dossiers.Action]  # up to and including the entry
    preference: Preference | None

    @property
    def spec(self) -> ProcedureSpec:
        return spec_of(self.dossier.procedure_version)

    def state(self) -> DossierState:
        return fold(self.journal, self.spec.workflow, default_calendar())

    def applicant(self) -> Recipient:
        d = self.dossier
        return citizen(*d.followed_by, d.applicant_email, d.applicant_phone, self.preference)

    def context(self, **more: Any) -> dict[str, Any]:
        d, spec = self.dossier, self.spec
        return {"code": d.code, "name": d.applicant_name, "procedure_vi": spec.name_vi, "procedure_en": spec.name_en,
                "agency_vi": d.agency.name_vi, "agency_en": d.agency.name_en, "reason": self.entry.reason,
                "at": self.entry.at, **more}

    def to_applicant(self, kind: str, anchor: str = "", **more: Any) -> Outgoing:
        link = absolute(reverse("portal:dossier", args=[self.dossier.code])) + anchor
        return Outgoing(self.applicant(), kind, self.context(link=link, **more), link, self.dossier.code)

    def to_officials(self, recipients: list[Recipient], kind: str, **more: Any) -> list[Outgoing]:
        link = absolute(reverse("backoffice:detail", args=[self.dossier.code]))
        return [Outgoing(r, kind, self.context(link=link, **more), link, self.dossier.code) for r in recipients]


ActionMessages = Callable[[Step], list[Outgoing]]
ACTION_MESSAGES: dict[str, ActionMessages] = {}


def on(kind: str) -> Callable[[ActionMessages], ActionMessages]:
    def register(fn: ActionMessages) -> ActionMessages:
        ACTION_MESSAGES[kind] = fn
        return fn

    return register


@notifies(dossiers.DOSSIER_CHANGED)
def dossier_messages(events: list[OutboxEvent]) -> Iterator[Planned]:
    """A journal entry's messages: each event names the action and the journal entry (``version``) it recorded,
    so the message says what was true then, however far the dossier has moved since."""
    wanted = [e for e in events if e.payload.get("action") in ACTION_MESSAGES and e.payload.get("version")]
    if not wanted:
        return
    found = {d.code: d for d in Dossier.objects.filter(code__in={e.key for e in wanted})
             .select_related("procedure_version__procedure", "agency", "competent_agency")
             .prefetch_related("actions")}
    preferences = {p.id_number: p for p in Preference.objects.filter(
        id_number__in={d.followed_by[0] for d in found.values()})}
    for event in wanted:
        dossier = found.get(event.key)
        if dossier is None:
            continue
        entries = list(dossier.actions.all())
        version = int(event.payload["version"])
        entry = next((a for a in entries if a.seq == version), None)
        if entry is None or entry.kind != event.payload["action"]:
            continue
        step = Step(dossier, entry, dossiers.journal(dossier)[:version], preferences.get(dossier.followed_by[0]))
        for outgoing in ACTION_MESSAGES[entry.kind](step):
            yield event, outgoing


@on("submit")
def _new_dossier(step: Step) -> list[Outgoing]:
    """An online dossier handed to an agency: its reception officers are alerted (a counter intake is received
    by the officer who types it in)."""
    if step.dossier.channel != "online":
        return []
    state = step.state()
    role = step.spec.workflow.steps[0].role
    return step.to_officials(officials(state.agency_code, [role]), "handed_over",
                             step_vi=step.spec.workflow.steps[0].label_vi, step_en=step.spec.workflow.steps[0].label_en,
                             new=True)


@on("forward")
@on("transfer")
def _handed_over(step: Step) -> list[Outgoing]:
    state = step.state()
    current = step.spec.workflow.steps[state.step]
    sender = step.entry.actor_id
    return [o for o in step.to_officials(officials(state.agency_code, [current.role]), "handed_over",
                                         step_vi=current.label_vi, step_en=current.label_en,
                                         transferred=step.entry.kind == "transfer")
            if o.recipient.id != sender]


@on("receive")
def _received(step: Step) -> list[Outgoing]:
    state = step.state()
    return [step.to_applicant("received", appointment=state.appointment_date, due=state.due_date,
                              receipt=absolute(reverse("portal:receipt_pdf", args=[step.dossier.code])))]


@on("refuse")
def _not_received(step: Step) -> list[Outgoing]:
    return [step.to_applicant("not_received")]


@on("request_supplement")
def _supplement_requested(step: Step) -> list[Outgoing]:
    spec = step.spec
    evidence = {e.code: e for e in spec.evidence}
    fields = {f.name: f for f in spec.fields}
    data = step.entry.data
    missing = [evidence[c] for c in data.get("missing_evidence") or [] if c in evidence]
    to_correct = [fields[n] for n in data.get("fields_to_correct") or [] if n in fields]
    return [step.to_applicant("supplement_requested", "#bo-sung", missing=missing, to_correct=to_correct)]


@on("supplement")
def _supplement_received(step: Step) -> list[Outgoing]:
    """The official who asked is told what came back."""
    request = dossiers.supplement_request(step.journal)
    asked_by = next((a.actor.id for a in reversed(step.journal) if a.kind == "request_supplement"), "")
    fields = {f.name: f for f in step.spec.fields}
    changed = [fields[n] for n in (step.entry.data.get("changed") or {}) if n in fields]
    files = step.entry.data.get("files") or []
    return step.to_officials(official_named(asked_by), "supplement_received", changed=changed, files=len(files),
                             requested=request.reason if request else "")


@on("request_payment")
def _fee_due(step: Step) -> list[Outgoing]:
    return [step.to_applicant("fee_due", amount=step.entry.data.get("amount", 0))]


@on("pay")
def _paid(step: Step) -> list[Outgoing]:
    return [step.to_applicant("payment_received", amount=step.entry.data.get("amount", 0),
                              wallet=absolute(reverse("portal:wallet")))]


@on("apologize")
def _apology(step: Step) -> list[Outgoing]:
    state = step.state()
    return [step.to_applicant("apology", new_date=state.appointment_date)]


@on("complete")
def _decided(step: Step) -> list[Outgoing]:
    if step.state().outcome == "approved":
        return [step.to_applicant("result_ready", wallet=absolute(reverse("portal:wallet")))]
    return [step.to_applicant("decision_refused")]


@on("stop")
def _stopped(step: Step) -> list[Outgoing]:
    return [step.to_applicant("stopped")]


# --- reminders raised by time -----------------------------------------------------------------------------

def raise_reminders(now: datetime | None = None) -> int:
    """Online dossiers handed to an agency and not received within MOTCUA_ACKNOWLEDGE_WORKING_DAYS working days
    (a member of an interlinked group: MOTCUA_GROUP_ACKNOWLEDGE_WORKING_HOURS working hours):
    one ``dossier.acknowledgement_overdue`` event each, once (run by the send worker, and by
    ``motcua notifications remind``). Returns how many were raised."""
    now = now or timezone.now()
    days = int(_config()["ACKNOWLEDGE_WORKING_DAYS"])
    hours = float(_config()["GROUP_ACKNOWLEDGE_WORKING_HOURS"])
    cal, today = default_calendar(), local_date(now)
    reminded = Reminder.objects.filter(kind="acknowledgement_overdue").values("dossier_code")
    waiting = (Dossier.objects.filter(status=Status.NEW, channel="online").exclude(code__in=reminded))
    raised = 0
    # Members of interlinked groups first: handed over by the interlinking, acknowledged within working hours.
    for code, submitted_at in (waiting.filter(group_member__isnull=False, submitted_at__lt=now - timedelta(hours=hours))
                               .values_list("code", "submitted_at")[:1000]):
        due_at = cal.add_working_hours(submitted_at.astimezone(LOCAL_TZ).replace(tzinfo=None), hours)
        if now.astimezone(LOCAL_TZ).replace(tzinfo=None) > due_at:
            raised += _remind(code, f"{due_at:%H:%M %d/%m/%Y}", now)
    for code, submitted_at in (waiting.filter(group_member__isnull=True, submitted_at__lt=now - timedelta(days=days))
                               .values_list("code", "submitted_at")[:1000]):
        due = cal.add_working_days(local_date(submitted_at), days)
        if today > due:
            raised += _remind(code, f"{due:%d/%m/%Y}", now)
    return raised


def _remind(code: str, due: str, now: datetime) -> int:
    try:
        with transaction.atomic():
            Reminder.objects.create(dossier_code=code, kind="acknowledgement_overdue", raised_at=now)
            outbox.publish(ACKNOWLEDGEMENT_OVERDUE, code, {"due": due})
        return 1
    except IntegrityError:
        return 0  # another worker raised it first


@notifies(ACKNOWLEDGEMENT_OVERDUE)
def _acknowledgement_overdue(events: list[OutboxEvent]) -> Iterator[Planned]:
    found = {d.code: d for d in Dossier.objects.filter(code__in={e.key for e in events})
             .select_related("procedure_version__procedure", "agency")}
    for event in events:
        d = found.get(event.key)
        if d is None or d.status != Status.NEW:
            continue  # received meanwhile
        spec = spec_of(d.procedure_version)
        link = absolute(reverse("backoffice:detail", args=[d.code]))
        context = {"code": d.code, "name": d.applicant_name, "procedure_vi": spec.name_vi,
                   "procedure_en": spec.name_en, "submitted_at": d.submitted_at, "due": event.payload.get("due"),
                   "link": link}
        for r in officials(d.agency.code, [spec.workflow.steps[0].role, Role.LEADER]):
            yield event, Outgoing(r, "acknowledgement_overdue", context, link, d.code)


# --- proactive offers -------------------------------------------------------------------------------------

@notifies(OFFER_MADE)
def _offer(events: list[OutboxEvent]) -> Iterator[Planned]:
    """``offer.made``: key the person's ID number; payload ``procedure`` (its code), ``reason_vi``/``reason_en``
    (why it is offered), optional ``name`` and ``path`` (where to take it up, on this site)."""
    preferences = {p.id_number: p for p in Preference.objects.filter(id_number__in={e.key for e in events})}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in={e.payload.get("procedure") for e in events})}
    for event in events:
        procedure = procedures.get(event.payload.get("procedure", ""))
        if procedure is None:
            continue
        path = event.payload.get("path") or reverse("portal:procedure", args=[procedure.code])
        link = absolute(path if str(path).startswith("/") else "/")
        recipient = citizen(event.key, event.payload.get("name", ""), preference=preferences.get(event.key))
        yield event, Outgoing(recipient, "offer", {
            "name": recipient.name, "procedure_vi": procedure.name_vi, "procedure_en": procedure.name_en,
            "reason_vi": event.payload.get("reason_vi", ""), "reason_en": event.payload.get("reason_en", ""),
            "link": link}, link)


# --- petitions (phản ánh, kiến nghị) ---------------------------------------------------------------------

def _petition_context(petition: Petition, link: str) -> dict[str, Any]:
    return {"code": petition.code, "name": petition.sender_name, "subject": petition.subject,
            "kind": petition.get_kind_display(), "agency_vi": petition.agency.name_vi,
            "agency_en": petition.agency.name_en, "due": petition.due_on, "answer": petition.answer,
            "on_time": petition.answered_on_time, "link": link}


def _petitions(events: list[OutboxEvent]) -> dict[str, Petition]:
    return {p.code: p for p in Petition.objects.select_related("agency").filter(code__in={e.key for e in events})}


@notifies(PETITION_RECEIVED)
def _petition_received(events: list[OutboxEvent]) -> Iterator[Planned]:
    """The agency's reception officers and leaders hear of a petition to answer, with its due date."""
    found = _petitions(events)
    for event in events:
        petition = found.get(event.key)
        if petition is None:
            continue
        link = absolute(reverse("backoffice:petitions")) + f"#{petition.code}"
        for r in officials(petition.agency.code, [Role.RECEIVER, Role.LEADER]):
            yield event, Outgoing(r, "petition_received", _petition_context(petition, link), link)


@notifies(PETITION_ANSWERED)
def _petition_answered(events: list[OutboxEvent]) -> Iterator[Planned]:
    """The sender reads the answer, and is asked whether it satisfied them."""
    found = _petitions(events)
    preferences = {p.id_number: p for p in Preference.objects.filter(
        id_number__in={p.sender_id_number for p in found.values()})}
    for event in events:
        petition = found.get(event.key)
        if petition is None:
            continue
        link = absolute(reverse("portal:petition", args=[petition.code]))
        recipient = citizen(petition.sender_id_number, petition.sender_name, petition.sender_email,
                            petition.sender_phone, preferences.get(petition.sender_id_number))
        yield event, Outgoing(recipient, "petition_answered", _petition_context(petition, link), link)


# --- interlinked groups -----------------------------------------------------------------------------------

@notifies(groups.GROUP_CHANGED)
def _group_messages(events: list[OutboxEvent]) -> Iterator[Planned]:
    """The applicant hears of the group as a whole when it is filed (its code, members and due date) and when a
    member cannot be handed over; each member's own steps reach them as any dossier's."""
    wanted = [e for e in events if e.payload.get("event") in ("submitted", "member_blocked")]
    found = {g.code: g for g in DossierGroup.objects.filter(code__in={e.key for e in wanted})}
    preferences = {p.id_number: p for p in Preference.objects.filter(
        id_number__in={g.applicant_id_number for g in found.values()})}
    for event in wanted:
        group = found.get(event.key)
        if group is None:
            continue
        view = groups.view(group)
        link = absolute(reverse("portal:group_application", args=[group.code]))
        recipient = citizen(group.applicant_id_number, group.applicant_name, group.applicant_email,
                            group.applicant_phone, preferences.get(group.applicant_id_number))
        blocked = next((m for m in view.members if m.procedure_code == event.payload.get("member")), None)
        yield event, Outgoing(recipient, "group_" + str(event.payload["event"]), {
            "code": group.code, "name": group.applicant_name, "group_vi": view.spec.name_vi,
            "group_en": view.spec.name_en, "due": group.due_date, "link": link,
            "members": [{"name_vi": m.name_vi, "name_en": m.name_en, "code": m.dossier.code if m.dossier else "",
                         "agency_vi": m.dossier.agency.name_vi if m.dossier else "",
                         "agency_en": m.dossier.agency.name_en if m.dossier else "", "waiting": m.state == "waiting"}
                        for m in view.members],
            "member_vi": blocked.name_vi if blocked else "", "member_en": blocked.name_en if blocked else "",
            "problem_vi": blocked.problem_vi if blocked else "", "problem_en": blocked.problem_en if blocked else ""},
            link)
