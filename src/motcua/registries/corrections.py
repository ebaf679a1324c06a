"""Wrong registry data, from whoever finds it (the person, a data steward reconciling another agency's dataset,
the digitization of an old register), goes one way to the registry's keeper — the local office where the
person lives (the commune police for population and residence data, the commune People's Committee for civil
status), else the national keeper — who answers by a due date: accepted, and the registry changes with its
history and the legal basis; or rejected, with the reason. The person sees the answer."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.calendar import add_working_days
from motcua.catalog.services import agency_of
from motcua.core.errors import Forbidden, Invalid, NotFound
from motcua.core.security_log import security_event
from motcua.core.text import normalize, text_problem
from motcua.identity.actors import Actor
from motcua.identity.id_number import InvalidIdNumber
from motcua.identity.id_number import validate as validate_id_number
from motcua.registries.changes import ChangeSource, change_person, history
from motcua.registries.models import CorrectionReport, Person
from motcua.registries.sources import SOURCES, source


def keeper_of(registry: str, person_id_number: str) -> str:
    """The agency code that answers reports about this person's data in this registry."""
    keeper = source(registry)
    if keeper.local_keeper is not None:
        commune = Person.objects.filter(id_number=person_id_number).values_list("permanent_commune", flat=True).first()
        if commune:
            local = agency_of(*keeper.local_keeper, commune_code=commune)
            if local is not None:
                return local.code
    return keeper.owner_agency


def open_correction(person_id_number: str, registry: str, field: str, recorded_value: str = "",
                    proposed_value: str = "", *, origin: str = "citizen", reference: str = "",
                    note: str = "") -> CorrectionReport:
    """Record a report and route it to the registry's keeper, with the date the answer is due by
    (CORRECTION_ANSWER_DAYS working days)."""
    if registry not in SOURCES:
        raise Invalid("unknown_registry", f"Không có cơ sở dữ liệu '{registry}'.", f"No registry '{registry}'.",
                      "registry")
    if origin not in CorrectionReport.ORIGIN_LABELS:
        raise Invalid("unknown_origin", "Nguồn báo sai không hợp lệ.", "Unknown origin of the report.", "origin")
    return CorrectionReport.objects.create(
        person_id_number=person_id_number, registry=registry, owner_agency=keeper_of(registry, person_id_number),
        field=field[:63], recorded_value=recorded_value[:255], proposed_value=proposed_value[:255],
        note=note[:2000], origin=origin, reference=reference[:100],
        due_on=add_working_days(timezone.localdate(), settings.CORRECTION_ANSWER_DAYS))


def is_overdue(report: CorrectionReport, today: date | None = None) -> bool:
    return report.status == "open" and report.due_on is not None and report.due_on < (today or timezone.localdate())


def reports_for_keeper(actor: Actor, status: str = "") -> list[CorrectionReport]:
    """The reports the official's agency answers, the open ones due first."""
    reports = CorrectionReport.objects.filter(owner_agency=actor.agency_code)
    if status:
        reports = reports.filter(status=status)
    return sorted(reports[:500], key=lambda r: (r.status != "open", r.due_on or date.max, -r.id))


def current_value(report: CorrectionReport) -> str:
    """What the registry holds now in the reported field (read by the keeper, who holds the registry: not a
    read of the person's data on anyone's behalf)."""
    if report.field not in source(report.registry).correctable:
        return ""
    person = Person.objects.filter(id_number=report.person_id_number).first()
    value = getattr(person, report.field, "") if person else ""
    return "" if value is None else str(value)


def field_history(report: CorrectionReport) -> list[dict[str, object]]:
    """How the reported field got its value: each recorded version of the person's record in that registry,
    with its source (the keeper's "how did this value get here")."""
    return [{"version": v.seq, "value": v.data.get(report.field, ""), "source": v.get_source_display(),
             "reference": v.source_reference, "valid_from": v.valid_from, "recorded_at": v.recorded_at,
             "recorded_by": v.recorded_by, "legal_basis": v.legal_basis}
            for v in history(report.registry, report.person_id_number)]


