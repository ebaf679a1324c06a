"""Procedure definitions as declarative data, validated without Django.

A definition file (YAML or JSON) describes one procedure; :func:`parse_procedure`
turns it into a :class:`ProcedureSpec` or reports *every* problem with its field path,
so an import can list all errors of all files at once.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from motcua.catalog.publication import DATES, PUBLISHERS, Publication
from motcua.catalog.workflow import Step, Workflow
from motcua.identity.actors import Role

LEVELS = ("ministry", "province", "commune")
ONLINE_LEVELS = ("full", "partial")
FIELD_TYPES = ("text", "textarea", "date", "id_number", "choice", "number", "integer", "email", "phone", "commune",
               "boolean")
TOP_LEVEL_KEYS = frozenset({"code", "name", "sector", "ministry", "level", "agency_type", "statutory_days", "online_level",
                            "eid_level", "fees", "legal_basis", "description", "evidence", "fields", "result",
                            "workflow", "registry_effects", "publication", "own_filing_only",
                            "for_deceased", "applicants"})
# Who may be the applicant of a procedure: a person (the default), an organisation (an enterprise or household
# business, filing through its legal representative or staff it delegated), or either.
APPLICANT_KINDS = ("person", "organisation")
PUBLICATION_KEYS = frozenset({"decision", "publisher", "decided", "basis", "effective", "disclosed", "unverified",
                              "source"})
CODE_RE = re.compile(r"^[0-9A-Za-z.\-_]{3,40}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class SpecIssue:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SpecError(Exception):
    def __init__(self, issues: list[SpecIssue]) -> None:
        super().__init__("; ".join(map(str, issues)))
        self.issues = issues


@dataclass(frozen=True)
class FormField:
    name: str
    type: str
    label_vi: str
    label_en: str
    required: bool = False
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, label_vi, label_en)
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    source: str | None = None  # "registry" or "registry.key": where the value is pre-filled from (once-only)

    @property
    def registry(self) -> str | None:
        return self.source.split(".", 1)[0] if self.source else None

    @property
    def registry_key(self) -> str:
        """The key in the registry's data; by default the field's own name."""
        return self.source.split(".", 1)[1] if self.source and "." in self.source else self.name


@dataclass(frozen=True)
class Evidence:
    code: str
    label_vi: str
    label_en: str
    required: bool = True
    source: str | None = None  # registry holding it: never asked of the citizen
    copies: int = 1
    # For a document from the wallet ("documents"): "ask" the citizen when their wallet turns out not to hold
    # it (a result of an earlier procedure), or let the "agency" obtain it (e.g. from a hospital's system).
    if_missing: str = "agency"
    # The declaration whose content is the procedure's form: online, the form filled in is this document
    # (no file); at the counter the paper declaration is received like any other document.
    filled_online: bool = False

    @property
    def asked_when_missing(self) -> bool:
        return self.source == "documents" and self.if_missing == "ask"


# What an issued result changes in the base registries (applied by motcua.registries.effects in the transaction
# of the approval): each kind with its required and optional parameters.
EFFECT_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "birth": (frozenset({"full_name", "birth_date", "sex"}),
              frozenset({"birth_place", "father_id_number", "mother_id_number"})),
    "death": (frozenset({"id_number", "date_of_death"}), frozenset({"place_of_death", "close_residence"})),
    "marriage": (frozenset({"spouse_id_number", "other_spouse_id_number"}), frozenset()),
    "permanent_residence": (frozenset({"id_number", "commune", "address"}), frozenset({"household_head_id_number"})),
    "temporary_residence": (frozenset({"id_number", "commune", "address"}), frozenset({"until"})),
    "residence_deletion": (frozenset({"id_number"}), frozenset({"reason"})),
    "household_business": (frozenset({"owner_id_number", "name", "commune"}), frozenset({"address"})),
    "identity_card": (frozenset({"id_number"}), frozenset({"reason"})),
}
# What each effect allots and the result prints (the registries' handlers return exactly these): a group member
# may be passed one of them by the member whose result it waits for.
EFFECT_RESULTS: dict[str, frozenset[str]] = {
    "birth": frozenset({"child_id_number", "father_name", "mother_name", "register_number", "register_book"}),
    "death": frozenset({"register_number", "register_book"}),
    "marriage": frozenset({"register_number", "register_book", "spouse_names"}),
    "permanent_residence": frozenset({"household_code"}),
    "temporary_residence": frozenset(),
    "residence_deletion": frozenset(),
    "household_business": frozenset({"registration_number"}),
    "identity_card": frozenset({"card_number"}),
}
# Where a parameter's value comes from: a form field, who applied, or a fixed value (true/false, a number).
APPLICANT_VALUES = ("applicant.id_number", "applicant.name")


@dataclass(frozen=True)
class RegistryEffect:
    kind: str
    # (parameter, reference): "form.<field>", "applicant.id_number" / "applicant.name", a fixed value, or a
    # tuple of references of which the first with a value counts (the registrant's ID number, else the applicant's)
    parameters: tuple[tuple[str, str | bool | int | tuple[str, ...]], ...]

    def value(self, parameter: str, form: dict[str, Any], applicant_id_number: str,
              applicant_name: str) -> str | bool | int | None:
        """The parameter's value for one dossier; None when not declared or the form left it empty."""
        reference = dict(self.parameters).get(parameter)
        if isinstance(reference, tuple):
            values = (self._resolve(r, form, applicant_id_number, applicant_name) for r in reference)
            return next((v for v in values if v is not None), None)
        return self._resolve(reference, form, applicant_id_number, applicant_name)

    @staticmethod
    def _resolve(reference: str | bool | int | None, form: dict[str, Any], applicant_id_number: str,
                 applicant_name: str) -> str | bool | int | None:
        if not isinstance(reference, str):
            return reference
        if reference == "applicant.id_number":
            return applicant_id_number
        if reference == "applicant.name":
            return applicant_name
        found = form.get(reference.removeprefix("form."))
        return None if found in (None, "") else found


