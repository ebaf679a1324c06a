"""What an issued result changes in the base registries: each procedure declares its effects as data
(``registry_effects`` in its definition, checked by the catalog), and this engine applies them in the
transaction of the approval, before the result is rendered. A birth registration creates the child with a new
personal ID number, a death marks the person deceased, a marriage records both spouses as married, a residence
registration moves the person, a household business enters the enterprise registry, a new identity card is
held. An effect the registries refuse (the person is not in the population registry, is already deceased,
already married…) refuses the approval with a message the official can act on; nothing is written."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from motcua.catalog.services import spec_of
from motcua.core.errors import Conflict
from motcua.dossiers.lifecycle import Action, local_date
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import next_number
from motcua.identity import id_number
from motcua.registries.changes import (
    ChangeSource,
    change_person,
    create_person,
    hold_document,
    record_civil_event,
    register_enterprise,
)
from motcua.registries.models import CivilEvent, Person
from motcua.registries.sources.family import current_spouse

SERIAL_ATTEMPTS = 50


class EffectRefused(Conflict):
    """The registries do not allow what the result would record; the approval is refused with the reason."""


@dataclass(frozen=True)
class Context:
    dossier: Dossier
    day: date  # the day of the decision, local time
    source: ChangeSource

    @property
    def agency_code(self) -> str:
        return self.dossier.agency.code

    @property
    def commune_code(self) -> str:
        return self.dossier.commune_code or self.dossier.agency.commune_code or ""

    def register_entry(self, kind: str) -> tuple[str, str]:
        """(register number, register book) of a new civil-status entry: numbered per agency and year, one
        electronic book a year ("Quyển số 01/2026")."""
        serial = next_number(f"{self.agency_code}/{kind}", self.day.replace(month=1, day=1))
        return f"{serial}/{self.day.year}/{kind}.{self.agency_code}", f"01/{self.day.year}"


Handler = Callable[[dict[str, Any], Context], dict[str, str]]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def apply(dossier: Dossier, action: Action) -> dict[str, str]:
    """Apply the effects of the dossier's procedure for its approved result; returns what the result document
    prints beside the dossier's data (the child's new ID number, the register book…)."""
    spec = spec_of(dossier.procedure_version)
    context = Context(dossier, local_date(action.at), ChangeSource(
        "dossier", dossier.code, action.actor.id, "; ".join(spec.legal_basis[:2]), local_date(action.at)))
    printed: dict[str, str] = {}
    for effect in spec.registry_effects:
        values = {name: effect.value(name, dossier.form_data, dossier.applicant_id_number, dossier.applicant_name)
                  for name, _reference in effect.parameters}
        printed |= HANDLERS[effect.kind](values, context)
    return printed


def _person(number: Any, role_vi: str, role_en: str, living: bool = True) -> Person:
    """The person, locked for the change; refused when the population registry does not know them or, for
    ``living``, when they were registered deceased."""
    person = Person.objects.select_for_update().filter(id_number=str(number or "")).first()
    if person is None:
        raise EffectRefused("not_in_registry",
                            f"{role_vi} (số định danh {number}) chưa có trong Cơ sở dữ liệu quốc gia về dân cư.",
                            f"The {role_en} (ID number {number}) is not in the national population database.")
    if not living:
        return person
    died = person.deceased_on or CivilEvent.objects.filter(kind="death", subject_id_number=person.id_number).values_list(
        "date", flat=True).first()
    if died is not None:
        raise EffectRefused("deceased", f"{role_vi} ({person.full_name}) đã được đăng ký khai tử ngày "
                            f"{died:%d/%m/%Y}.",
                            f"The {role_en} ({person.full_name}) was registered deceased on {died}.")
    return person


def _day(value: Any, context: Context, what_vi: str, what_en: str) -> date:
    """A date the form gave, which cannot be after the decision nor before the registers began."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    if not date(1900, 1, 1) <= day <= context.day:
        raise EffectRefused("date_out_of_range", f"{what_vi} ({day:%d/%m/%Y}) không thể sau ngày quyết định "
                            f"hoặc trước năm 1900.", f"The {what_en} ({day}) cannot be after the decision or before 1900.")
    return day


