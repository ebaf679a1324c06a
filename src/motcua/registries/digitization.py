"""Digitizing old paper civil-status books: transcribed entries into the civil-status register (``CivilEvent``).

The transcription is a CSV file, one line per entry: ``book, page, entry, kind, date`` and the entry's fields
(``commune_code``, ``full_name``, ``birth_date``, ``sex``, ``id_number`` of the person the entry is about,
``other_name``/``other_id_number`` of the mother or the other spouse, ``note``). The whole file is checked first
(file, line and column of every problem; nothing is imported if anything is wrong). Each entry's person is
found in the population registry with the reconciliation's linkage model when the book gives no ID number.
An entry the register already holds (the same kind of event of the same person) is a probable duplicate: it
goes to the data steward as a finding, never inserted blindly; the others are written, each marked digitized
with its book, page and entry, in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.catalog import divisions
from motcua.core.errors import Conflict, Invalid
from motcua.registries import datasets, linkage, matching
from motcua.registries.changes import ChangeSource, record_civil_event
from motcua.registries.models import CivilEvent, Dataset, DatasetRun, Finding
from motcua.registries.reconciliation import _province_of_commune, registry_side

KINDS = {"birth": "birth", "khai_sinh": "birth", "khai sinh": "birth", "marriage": "marriage",
         "ket_hon": "marriage", "kết hôn": "marriage", "death": "death", "khai_tu": "death", "khai tử": "death",
         "khai sinh ": "birth"}
COLUMNS = ("book", "page", "entry", "kind", "date", "commune_code", "full_name", "birth_date", "sex", "id_number",
           "other_name", "other_id_number", "note")
REQUIRED = ("book", "page", "entry", "kind", "date", "full_name")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
SEX = {"M": "M", "F": "F", "Nam": "M", "Nữ": "F", "nam": "M", "nữ": "F"}


@dataclass
class Entry:
    line: int
    book: str
    page: str
    entry: str
    kind: str
    on: date
    commune: str
    full_name: str
    birth_date: date | None
    sex: str | None
    id_number: str
    other_name: str
    other_id_number: str
    note: str

    @property
    def register_number(self) -> str:
        return f"SO-{self.book}-{self.page}-{self.entry}"

    def as_source(self) -> dict[str, Any]:
        return {"book": self.book, "page": self.page, "entry": self.entry, "kind": self.kind,
                "date": self.on.isoformat(), "commune_code": self.commune, "full_name": self.full_name,
                "birth_date": self.birth_date.isoformat() if self.birth_date else "", "sex": self.sex or "",
                "id_number": self.id_number, "other_name": self.other_name, "other_id_number": self.other_id_number,
                "note": self.note}


def _date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def read_entries(path: str | Path, default_commune: str = "", max_bytes: int | None = None) -> list[Entry]:
    """Every entry of the transcription, or :class:`datasets.DatasetRejected` listing what is wrong."""
    name = os.path.basename(str(path))
    problems = datasets.Problems(name)
    datasets.check_file(path, max_bytes or settings.RECONCILE_MAX_BYTES, problems)
    if default_commune and default_commune not in divisions.communes():
        problems.stop("unknown_commune", f"Không có xã/phường mã '{default_commune}'.",
                      f"No commune with code '{default_commune}'.", column="--commune")
    state = {"line": 0}

    def text_lines() -> Iterator[str]:
        for number, text, _ in datasets.decoded_lines(path, "utf-8", problems):
            state["line"] = number
            yield text

    entries: list[Entry] = []
    seen: dict[str, int] = {}
    try:
        reader = csv.reader(text_lines())
        header = [h.strip().lower() for h in next(reader, [])]
        if not header:
            problems.stop("no_header", "Tệp CSV không có dòng tiêu đề.", "The CSV file has no header line.", 1)
        for column in REQUIRED:
            if column not in header:
                problems.add("missing_column", f"Thiếu cột '{column}'.", f"Column '{column}' is missing.", 1, column)
        if "commune_code" not in header and not default_commune:
            problems.add("missing_column", "Thiếu cột 'commune_code' (hoặc ghi --commune).",
                         "Column 'commune_code' is missing (or give --commune).", 1, "commune_code")
        unknown = [h for h in header if h not in COLUMNS]
        for column in unknown:
            problems.add("unknown_column", f"Cột '{column}' không thuộc mẫu ({', '.join(COLUMNS)}).",
                         f"Column '{column}' is not part of the layout ({', '.join(COLUMNS)}).", 1, column)
        problems.raise_if_any()
        for row in reader:
            line = state["line"]
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.add("wrong_field_count", f"Dòng {line} có {len(row)} trường, tiêu đề có {len(header)}.",
                             f"Line {line} has {len(row)} fields, the header {len(header)}.", line)
                continue
            values = {k: v.strip() for k, v in zip(header, row, strict=True)}
            entry = _entry(line, values, default_commune, problems)
            if entry is None:
                continue
            if entry.register_number in seen:
                problems.add("repeated_entry", f"Dòng {line}: sổ {entry.book}, trang {entry.page}, số {entry.entry} "
                             f"đã có ở dòng {seen[entry.register_number]}.",
                             f"Line {line}: book {entry.book}, page {entry.page}, entry {entry.entry} is already on "
                             f"line {seen[entry.register_number]}.", line, "entry")
            seen[entry.register_number] = line
            entries.append(entry)
    except csv.Error as exc:
        problems.stop("malformed_csv", f"Dòng {state['line']} không đọc được như CSV ({exc}).",
                      f"Line {state['line']} cannot be read as CSV ({exc}).", state["line"])
    if not entries and not problems.listed:
        problems.add("no_records", "Tệp không có mục nào.", "The file holds no entry.")
    problems.raise_if_any()
    return entries


def _entry(line: int, v: dict[str, str], default_commune: str, problems: datasets.Problems) -> Entry | None:
    before = len(problems.listed) + problems.more
    for column in REQUIRED:
        if not v.get(column):
            problems.add("missing_value", f"Dòng {line}: thiếu '{column}'.", f"Line {line}: '{column}' is missing.",
                         line, column)
    kind = KINDS.get(v.get("kind", "").lower())
    if v.get("kind") and kind is None:
        problems.add("bad_value", f"Dòng {line}: loại '{v['kind'][:20]}' không phải khai sinh, kết hôn, khai tử.",
                     f"Line {line}: kind '{v['kind'][:20]}' is not birth, marriage or death.", line, "kind")
    on = _date(v.get("date", ""))
    if v.get("date") and on is None:
        problems.add("bad_date", f"Dòng {line}: ngày đăng ký '{v['date'][:20]}' không đúng dạng.",
                     f"Line {line}: registration date '{v['date'][:20]}' is not a date.", line, "date")
    born = _date(v.get("birth_date", "")) if v.get("birth_date") else None
    if v.get("birth_date") and born is None:
        problems.add("bad_date", f"Dòng {line}: ngày sinh '{v['birth_date'][:20]}' không đúng dạng.",
                     f"Line {line}: birth date '{v['birth_date'][:20]}' is not a date.", line, "birth_date")
    commune = v.get("commune_code") or default_commune
    if commune and commune not in divisions.communes():
        problems.add("unknown_commune", f"Dòng {line}: không có xã/phường mã '{commune[:10]}'.",
                     f"Line {line}: no commune with code '{commune[:10]}'.", line, "commune_code")
    sex = SEX.get(v.get("sex", "")) if v.get("sex") else None
    if v.get("sex") and sex is None:
        problems.add("bad_value", f"Dòng {line}: giới tính '{v['sex'][:10]}' không hợp lệ.",
                     f"Line {line}: sex '{v['sex'][:10]}' is not valid.", line, "sex")
    for column in ("id_number", "other_id_number"):
        if v.get(column) and matching.read_id_number(v[column]).kind != "personal":
            problems.add("bad_id_number", f"Dòng {line}: số định danh '{v[column][:15]}' không có 12 chữ số.",
                         f"Line {line}: ID number '{v[column][:15]}' does not have 12 digits.", line, column)
    if len(f"SO-{v.get('book', '')}-{v.get('page', '')}-{v.get('entry', '')}") > 30:
        problems.add("too_long", f"Dòng {line}: số sổ, trang, số mục quá dài (tối đa 30 ký tự cả ba).",
                     f"Line {line}: book, page and entry are too long (30 characters together at most).", line, "book")
    if len(problems.listed) + problems.more > before:
        return None
    assert kind is not None and on is not None
    return Entry(line, v["book"], v["page"], v["entry"], kind, on, commune, v["full_name"], born, sex,
                 matching.read_id_number(v.get("id_number")).personal or "", v.get("other_name", ""),
                 matching.read_id_number(v.get("other_id_number")).personal or "", v.get("note", ""))


def _linkage_rows(entries: list[Entry]) -> pa.Table:
    rows = []
    for e in entries:
        born = e.birth_date or (e.on if e.kind == "birth" else None)
        other = matching.swapped(born) if born else None
        rows.append({"unique_id": f"r{e.line}", "id12": e.id_number or None, "name_folded": matching.fold(e.full_name),
                     "name_sorted": matching.sorted_words(e.full_name), "given": matching.given_name(e.full_name),
                     "dob": born.isoformat() if born else None, "dob_swapped": other.isoformat() if other else None,
                     "birth_year": str(born.year) if born else None, "sex": e.sex, "commune": e.commune or None})
    return datasets.linkage_table(rows, _province_of_commune)


def _event_values(event: CivilEvent) -> dict[str, Any]:
    return {"register_number": event.register_number, "kind": event.kind, "date": event.date.isoformat(),
            "commune_code": event.commune_code, "id_number": event.subject_id_number,
            "other_id_number": event.other_id_number, "digitized": bool(event.data.get("digitized"))}


def _differences(entry: Entry, event: CivilEvent) -> list[dict[str, str]]:
    found = []
    if entry.on != event.date:
        found.append({"field": "date", "source": entry.on.isoformat(), "registry": event.date.isoformat(),
                      "kind": matching.date_difference(event.date, entry.on) or "other"})
    if entry.commune and entry.commune != event.commune_code:
        found.append({"field": "commune_code", "source": entry.commune, "registry": event.commune_code, "kind": "other"})
    if entry.other_id_number and entry.other_id_number != event.other_id_number:
        found.append({"field": "other_id_number", "source": entry.other_id_number, "registry": event.other_id_number,
                      "kind": matching.id_difference(event.other_id_number, matching.read_id_number(
                          entry.other_id_number)) or "other"})
    return found


def insert(entry: dict[str, Any], subject: str, run_id: int, by: str) -> CivilEvent:
    """Write one transcribed entry to the register, marked digitized with its book, page and entry: through
    ``registries.changes``, so it has its first version in the register's history and its registry event."""
    number = f"SO-{entry['book']}-{entry['page']}-{entry['entry']}"[:30]
    on = date.fromisoformat(entry["date"])
    return record_civil_event(dict(
        kind=entry["kind"], register_number=number, date=on, commune_code=entry["commune_code"],
        subject_id_number=subject, other_id_number=entry.get("other_id_number", ""),
        data={"digitized": True, "book": entry["book"], "page": entry["page"], "entry": entry["entry"],
              "full_name": entry["full_name"], "birth_date": entry.get("birth_date", ""),
              "other_name": entry.get("other_name", ""), "note": entry.get("note", ""), "run": run_id}),
        ChangeSource("digitization", number, by[:150], valid_from=on))