@dataclass(frozen=True)
class Fees:
    counter: int = 0
    online: int = 0
    currency: str = "VND"
    exemptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name_vi: str
    name_en: str
    sector_code: str
    sector_vi: str
    sector_en: str
    ministry_code: str
    ministry_vi: str
    ministry_en: str
    level: str
    agency_type: str
    statutory_days: int
    online_level: str
    eid_level: int
    fees: Fees
    evidence: tuple[Evidence, ...]
    fields: tuple[FormField, ...]
    result_type: str
    result_vi: str
    result_en: str
    workflow: Workflow
    legal_basis: tuple[str, ...] = ()
    description_vi: str = ""
    description_en: str = ""
    registry_effects: tuple[RegistryEffect, ...] = ()
    publication: Publication | None = None  # absent: publication on time is not measured for it
    # The person concerned must file themselves (where the law asks for their own presence or declaration, as
    # for a marriage): no parent, guardian, relative or authorised person files it for them.
    own_filing_only: bool = False
    # May be filed in the name of a deceased person, by a relative (a copy of the death extract, a survivor's
    # allowance): no one files other procedures for the dead.
    for_deceased: bool = False
    applicants: tuple[str, ...] = ("person",)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class _Reader:
    """Reads typed values from nested dicts, remembering every problem with its path."""

    def __init__(self) -> None:
        self.issues: list[SpecIssue] = []

    def fail(self, path: str, message: str) -> None:
        self.issues.append(SpecIssue(path, message))

    def get(self, data: Any, key: str, path: str, kind: type | tuple[type, ...], required: bool = True,
            default: Any = None) -> Any:
        if not isinstance(data, dict):
            self.fail(path, "must be a mapping")
            return default
        where = f"{path}.{key}" if path else key
        if key not in data or data[key] is None:
            if required:
                self.fail(where, "is required")
            return default
        value = data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(where, f"must be {names}, got {type(value).__name__}")
            return default
        return value

    def text(self, data: Any, key: str, path: str, required: bool = True) -> str:
        value: str = self.get(data, key, path, str, required, "")
        if required and isinstance(value, str) and not value.strip():
            self.fail(f"{path}.{key}" if path else key, "must not be empty")
        return value

    def label(self, data: Any, key: str, path: str, required: bool = True) -> tuple[str, str]:
        where = f"{path}.{key}" if path else key
        value = self.get(data, key, path, dict, required, {})
        return self.text(value, "vi", where, required), self.text(value, "en", where, required)

    def one_of(self, data: Any, key: str, path: str, allowed: Collection[object], required: bool = True,
               default: Any = None) -> Any:
        value = self.get(data, key, path, (str, int), required, default)
        if value is not None and value not in allowed:
            self.fail(f"{path}.{key}" if path else key, f"must be one of {', '.join(map(str, allowed))}")
        return value


