"""Proactive rules as data, validated without Django: which event (or date) offers which procedures to whom,
with which values pre-filled. A rules file is checked whole, like a catalog definition: every problem is reported
with the rule and the field it concerns, in Vietnamese and English, and a file with any problem is refused
(nothing of it is used)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from motcua.core.errors import FieldError, Invalid

DATE = "date"  # rules run by the daily job rather than by an event
PERSON_FIELDS = ("id_number", "full_name", "birth_date", "sex", "father_id_number", "mother_id_number",
                 "household_code", "permanent_commune", "permanent_address", "deceased_on", "death_place")
ENTERPRISE_FIELDS = ("registration_number", "tax_code", "name", "kind", "owner_id_number", "commune_code",
                     "registered_on")


@dataclass(frozen=True)
class Trigger:
    """What a rule may be started by: who may receive its offers, what its event says (``event.<key>``) and
    what the record it is about holds (``subject.<field>``)."""

    audiences: tuple[str, ...]
    payload: tuple[str, ...]
    subject: tuple[str, ...]
    extra: tuple[str, ...] = ()  # other references (the milestone of a date rule)


PERSON_EVENT = Trigger(("subject", "parents", "spouse", "children", "relatives"),
                       ("id_number", "source", "reference", "changed"), PERSON_FIELDS)
TRIGGERS: dict[str, Trigger] = {
    "registry.person.born": PERSON_EVENT,
    "registry.person.died": PERSON_EVENT,
    "registry.person.married": PERSON_EVENT,
    "registry.person.moved": PERSON_EVENT,
    "registry.enterprise.registered": Trigger(("owner",), ("owner_id_number", "kind", "reference"),
                                              ENTERPRISE_FIELDS),
    DATE: Trigger(("holder",), (), PERSON_FIELDS, ("milestone.age", "milestone.on")),
}
SCHEDULES = ("identity_card",)  # the date rules there is a job for: identity-card milestones (milestones.py)
RULE_KEYS = frozenset({"code", "name", "reason", "on", "for", "offer", "group", "prefill", "when",
                       "unless_applied_since", "schedule", "lead_days"})
CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,62}$")


@dataclass(frozen=True)
class Rule:
    code: str
    name_vi: str
    name_en: str
    reason_vi: str
    reason_en: str
    on: str
    audience: str
    procedures: tuple[str, ...]
    prefill: Mapping[str, str | dict[str, str]] = field(default_factory=dict)  # field: reference or {value: …}
    when: Mapping[str, str] = field(default_factory=dict)  # reference: the value it must have
    unless_applied_since: str = ""  # a date reference: no offer when the person applied since then
    schedule: str = ""
    lead_days: int = 30

    def values(self, references: Mapping[str, Any], procedure_fields: Collection[str]) -> dict[str, str]:
        """The pre-filled values for one procedure: the rule's fields that procedure's form has."""
        filled: dict[str, str] = {}
        for name, source in self.prefill.items():
            if name not in procedure_fields:
                continue
            value: Any = source["value"] if isinstance(source, dict) else references.get(source)
            if value is not None and value != "":
                filled[name] = value.isoformat() if isinstance(value, date) else str(value)
        return filled

    def applies(self, references: Mapping[str, Any]) -> bool:
        return all(str(references.get(ref, "")) == expected for ref, expected in self.when.items())


@dataclass(frozen=True)
class Catalog:
    """What the rules are checked against: each procedure's form fields, and the catalog's groups if it has any."""

    procedures: Mapping[str, Collection[str]]
    groups: Mapping[str, Collection[str]] | None = None


class RulesRefused(Invalid):
    """A rules file with problems: each problem names its rule and field."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__("rules_invalid", f"Tệp quy tắc có {len(problems)} lỗi; không quy tắc nào được dùng.",
                         f"The rules file has {len(problems)} problem(s); none of its rules is used.",
                         errors=problems)


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def parse_rules(data: Any, catalog: Catalog) -> list[Rule]:
    """Every rule of a rules document (``{"rules": [...]}``), or :class:`RulesRefused` with every problem."""
    problems: list[FieldError] = []

    def problem(where: str, code: str, vi: str, en: str) -> None:
        problems.append(FieldError(where, code, vi, en))

    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RulesRefused([FieldError("rules", "not_a_list", "Tệp phải có khóa 'rules' là một danh sách.",
                                       "The file must have a 'rules' key holding a list.")])
    if isinstance(data, dict) and set(data) - {"rules"}:
        for key in sorted(set(data) - {"rules"}):
            problem(str(key), "unknown_key", f"Khóa '{key}' không được hỗ trợ.", f"Unknown key '{key}'.")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"rules[{index}]"
        if not isinstance(item, dict):
            problem(where, "not_a_mapping", "Mỗi quy tắc phải là một bảng khóa–giá trị.", "Each rule must be a mapping.")
            continue
        code = _text(item.get("code"))
        if code:
            where = f"rules[{index}] ({code})"
        before = len(problems)
        if not CODE_RE.match(code):
            problem(f"{where}.code", "bad_code", "Mã quy tắc phải là chữ thường, số, '-' hoặc '_'.",
                    "The rule's code must be lower-case letters, digits, '-' or '_'.")
        elif code in seen:
            problem(f"{where}.code", "duplicate", f"Mã quy tắc '{code}' bị trùng.", f"Rule code '{code}' is repeated.")
        seen.add(code)
        for key in sorted(set(item) - RULE_KEYS, key=str):
            problem(f"{where}.{key}", "unknown_key", f"Khóa '{key}' không được hỗ trợ.", f"Unknown key '{key}'.")
        texts: dict[str, str] = {}
        for key in ("name", "reason"):
            value = item.get(key)
            for language in ("vi", "en"):
                texts[f"{key}_{language}"] = _text(value.get(language)) if isinstance(value, dict) else ""
                if not texts[f"{key}_{language}"]:
                    problem(f"{where}.{key}.{language}", "required", f"Thiếu '{key}' bằng tiếng {'Việt' if language == 'vi' else 'Anh'}.",
                            f"'{key}' in {'Vietnamese' if language == 'vi' else 'English'} is missing.")
        on = _text(item.get("on"))
        trigger = TRIGGERS.get(on)
        if trigger is None:
            problem(f"{where}.on", "unknown_event", f"Sự kiện '{on}' không có; chọn trong: {', '.join(TRIGGERS)}.",
                    f"Unknown event '{on}'; choose among: {', '.join(TRIGGERS)}.")
        audience = _text(item.get("for"))
        if trigger is not None and audience not in trigger.audiences:
            problem(f"{where}.for", "unknown_audience",
                    f"Đối tượng '{audience}' không dùng được với sự kiện '{on}'; chọn trong: {', '.join(trigger.audiences)}.",
                    f"Audience '{audience}' does not go with event '{on}'; choose among: {', '.join(trigger.audiences)}.")
        schedule = _text(item.get("schedule"))
        if on == DATE and schedule not in SCHEDULES:
            problem(f"{where}.schedule", "unknown_schedule",
                    f"Quy tắc theo ngày cần 'schedule' trong: {', '.join(SCHEDULES)}.",
                    f"A date rule needs a 'schedule' among: {', '.join(SCHEDULES)}.")
        elif on != DATE and schedule:
            problem(f"{where}.schedule", "not_a_date_rule", "Chỉ quy tắc theo ngày ('on: date') có 'schedule'.",
                    "Only a date rule ('on: date') has a 'schedule'.")
        lead_days = item.get("lead_days", 30)
        if not isinstance(lead_days, int) or isinstance(lead_days, bool) or not 0 <= lead_days <= 366:
            problem(f"{where}.lead_days", "out_of_range", "'lead_days' phải là số ngày từ 0 đến 366.",
                    "'lead_days' must be a number of days from 0 to 366.")
            lead_days = 30
        procedures = _procedures(item, where, catalog, problem)
        references = _references(trigger) if trigger is not None else set()
        fields_of = set().union(*(catalog.procedures.get(p, ()) for p in procedures)) if procedures else set()
        prefill = item.get("prefill") or {}
        if not isinstance(prefill, dict):
            problem(f"{where}.prefill", "not_a_mapping", "'prefill' phải là bảng trường: nguồn.",
                    "'prefill' must map fields to sources.")
            prefill = {}
        for name, source in prefill.items():
            if procedures and name not in fields_of:
                problem(f"{where}.prefill.{name}", "unknown_field",
                        f"Không thủ tục nào được đề xuất có trường '{name}'.",
                        f"No offered procedure has a field '{name}'.")
            if isinstance(source, dict):
                if set(source) != {"value"} or not _text(source.get("value")):
                    problem(f"{where}.prefill.{name}", "bad_source", "Giá trị cố định viết là {value: ...}.",
                            "A fixed value is written {value: ...}.")
            elif trigger is not None and source not in references:
                problem(f"{where}.prefill.{name}", "unknown_source",
                        f"Nguồn '{source}' không có với sự kiện '{on}'.",
                        f"Source '{source}' is not known for event '{on}'.")
        when = item.get("when") or {}
        if not isinstance(when, dict):
            problem(f"{where}.when", "not_a_mapping", "'when' phải là bảng nguồn: giá trị.",
                    "'when' must map sources to values.")
            when = {}
        for ref in when:
            if trigger is not None and ref not in references:
                problem(f"{where}.when.{ref}", "unknown_source", f"Nguồn '{ref}' không có với sự kiện '{on}'.",
                        f"Source '{ref}' is not known for event '{on}'.")
        since = _text(item.get("unless_applied_since"))
        if since and trigger is not None and since not in references:
            problem(f"{where}.unless_applied_since", "unknown_source",
                    f"Nguồn '{since}' không có với sự kiện '{on}'.", f"Source '{since}' is not known for event '{on}'.")
        if len(problems) == before:
            rules.append(Rule(code, texts["name_vi"], texts["name_en"], texts["reason_vi"], texts["reason_en"], on,
                              audience, procedures,
                              {str(k): ({"value": _text(v["value"])} if isinstance(v, dict) else str(v))
                               for k, v in prefill.items()},
                              {str(k): _text(v) for k, v in when.items()}, since, schedule, lead_days))
    if problems:
        raise RulesRefused(problems)
    return rules


