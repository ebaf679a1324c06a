"""Interlinked procedure groups (Nghị định 63/2024/NĐ-CP) as declarative data, validated without Django.

A group file names its member procedures, which the applicant must take and which they choose, the group's
statutory time and each member's within it, and what each member is given by the others: a value of the one
form the applicant fills in for the whole group, a fixed value, or a value the result of an earlier member
allotted (the child's new personal ID number, from the birth registration). A member with ``after`` starts
only once that member's result exists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from motcua.catalog.spec import CODE_RE, NAME_RE, FormField, ProcedureSpec, SpecError, SpecIssue
from motcua.core.errors import FieldError, Invalid

TOP_LEVEL_KEYS = frozenset({"code", "name", "description", "legal_basis", "statutory_days", "choose", "members"})
MEMBER_KEYS = frozenset({"procedure", "mandatory", "statutory_days", "after", "passes", "fixed", "asks_as"})
# What a member's result hands on beside the registries' values: the number of the document issued.
RESULT_DOCUMENT = "document_number"


@dataclass(frozen=True)
class Member:
    procedure: str
    mandatory: bool
    statutory_days: int  # the member's time within the group, which may be shorter than the procedure's own
    after: str | None = None  # the member whose result this one needs before it starts
    passes: tuple[tuple[str, str], ...] = ()  # (field, "form.<group field>" | "result.<key>")
    fixed: tuple[tuple[str, Any], ...] = ()  # (field, value)
    asks_as: tuple[tuple[str, str], ...] = ()  # (field, the group form's name for it, when names clash)

    def given(self) -> set[str]:
        """The member's fields the applicant is not asked for in the group form."""
        return {name for name, _ in self.passes} | {name for name, _ in self.fixed}

    def group_name(self, field_name: str) -> str:
        return dict(self.asks_as).get(field_name, field_name)


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name_vi: str
    name_en: str
    statutory_days: int
    choose_min: int
    choose_max: int
    members: tuple[Member, ...]
    description_vi: str = ""
    description_en: str = ""
    legal_basis: tuple[str, ...] = ()

    def member(self, procedure_code: str) -> Member:
        return next(m for m in self.members if m.procedure == procedure_code)

    @property
    def mandatory(self) -> list[str]:
        return [m.procedure for m in self.members if m.mandatory]

    def check_choice(self, chosen: Iterable[str]) -> list[str]:
        """The members the applicant chose, in the group's order, with the mandatory ones; refused with every
        reason when the choice cannot be filed (an unknown member, too few or too many, a member whose
        prerequisite was left out)."""
        wanted = set(chosen) | set(self.mandatory)
        known = {m.procedure for m in self.members}
        errors = [FieldError("members", "unknown_member", f"Thủ tục {code[:40]} không thuộc nhóm liên thông này.",
                             f"Procedure {code[:40]} is not a member of this group.")
                  for code in sorted(wanted - known)]
        picked = [m for m in self.members if m.procedure in wanted]
        if not self.choose_min <= len(picked) <= self.choose_max:
            errors.append(FieldError(
                "members", "member_count",
                f"Nhóm này gồm từ {self.choose_min} đến {self.choose_max} thủ tục; bạn đã chọn {len(picked)}.",
                f"This group takes {self.choose_min} to {self.choose_max} procedures; {len(picked)} were chosen."))
        for m in picked:
            if m.after and m.after not in wanted:
                errors.append(FieldError(
                    "members", "prerequisite_missing",
                    f"Thủ tục {m.procedure} cần kết quả của thủ tục {m.after}: hãy chọn cả thủ tục đó.",
                    f"Procedure {m.procedure} needs the result of {m.after}: choose that one too."))
        if errors:
            raise Invalid(errors[0].code, errors[0].vi, errors[0].en, "members", errors=errors)
        return [m.procedure for m in picked]

    def form_fields(self, specs: Mapping[str, ProcedureSpec], chosen: Collection[str]) -> list[FormField]:
        """The one form of the group: each chosen member's fields that no other member or fixed value gives,
        a field shared by several members asked once (the file check makes sure they agree)."""
        fields: dict[str, FormField] = {}
        for m in self.members:
            if m.procedure not in chosen:
                continue
            for f in specs[m.procedure].fields:
                if f.name in m.given():
                    continue
                name = m.group_name(f.name)
                if name not in fields:
                    fields[name] = replace(f, name=name)
                    continue
                # asked once: required if any member requires it, pre-filled if any member's definition says from where
                known = fields[name]
                fields[name] = replace(known, required=known.required or f.required, source=known.source or f.source)
        return list(fields.values())

    def member_form(self, procedure_code: str, group_form: Mapping[str, Any],
                    results: Mapping[str, Mapping[str, Any]], spec: ProcedureSpec) -> dict[str, Any]:
        """The member's own form: its fields from the group form, what it is passed and its fixed values.
        ``results``: by member procedure code, what that member's result allotted."""
        m = self.member(procedure_code)
        form = {f.name: group_form[m.group_name(f.name)] for f in spec.fields
                if f.name not in m.given() and m.group_name(f.name) in group_form}
        for name, reference in m.passes:
            source, _, key = reference.partition(".")
            value = group_form.get(key) if source == "form" else results.get(m.after or "", {}).get(key)
            if value not in (None, ""):
                form[name] = value
        form.update(dict(m.fixed))
        return form