def _fields(r: _Reader, items: list[Any], sources: tuple[str, ...]) -> tuple[FormField, ...]:
    out, seen = [], set()
    for i, item in enumerate(items):
        p = f"fields[{i}]"
        name = r.text(item, "name", p)
        if name and not NAME_RE.match(name):
            r.fail(f"{p}.name", "must be lower_snake_case")
        if name in seen:
            r.fail(f"{p}.name", f"duplicate field '{name}'")
        seen.add(name)
        ftype = r.one_of(item, "type", p, FIELD_TYPES)
        vi, en = r.label(item, "label", p)
        choices: tuple[tuple[str, str, str], ...] = ()
        if ftype == "choice":
            raw = r.get(item, "choices", p, list, True, [])
            choices = tuple(
                (str(r.get(c, "value", f"{p}.choices[{j}]", (str, int), True, "")),
                 *r.label(c, "label", f"{p}.choices[{j}]"))
                for j, c in enumerate(raw)
            )
            if raw == []:
                r.fail(f"{p}.choices", "a choice field needs at least one choice")
        # A count (pages, copies) is bounded by whole numbers.
        bound_kind: type | tuple[type, ...] = int if ftype == "integer" else (int, float)
        min_value = r.get(item, "min", p, bound_kind, False)
        max_value = r.get(item, "max", p, bound_kind, False)
        if min_value is not None and max_value is not None and min_value > max_value:
            r.fail(f"{p}.max", "must not be less than min")
        out.append(FormField(
            name=name, type=ftype, label_vi=vi, label_en=en,
            required=r.get(item, "required", p, bool, False, False),
            choices=choices,
            max_length=r.get(item, "max_length", p, int, False),
            min_value=min_value,
            max_value=max_value,
            source=_source(r, item, p, sources),
        ))
    return tuple(out)


def _source(r: _Reader, item: Any, path: str, sources: tuple[str, ...]) -> str | None:
    value: str | None = r.get(item, "source", path, str, False)
    if value and value.split(".", 1)[0] not in sources:
        r.fail(f"{path}.source", f"must be one of {', '.join(sources)}, optionally followed by .key")
    return value


def _evidence(r: _Reader, items: list[Any], sources: tuple[str, ...]) -> tuple[Evidence, ...]:
    out = []
    for i, item in enumerate(items):
        p = f"evidence[{i}]"
        vi, en = r.label(item, "label", p)
        out.append(Evidence(
            code=r.text(item, "code", p), label_vi=vi, label_en=en,
            required=r.get(item, "required", p, bool, False, True),
            source=r.one_of(item, "source", p, sources, False),
            copies=r.get(item, "copies", p, int, False, 1),
            if_missing=r.one_of(item, "if_missing", p, ("agency", "ask"), False, "agency"),
            filled_online=r.get(item, "filled_online", p, bool, False, False),
        ))
        if out[-1].source and out[-1].filled_online:
            r.fail(f"{p}.filled_online", "a document the state supplies is not filled in by the applicant")
        elif out[-1].filled_online and not out[-1].required:
            r.fail(f"{p}.required", "the declaration filled online is the form itself, always given: required")
    # The form is one declaration: online it is never asked again as an attachment, so no other document may
    # pass for it.
    declarations = [i for i, e in enumerate(out) if e.filled_online]
    for i in declarations[1:]:
        r.fail(f"evidence[{i}].filled_online", f"only one document is the form filled online "
                                               f"(evidence[{declarations[0]}] is)")
    return tuple(out)


def _effects(r: _Reader, items: list[Any], field_names: Collection[str]) -> tuple[RegistryEffect, ...]:
    out = []
    for i, item in enumerate(items):
        p = f"registry_effects[{i}]"
        kind = r.one_of(item, "effect", p, tuple(EFFECT_KINDS))
        parameters = r.get(item, "with", p, dict, True, {})
        if kind not in EFFECT_KINDS or not isinstance(parameters, dict):
            continue
        required, optional = EFFECT_KINDS[kind]
        for name in sorted(required - set(parameters)):
            r.fail(f"{p}.with.{name}", f"is required by the '{kind}' effect")
        for name in sorted(set(parameters) - required - optional):
            r.fail(f"{p}.with.{name}", f"is not a parameter of the '{kind}' effect "
                                       f"({', '.join(sorted(required | optional))})")
        for name, reference in parameters.items():
            if isinstance(reference, bool | int):
                continue
            alternatives = reference if isinstance(reference, list) and reference else [reference]
            for one in alternatives:
                if not isinstance(one, str):
                    r.fail(f"{p}.with.{name}", "must be form.<field>, applicant.id_number, applicant.name, a list "
                                               "of these (the first with a value counts) or a fixed true/false/number")
                elif one.startswith("form."):
                    if one.removeprefix("form.") not in field_names:
                        r.fail(f"{p}.with.{name}", f"names no field of this procedure ('{one}')")
                elif one not in APPLICANT_VALUES:
                    r.fail(f"{p}.with.{name}", "must be form.<field>, applicant.id_number, applicant.name, a list "
                                               "of these (the first with a value counts) or a fixed true/false/number")
        out.append(RegistryEffect(kind, tuple(sorted(
            (name, tuple(ref) if isinstance(ref, list) else ref) for name, ref in parameters.items()))))
    return tuple(out)