def _allocate_person(values: dict[str, Any], province_code: str, context: Context) -> Person:
    birth_date = values["birth_date"]
    draw = random.SystemRandom()
    for _ in range(SERIAL_ATTEMPTS):
        number = id_number.compose(province_code, values["sex"], birth_date.year, draw.randrange(1_000_000))
        try:
            with transaction.atomic():  # a savepoint: a serial already taken is drawn again
                return create_person({**values, "id_number": number}, "born", context.source)
        except IntegrityError:
            continue
    raise EffectRefused("id_numbers_exhausted", "Không cấp được số định danh cá nhân mới; hãy thử lại.",
                        "No new personal ID number could be allotted; try again.")


def _name(number: Any) -> str:
    return Person.objects.filter(id_number=str(number or "")).values_list("full_name", flat=True).first() or ""


@handles("birth")
def _birth(values: dict[str, Any], context: Context) -> dict[str, str]:
    """The child enters the population registry with a new ID number, linked to the parents the form names
    (known to the registry or not: the registry then keeps the declared number), and the birth is entered in
    the civil-status register."""
    birth_date = _day(values["birth_date"], context, "Ngày sinh", "date of birth")
    father, mother = str(values.get("father_id_number") or ""), str(values.get("mother_id_number") or "")
    twin = Person.objects.filter(full_name=values["full_name"], birth_date=birth_date, mother_id_number=mother,
                                 father_id_number=father).first() if (father or mother) else None
    if twin is not None:
        raise EffectRefused("already_registered",
                            f"Trẻ {twin.full_name} sinh ngày {birth_date:%d/%m/%Y} đã được đăng ký khai sinh "
                            f"(số định danh {twin.id_number}).",
                            f"{twin.full_name}, born {birth_date}, is already registered (ID number {twin.id_number}).")
    province = "0" + context.dossier.agency.province_code
    child = _allocate_person({
        "full_name": values["full_name"], "birth_date": birth_date, "birth_province": province,
        "sex": values["sex"], "father_id_number": father, "mother_id_number": mother, "marital_status": "single",
    }, province, context)
    number, book = context.register_entry("KS")
    record_civil_event({"kind": "birth", "register_number": number, "date": context.day,
                        "commune_code": context.commune_code, "subject_id_number": child.id_number,
                        "other_id_number": mother,
                        "data": {"book": book, "father_id_number": father, "birth_place": values.get("birth_place") or "",
                                 "dossier": context.dossier.code}}, context.source)
    return {"child_id_number": child.id_number, "father_name": _name(father), "mother_name": _name(mother),
            "register_number": number, "register_book": book}


@handles("death")
def _death(values: dict[str, Any], context: Context) -> dict[str, str]:
    deceased = _person(values["id_number"], "Người chết", "deceased")
    spouse = Person.objects.select_for_update().filter(id_number=current_spouse(deceased.id_number) or None).first()
    died_on = _day(values["date_of_death"], context, "Ngày chết", "date of death")
    changes: dict[str, Any] = {"deceased_on": died_on, "death_place": values.get("place_of_death") or ""}
    if values.get("close_residence"):
        changes |= {"permanent_commune": "", "permanent_address": "", "household_code": "",
                    "temporary_commune": "", "temporary_address": "", "temporary_until": None}
    source = ChangeSource(context.source.kind, context.source.reference, context.source.recorded_by,
                          context.source.legal_basis, died_on)
    change_person(deceased, changes, "died", source)
    if spouse is not None:
        change_person(spouse, {"marital_status": "widowed"}, "widowed", source)
    number, book = context.register_entry("KT")
    record_civil_event({"kind": "death", "register_number": number, "date": context.day,
                        "commune_code": context.commune_code, "subject_id_number": deceased.id_number,
                        "data": {"book": book, "date_of_death": died_on.isoformat(),
                                 "place_of_death": values.get("place_of_death") or "",
                                 "dossier": context.dossier.code}}, context.source)
    return {"register_number": number, "register_book": book}