def reports_of_person(id_number: str) -> list[CorrectionReport]:
    return list(CorrectionReport.objects.filter(person_id_number=id_number).order_by("-created_at")[:100])


def _text(value: str, field: str, required: bool, vi: str, en: str) -> str:
    text = normalize(value or "", multiline=True).strip()
    if required and not text:
        raise Invalid(f"{field}_required", vi, en, field)
    if problem := text_problem(text, None, multiline=True):
        raise Invalid(*problem, field)
    return text[:2000]


def _corrected_value(field: str, value: str, person: Person) -> object:
    """The new value, checked as the registry's field requires."""
    value = normalize(value or "").strip()
    if not value:
        raise Invalid("value_required", "Nhập giá trị đúng để sửa vào cơ sở dữ liệu.",
                      "Enter the correct value to write into the registry.", "value")
    if field == "birth_date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise Invalid("invalid_date", "Ngày không hợp lệ (YYYY-MM-DD).", "Not a date (YYYY-MM-DD).",
                          "value") from None
        if day.year % 100 != int(person.id_number[4:6]):  # the ID number encodes the birth year
            raise Invalid("birth_year_mismatch", "Năm sinh không khớp số định danh cá nhân của người này.",
                          "The birth year does not match the person's ID number.", "value")
        return day
    if field.endswith("_id_number"):
        try:
            validate_id_number(value)
        except InvalidIdNumber as exc:
            raise Invalid(exc.code, exc.vi, exc.en, "value") from None
    if field.endswith("_commune"):
        from motcua.catalog import divisions

        if value not in divisions.communes():
            raise Invalid("unknown_commune", "Không có xã/phường này.", "No such commune.", "value")
    return value


@transaction.atomic
def answer(report_id: int, actor: Actor, accepted: bool, reply: str, *, value: str = "",
           legal_basis: str = "") -> CorrectionReport:
    """The keeper's answer. Accepted: the registry's field takes ``value`` (the proposed one by default) through
    its history, with the legal basis, and a ``corrected`` event; rejected: the reason is required. Either way the
    person reads the answer on their data page."""
    report = CorrectionReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(f"correction {report_id}")
    if actor.kind != "official" or actor.agency_code != report.owner_agency:
        raise Forbidden("not_keeper", "Chỉ cơ quan quản lý cơ sở dữ liệu này trả lời phản ánh.",
                        "Only the keeper of this registry answers the report.")
    if report.status != "open":
        raise Invalid("already_answered", "Phản ánh này đã được trả lời.", "This report was answered already.",
                      "status", status=409)
    reply = _text(reply, "answer", not accepted, "Ghi rõ lý do không chấp nhận.", "Give the reason for rejecting.")
    legal_basis = _text(legal_basis, "legal_basis", accepted, "Ghi căn cứ pháp lý và giấy tờ chứng minh của việc sửa.",
                        "Give the legal basis and the evidence of the correction.")[:255]
    if accepted:
        keeper = source(report.registry)
        if report.field not in keeper.correctable:
            raise Invalid("not_correctable_here",
                          f"Trường '{report.field}' của {keeper.label_vi} được sửa bằng thủ tục riêng (cải chính).",
                          f"'{report.field}' of the {keeper.label_en} is corrected by its own procedure.", "field")
        person = Person.objects.select_for_update().filter(id_number=report.person_id_number).first()
        if person is None:
            raise NotFound(report.person_id_number)
        new_value = _corrected_value(report.field, value or report.proposed_value, person)
        change_person(person, {report.field: new_value}, "corrected",
                      ChangeSource("correction", str(report.id), actor.id, legal_basis, timezone.localdate()))
        report.proposed_value = str(new_value)[:255]
    report.status = "accepted" if accepted else "rejected"
    report.answer, report.legal_basis = reply, legal_basis
    report.answered_at, report.answered_by = timezone.now(), actor.id
    report.save()
    security_event("registry_correction", report.status, report=report.id, registry=report.registry,
                   field=report.field)
    return report