def insert_decided(finding: Finding, by: str) -> None:
    """The steward found a probable duplicate to be another event: it is written now."""
    number = f"SO-{finding.source['book']}-{finding.source['page']}-{finding.source['entry']}"[:30]
    if CivilEvent.objects.filter(register_number=number).exists():
        raise Conflict("entry_in_register", "Mục sổ này đã có trong cơ sở dữ liệu hộ tịch.",
                       "This book entry is already in the civil-status register.")
    insert(finding.source, finding.source.get("linked_id_number", ""), finding.run_id, by)
    DatasetRun.objects.filter(pk=finding.run_id).update(inserted=F("inserted") + 1)


def digitize(path: str | Path, by: str, default_commune: str = "", threshold: float | None = None,
             progress: Callable[[int, int], None] | None = None) -> DatasetRun:
    started = timezone.now()
    threshold = settings.RECONCILE_THRESHOLD if threshold is None else threshold
    entries = read_entries(path, default_commune)
    # Who each entry is about: the number the book gives, or the person the linkage model finds.
    linked: dict[str, tuple[str, float]] = {}
    try:
        registry = registry_side()
    except Invalid:
        registry = None
    if registry is not None:
        found = linkage.link_duckdb(registry.linkage, _linkage_rows(entries), registry.size,
                                    work_dir=settings.RECONCILE_WORK_DIR)
        linked = {r["record"]: (r["person"], r["probability"]) for r in found.best.to_pylist()}
    subjects: dict[int, tuple[str, float | None]] = {}
    for e in entries:
        person, probability = linked.get(f"r{e.line}", ("", 0.0))
        if e.id_number:
            subjects[e.line] = (e.id_number, 1.0 if person == e.id_number else probability or None)
        elif person and probability >= threshold:
            subjects[e.line] = (person, probability)
        else:
            subjects[e.line] = ("", probability or None)
    ids = {s for s, _ in subjects.values() if s}
    existing: dict[tuple[str, str], list[CivilEvent]] = {}
    for event in CivilEvent.objects.filter(Q(subject_id_number__in=ids) | Q(other_id_number__in=ids,
                                                                             kind="marriage")):
        existing.setdefault((event.kind, event.subject_id_number), []).append(event)
        if event.kind == "marriage" and event.other_id_number:
            existing.setdefault((event.kind, event.other_id_number), []).append(event)
    unlinked_digitized = {(e.kind, e.date.isoformat(), matching.fold(e.data.get("full_name", ""))): e
                          for e in CivilEvent.objects.filter(subject_id_number="", data__digitized=True)} \
        if any(not s for s, _ in subjects.values()) else {}
    taken = {n for n in CivilEvent.objects.filter(register_number__in=[e.register_number for e in entries])
             .values_list("register_number", flat=True)}
    commune = entries[0].commune
    with transaction.atomic():
        dataset, _ = Dataset.objects.update_or_create(code=f"so-ho-tich-{commune}", defaults={
            "kind": "digitization", "registry": "civil_status", "source_agency": commune,
            "name_vi": f"Sổ hộ tịch cũ — {divisions.communes()[commune].name}",
            "name_en": f"Old civil-status books — {divisions.communes()[commune].name}"})
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        run = DatasetRun.objects.create(dataset=dataset, file_name=os.path.basename(str(path))[:255],
                                        file_sha256=digest, engine="duckdb", model_version=linkage.MODEL_VERSION,
                                        threshold=threshold, started_at=started, started_by=by[:150],
                                        records=len(entries))
        findings, counts = [], {"exact": 0, "probable": 0, "unmatched": 0, "inserted": 0, "duplicates": 0}
        claimed: dict[tuple[str, str], Entry] = {}
        for done, e in enumerate(entries, start=1):
            subject, chance = subjects[e.line]
            source = {**e.as_source(), "linked_id_number": subject}
            same = existing.get((e.kind, subject), []) if subject else []
            if e.kind == "marriage" and same and e.other_id_number:
                same = [s for s in same if e.other_id_number in (s.subject_id_number, s.other_id_number)] or same
            if not subject:
                twin = unlinked_digitized.get((e.kind, e.on.isoformat(), matching.fold(e.full_name)))
                same = [twin] if twin else []
            earlier = claimed.get((e.kind, subject)) if subject and e.kind != "marriage" else None
            if same or earlier or e.register_number in taken:
                counts["duplicates"] += 1
                held = same[0] if same else None
                findings.append(Finding(
                    run=run, line=e.line, source_key=e.register_number, outcome="duplicate",
                    person_id_number=subject, probability=chance,
                    conflicts=_differences(e, held) if held else [], source=source,
                    registry=_event_values(held) if held else {},
                    duplicate_of_line=earlier.line if earlier else None))
                continue
            if subject:
                claimed[(e.kind, subject)] = e
            counts["exact" if subject and subject == e.id_number else "probable" if subject else "unmatched"] += 1
            insert(source, subject, run.pk, by)
            counts["inserted"] += 1
            if progress and done % 1000 == 0:
                progress(done, len(entries))
        Finding.objects.bulk_create(findings, batch_size=2000)
        DatasetRun.objects.filter(pk=run.pk).update(
            exact=counts["exact"], probable=counts["probable"], unmatched=counts["unmatched"],
            inserted=counts["inserted"], duplicates=counts["duplicates"])
        run.refresh_from_db()
    if progress:
        progress(len(entries), len(entries))
    return run