def _mapping(issues: list[SpecIssue], data: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        issues.append(SpecIssue(f"{path}.{key}", "must be a mapping"))
        return {}
    return value


def parse_group(data: Any, procedures: Mapping[str, ProcedureSpec],
                result_keys: Mapping[str, Collection[str]]) -> GroupSpec:
    """Validate one group file against the catalog's procedures; ``result_keys``: per procedure, what its
    result allots (the registries' values its effects print, and the document number). Every problem is
    reported at once, with its path."""
    issues: list[SpecIssue] = []
    fail = lambda path, message: issues.append(SpecIssue(path, message))  # noqa: E731 — local shorthand
    if not isinstance(data, dict):
        raise SpecError([SpecIssue("", "a group definition must be a mapping")])
    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        fail(key, "is not a known key (a typo?)")
    code = data.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        fail("code", "is required: letters, digits and . - _ (3–40 characters)")
    name = _mapping(issues, data, "name", "")
    description = _mapping(issues, data, "description", "")
    for language in ("vi", "en"):
        if not isinstance(name.get(language), str) or not name[language].strip():
            fail(f"name.{language}", "is required")
    days = data.get("statutory_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        fail("statutory_days", "must be a whole number of working days >= 0")
    raw_members = data.get("members")
    if not isinstance(raw_members, list) or len(raw_members) < 2:
        fail("members", "a group needs at least two member procedures")
        raw_members = []
    members: list[Member] = []
    for i, raw in enumerate(raw_members):
        member = _member(raw, f"members[{i}]", procedures, result_keys, members, fail)
        if member is not None:
            members.append(member)
    choose = _mapping(issues, data, "choose", "")
    mandatory = sum(1 for m in members if m.mandatory)
    low, high = choose.get("min", len(members)), choose.get("max", len(members))
    if not (isinstance(low, int) and isinstance(high, int) and max(2, mandatory) <= low <= high <= len(members)):
        fail("choose", f"min and max must satisfy max(2, mandatory members) <= min <= max <= {len(members)} members")
    for j, m in enumerate(members):
        if m.statutory_days > (days if isinstance(days, int) else 0):
            fail(f"members[{j}].statutory_days", "cannot exceed the group's statutory time")
    _check_shared_fields(members, procedures, fail)
    if issues:
        raise SpecError(issues)
    return GroupSpec(code=str(code), name_vi=name["vi"], name_en=name["en"], statutory_days=int(days or 0),
                     choose_min=int(low), choose_max=int(high), members=tuple(members),
                     description_vi=str(description.get("vi", "")), description_en=str(description.get("en", "")),
                     legal_basis=tuple(str(x) for x in data.get("legal_basis") or ()))


def _member(raw: Any, path: str, procedures: Mapping[str, ProcedureSpec],
            result_keys: Mapping[str, Collection[str]], earlier: list[Member], fail: Any) -> Member | None:
    if not isinstance(raw, dict):
        fail(path, "must be a mapping")
        return None
    for key in sorted(set(raw) - MEMBER_KEYS):
        fail(f"{path}.{key}", "is not a known key (a typo?)")
    code = raw.get("procedure")
    spec = procedures.get(code) if isinstance(code, str) else None
    if spec is None:
        fail(f"{path}.procedure", f"'{code}' is no procedure of the catalog")
        return None
    if any(m.procedure == code for m in earlier):
        fail(f"{path}.procedure", f"'{code}' is already a member")
    days = raw.get("statutory_days", spec.statutory_days)
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        fail(f"{path}.statutory_days", "must be a whole number of working days >= 0")
        days = 0
    after = raw.get("after")
    if after is not None and not any(m.procedure == after for m in earlier):
        fail(f"{path}.after", f"'{after}' is not an earlier member of the group")
    field_names = {f.name for f in spec.fields}
    passes: list[tuple[str, str]] = []
    for name, reference in sorted(_dict(raw, "passes", path, fail).items()):
        if name not in field_names:
            fail(f"{path}.passes.{name}", f"is no field of procedure {code}")
        source, _, key = str(reference).partition(".")
        if source == "result":
            if after is None:
                fail(f"{path}.passes.{name}", "a result is passed only from the member named in 'after'")
            elif key not in result_keys.get(after, ()):
                fail(f"{path}.passes.{name}", f"the result of {after} gives no '{key}' "
                                              f"({', '.join(sorted(result_keys.get(after, ()))) or 'nothing'})")
        elif source != "form" or not key:
            fail(f"{path}.passes.{name}", "must be form.<field of the group form> or result.<key>")
        passes.append((name, str(reference)))
    fixed = sorted(_dict(raw, "fixed", path, fail).items())
    for name, _value in fixed:
        if name not in field_names:
            fail(f"{path}.fixed.{name}", f"is no field of procedure {code}")
    asks_as = sorted((k, str(v)) for k, v in _dict(raw, "asks_as", path, fail).items())
    for name, alias in asks_as:
        if name not in field_names:
            fail(f"{path}.asks_as.{name}", f"is no field of procedure {code}")
        if not NAME_RE.match(alias):
            fail(f"{path}.asks_as.{name}", "must be lower_snake_case")
    return Member(procedure=spec.code, mandatory=bool(raw.get("mandatory", False)), statutory_days=days, after=after,
                  passes=tuple(passes), fixed=tuple(fixed), asks_as=tuple(asks_as))


def _dict(raw: Mapping[str, Any], key: str, path: str, fail: Any) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        fail(f"{path}.{key}", "must be a mapping of field names")
        return {}
    return value


def _check_shared_fields(members: list[Member], procedures: Mapping[str, ProcedureSpec], fail: Any) -> None:
    """A field the group form asks once must mean the same to every member that takes it: same type, same
    choices; otherwise the file names it apart with ``asks_as``. A ``form.`` reference must name a field the
    group form asks."""
    seen: dict[str, tuple[str, FormField]] = {}
    for m in members:
        for f in procedures[m.procedure].fields:
            if f.name in m.given():
                continue
            name = m.group_name(f.name)
            first = seen.setdefault(name, (m.procedure, f))
            other = first[1]
            if (other.type, [c[0] for c in other.choices]) != (f.type, [c[0] for c in f.choices]):
                fail(f"members.{m.procedure}.{f.name}",
                     f"differs from field '{other.name}' of {first[0]} (type or choices): name it apart with asks_as")
    for m in members:
        for name, reference in m.passes:
            source, _, key = reference.partition(".")
            if source == "form" and key not in seen:
                fail(f"members.{m.procedure}.passes.{name}", f"the group form asks no field '{key}'")