def _workflow(r: _Reader, items: list[Any], statutory_days: int) -> Workflow | None:
    steps = []
    for i, item in enumerate(items):
        p = f"workflow[{i}]"
        vi, en = r.label(item, "label", p)
        share = r.get(item, "share", p, (int, float), True, 0)
        if isinstance(share, int | float) and not 0 <= share <= 1:
            r.fail(f"{p}.share", "must be between 0 and 1")
        role = r.one_of(item, "role", p, tuple(Role))
        steps.append(Step(code=r.text(item, "step", p), role=Role(role) if role in tuple(Role) else Role.RECEIVER,
                          share=float(share or 0), label_vi=vi, label_en=en,
                          decides=r.get(item, "decides", p, bool, False, False)))
    try:
        return Workflow(tuple(steps), statutory_days)
    except ValueError as exc:
        r.fail("workflow", str(exc))
        return None


def _ministry(r: _Reader, data: dict[str, Any], ministries: Mapping[str, Mapping[str, str]] | None) -> tuple[str, str, str]:
    """The governing ministry's code and names, which must be those of the ministry list."""
    raw = r.get(data, "ministry", "", dict, ministries is not None, {})
    if not raw:
        return "", "", ""
    code = r.text(raw, "code", "ministry")
    vi, en = r.label(raw, "name", "ministry")
    if ministries is None or not code:
        return code, vi, en
    known = ministries.get(code)
    if known is None:
        r.fail("ministry.code", f"unknown ministry '{code}' (one of {', '.join(ministries)})")
    elif (vi, en) != (known["vi"], known["en"]):
        r.fail("ministry.name", f"must be the ministry list's names of {code}: "
                                f"{{vi: \"{known['vi']}\", en: \"{known['en']}\"}}")
    return code, vi, en


def _publication(r: _Reader, data: Any) -> Publication | None:
    """The optional ``publication`` block: the announcing decision, the legal basis it follows and the
    disclosure, dates as quoted ISO strings; ``unverified`` lists the dates not checked against a source."""
    if data is None:
        return None
    p = "publication"
    if not isinstance(data, dict):
        r.fail(p, "must be a mapping")
        return None
    for key in sorted(set(data) - PUBLICATION_KEYS):
        r.fail(f"{p}.{key}", "is not a known key (a typo?)")
    dates: dict[str, date | None] = {}
    for name in DATES:
        value = data.get(name)
        dates[name] = None
        if value is None:
            continue
        if not isinstance(value, str):
            r.fail(f"{p}.{name}", "must be an ISO date in quotes (\"2025-07-01\")")
            continue
        try:
            dates[name] = date.fromisoformat(value)
        except ValueError:
            r.fail(f"{p}.{name}", f"is not an ISO date (YYYY-MM-DD): {value!r}")
    unverified = r.get(data, "unverified", p, list, False, [])
    for name in unverified:
        if name not in DATES:
            r.fail(f"{p}.unverified", f"lists dates only: {', '.join(DATES)}")
    decided, effective, disclosed = dates["decided"], dates["effective"], dates["disclosed"]
    if decided and disclosed and disclosed < decided:
        r.fail(f"{p}.disclosed", "cannot be before the decision")
    return Publication(
        decision=r.text(data, "decision", p), publisher=r.one_of(data, "publisher", p, PUBLISHERS),
        decided=decided, basis=r.text(data, "basis", p, required=False), effective=effective, disclosed=disclosed,
        unverified=frozenset(n for n in unverified if isinstance(n, str)),
        source=r.get(data, "source", p, str, False, ""))