@handles("marriage")
def _marriage(values: dict[str, Any], context: Context) -> dict[str, str]:
    first = _person(values["spouse_id_number"], "Người yêu cầu", "applicant")
    second = _person(values["other_spouse_id_number"], "Bên kia", "other party")
    if first.id_number == second.id_number:
        raise EffectRefused("same_person", "Hai bên kết hôn là cùng một người.", "Both parties are the same person.")
    for spouse in (first, second):
        if spouse.marital_status == "married" or current_spouse(spouse.id_number):
            raise EffectRefused("already_married",
                                f"{spouse.full_name} đang có vợ hoặc chồng theo Cơ sở dữ liệu hộ tịch.",
                                f"{spouse.full_name} is married according to the civil-status register.")
    number, book = context.register_entry("KH")
    record_civil_event({"kind": "marriage", "register_number": number, "date": context.day,
                        "commune_code": context.commune_code, "subject_id_number": first.id_number,
                        "other_id_number": second.id_number,
                        "data": {"book": book, "dossier": context.dossier.code}}, context.source)
    for spouse in (first, second):
        change_person(spouse, {"marital_status": "married"}, "married", context.source)
    return {"register_number": number, "register_book": book,
            "spouse_names": f"{first.full_name} — {second.full_name}"}


@handles("permanent_residence")
def _permanent_residence(values: dict[str, Any], context: Context) -> dict[str, str]:
    person = _person(values["id_number"], "Người đăng ký", "applicant")
    head = Person.objects.filter(id_number=str(values.get("household_head_id_number") or "")).first()
    if head is not None and head.household_code:
        household = head.household_code
    else:
        serial = next_number(f"{values['commune']}/HK", context.day.replace(month=1, day=1))
        household = f"HK-{values['commune']}-{context.day.year}-{serial:05d}"
    change_person(person, {"permanent_commune": values["commune"], "permanent_address": values["address"],
                           "household_code": household}, "moved", context.source)
    return {"household_code": household}


@handles("temporary_residence")
def _temporary_residence(values: dict[str, Any], context: Context) -> dict[str, str]:
    person = _person(values["id_number"], "Người đăng ký", "applicant")
    until = date.fromisoformat(str(values["until"])) if values.get("until") else None
    change_person(person, {"temporary_commune": values["commune"], "temporary_address": values["address"],
                           "temporary_until": until}, "moved", context.source)
    return {}


@handles("residence_deletion")
def _residence_deletion(values: dict[str, Any], context: Context) -> dict[str, str]:
    """The person's permanent residence is deleted (died, settled abroad…): they leave their household. A
    deceased person is accepted here: the death is usually why."""
    person = _person(values["id_number"], "Người được xóa đăng ký", "person", living=False)
    if not person.permanent_commune:
        raise EffectRefused("no_permanent_residence", f"{person.full_name} không có nơi thường trú để xóa.",
                            f"{person.full_name} has no permanent residence to delete.")
    change_person(person, {"permanent_commune": "", "permanent_address": "", "household_code": ""}, "moved",
                  context.source)
    return {}


@handles("household_business")
def _household_business(values: dict[str, Any], context: Context) -> dict[str, str]:
    owner = _person(values["owner_id_number"], "Chủ hộ kinh doanh", "owner")
    serial = next_number(f"{context.agency_code}/HKD", context.day.replace(month=1, day=1))
    number = f"{context.dossier.agency.province_code}{context.day:%y}HKD{serial:06d}"
    register_enterprise({"registration_number": number, "name": values["name"], "kind": "household",
                         "owner_id_number": owner.id_number, "commune_code": values["commune"],
                         "registered_on": context.day}, context.source)
    return {"registration_number": number}


@handles("identity_card")
def _identity_card(values: dict[str, Any], context: Context) -> dict[str, str]:
    """The card carries the personal ID number of a living person of the registry; the card itself is held
    for them as every result is (``hold_result``)."""
    holder = _person(values["id_number"], "Người đề nghị", "applicant")
    return {"card_number": holder.id_number}


def hold_result(dossier: Dossier, doc_type: str, number: str, issued_on: date, data: dict[str, Any],
                recorded_by: str) -> None:
    """Every issued result is held for its owner (the wallet; never asked for again), with its history; a
    birth certificate for the child too, whose later procedures need it."""
    for owner in dict.fromkeys(filter(None, (dossier.applicant_id_number, data.get("child_id_number")))):
        hold_document({"owner_id_number": owner, "doc_type": doc_type, "number": number, "issued_on": issued_on,
                       "issuer_agency": dossier.agency.code, "data": data},
                      ChangeSource("dossier", dossier.code, recorded_by, valid_from=issued_on))