def _references(trigger: Trigger) -> set[str]:
    return ({f"event.{k}" for k in trigger.payload} | {f"subject.{k}" for k in trigger.subject} | set(trigger.extra))


def _procedures(item: dict[str, Any], where: str, catalog: Catalog, problem: Any) -> tuple[str, ...]:
    """The procedures a rule offers: ``offer`` (a code or a list of codes) or a catalog ``group``."""
    offer, group = item.get("offer"), item.get("group")
    if (offer is None) == (group is None):
        problem(f"{where}.offer", "offer_or_group", "Cần đúng một trong 'offer' (mã thủ tục) hoặc 'group' (nhóm thủ tục).",
                "Give exactly one of 'offer' (procedure codes) or 'group' (a procedure group).")
        return ()
    if group is not None:
        if catalog.groups is None:
            problem(f"{where}.group", "no_groups", "Danh mục chưa có nhóm thủ tục; hãy liệt kê mã thủ tục trong 'offer'.",
                    "The catalog has no procedure groups yet; list the procedure codes in 'offer'.")
            return ()
        if _text(group) not in catalog.groups:
            problem(f"{where}.group", "unknown_group", f"Nhóm thủ tục '{group}' không có trong danh mục.",
                    f"Procedure group '{group}' is not in the catalog.")
            return ()
        codes = list(catalog.groups[_text(group)])
    else:
        codes = [offer] if isinstance(offer, str) else offer if isinstance(offer, list) else []
        if not codes:
            problem(f"{where}.offer", "required", "'offer' phải là một mã thủ tục hoặc danh sách mã.",
                    "'offer' must be a procedure code or a list of codes.")
    good = []
    for code in codes:
        if _text(code) in catalog.procedures:
            good.append(_text(code))
        else:
            problem(f"{where}.offer", "unknown_procedure", f"Thủ tục '{code}' không có trong danh mục.",
                    f"Procedure '{code}' is not in the catalog.")
    return tuple(dict.fromkeys(good)) if len(good) == len(codes) else ()