def parse_procedure(data: Any, workflows: dict[str, list[Any]] | None = None, *,
                    sources: Collection[str], ministries: Mapping[str, Mapping[str, str]] | None = None
                    ) -> ProcedureSpec:
    """Validate one definition; ``workflows`` holds named shared workflows it may refer to, ``sources`` the
    keys of the base registries its fields and evidence may come from, ``ministries`` the ministries (code →
    vi/en names) one of which must govern it. A published version is read without ``ministries``: a version
    published before procedures named their ministry stays readable (its ministry is empty)."""
    r = _Reader()
    known_sources = tuple(sorted(sources))  # a stable order for the messages
    if not isinstance(data, dict):
        raise SpecError([SpecIssue("", "a procedure definition must be a mapping")])
    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        r.fail(key, "is not a known key (a typo?)")
    code = r.text(data, "code", "")
    if code and not CODE_RE.match(code):
        r.fail("code", "may hold only letters, digits and . - _ (3–40 characters)")
    name_vi, name_en = r.label(data, "name", "")
    sector = r.get(data, "sector", "", dict, True, {})
    days = r.get(data, "statutory_days", "", int, True, 0)
    if isinstance(days, int) and days < 0:
        r.fail("statutory_days", "must be >= 0")
    fees_raw = r.get(data, "fees", "", dict, True, {})
    fees = Fees(
        counter=r.get(fees_raw, "counter", "fees", int, True, 0),
        online=r.get(fees_raw, "online", "fees", int, True, 0),
        currency=r.get(fees_raw, "currency", "fees", str, False, "VND"),
        exemptions=tuple(r.get(fees_raw, "exemptions", "fees", list, False, [])),
    )
    if fees.counter < 0 or fees.online < 0:
        r.fail("fees", "amounts must be >= 0")
    result = r.get(data, "result", "", dict, True, {})
    wf_raw = r.get(data, "workflow", "", (list, str), True, [])
    if isinstance(wf_raw, str):
        if workflows is None or wf_raw not in workflows:
            r.fail("workflow", f"unknown shared workflow '{wf_raw}'")
            wf_raw = []
        else:
            wf_raw = workflows[wf_raw]
    spec_fields = _fields(r, r.get(data, "fields", "", list, True, []), known_sources)
    evidence = _evidence(r, r.get(data, "evidence", "", list, True, []), known_sources)
    workflow = _workflow(r, wf_raw, days if isinstance(days, int) else 0)
    effects = _effects(r, r.get(data, "registry_effects", "", list, False, []), {f.name for f in spec_fields})
    sector_vi, sector_en = r.label(sector, "name", "sector")
    result_vi, result_en = r.label(result, "name", "result")
    sector_code = r.text(sector, "code", "sector")
    ministry_code, ministry_vi, ministry_en = _ministry(r, data, ministries)
    level = r.one_of(data, "level", "", LEVELS)
    agency_type = r.text(data, "agency_type", "")
    online_level = r.one_of(data, "online_level", "", ONLINE_LEVELS)
    eid_level = r.one_of(data, "eid_level", "", (1, 2))
    result_type = r.text(result, "type", "result")
    legal_basis = tuple(r.get(data, "legal_basis", "", list, False, []))
    description = data.get("description") or {}
    description_vi = r.get(description, "vi", "description", str, False, "")
    description_en = r.get(description, "en", "description", str, False, "")
    publication = _publication(r, data.get("publication"))
    own_filing_only = r.get(data, "own_filing_only", "", bool, False, False)
    for_deceased = r.get(data, "for_deceased", "", bool, False, False)
    if own_filing_only and for_deceased:
        r.fail("own_filing_only", "a procedure the person concerned must file themselves cannot be filed for "
                                  "a deceased person (for_deceased)")
    applicants = tuple(r.get(data, "applicants", "", list, False, ["person"]))
    if not applicants or any(kind not in APPLICANT_KINDS for kind in applicants):
        r.fail("applicants", f"must list one or more of {', '.join(APPLICANT_KINDS)}")
    if r.issues or workflow is None:  # the workflow is missing only when an issue says why
        raise SpecError(r.issues)
    return ProcedureSpec(
        code=code, name_vi=name_vi, name_en=name_en,
        sector_code=sector_code, sector_vi=sector_vi, sector_en=sector_en,
        ministry_code=ministry_code, ministry_vi=ministry_vi, ministry_en=ministry_en, level=level, agency_type=agency_type, statutory_days=days, online_level=online_level,
        eid_level=eid_level, fees=fees, evidence=evidence, fields=spec_fields,
        result_type=result_type, result_vi=result_vi, result_en=result_en,
        workflow=workflow, legal_basis=legal_basis,
        description_vi=description_vi, description_en=description_en, registry_effects=effects,
        publication=publication, own_filing_only=own_filing_only,
        for_deceased=for_deceased, applicants=applicants, raw=data,
    )
