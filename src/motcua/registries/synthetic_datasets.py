"""A ministry's dataset of registry people, with known truth and controlled errors, to measure reconciliation.

Given people of the population registry (the synthetic generator's rows, or the database's), it writes what
another agency would hold about them, the way agencies get it wrong: typos in names, names without diacritics
or in another order, day and month swapped, missing, wrong or old 9-digit ID numbers, addresses from before
the 2025 merger or from before a move, duplicate records, and people the registry does not know. Each record
carries the ID number of the person it truly is (``TRUE_ID``, blank for people not in the registry), so
precision and recall are measured, not guessed. The same seed gives the same file. No Django import.
"""

from __future__ import annotations

import csv
import json
import random
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from motcua.catalog import divisions
from motcua.registries import matching

COLUMNS = ("MA_SO", "SO_DINH_DANH", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_XA", "DIA_CHI", "TRUE_ID")
MAPPING = """\
# Column mapping of the synthetic social-insurance dataset (motcua registries synthetic-dataset).
dataset: {code}
name_vi: Người tham gia bảo hiểm xã hội (dữ liệu giả lập)
name_en: Social-insurance members (synthetic)
agency: BHXH
columns:
  key: MA_SO
  id_number: SO_DINH_DANH
  full_name: HO_TEN
  birth_date: NGAY_SINH
  sex: GIOI_TINH
  commune_code: MA_XA
  address: DIA_CHI
  truth: TRUE_ID
birth_date_formats: ["%d/%m/%Y"]
sex_values: {{Nam: M, "Nữ": F}}
"""


@dataclass(frozen=True)
class ErrorRates:
    """The share of records with each kind of error (independently drawn)."""

    typo_in_name: float = 0.03
    diacritics_stripped: float = 0.10
    name_reordered: float = 0.02
    day_month_swapped: float = 0.03
    id_missing: float = 0.05
    id_wrong: float = 0.02
    id_old_card: float = 0.05
    address_before_2025: float = 0.05
    moved: float = 0.03
    duplicate: float = 0.02
    not_in_registry: float = 0.02

    @classmethod
    def none(cls) -> ErrorRates:
        return cls(**{f.name: 0.0 for f in fields(cls)})


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) > 2:
        at = rng.randrange(1, len(word))
        word = word[:at] + word[at + 1:] if rng.random() < 0.5 else word[:at] + rng.choice("aeiouynhtg") + word[at:]
    words[i] = word
    return " ".join(words)


def _strip(rng: random.Random, name: str) -> str:
    plain = matching.fold(name)
    return plain if rng.random() < 0.5 else plain.title()


class MinistryDataset:
    def __init__(self, seed: int = 7, rates: ErrorRates | None = None) -> None:
        self.rng = random.Random(seed)
        self.rates = rates or ErrorRates()
        self.communes = sorted(divisions.communes().values(), key=lambda c: c.code)
        self.old_names: dict[str, list[str]] = {}
        for old, name in matching.PROVINCES_BEFORE_2025.items():
            self.old_names.setdefault(matching.OLD_TO_NEW[old], []).append(name)
        self.recent_ids: deque[str] = deque(maxlen=50)  # someone else's number, for wrong IDs
        self.key = 0

    def _record(self, person: dict[str, Any], truth: str) -> dict[str, str]:
        rng, rates = self.rng, self.rates
        name = person["full_name"]
        if rng.random() < rates.typo_in_name:
            name = _typo(rng, name)
        if rng.random() < rates.diacritics_stripped:
            name = _strip(rng, name)
        if rng.random() < rates.name_reordered:
            words = name.split()
            name = " ".join(words[-1:] + words[:-1])
        born: date = person["birth_date"]
        if rng.random() < rates.day_month_swapped:
            born = matching.swapped(born) or born
        id_number = person["id_number"]
        draw = rng.random()
        if draw < rates.id_missing:
            id_number = ""
        elif draw < rates.id_missing + rates.id_old_card:
            id_number = f"{rng.randrange(10**8, 10**9)}"
        elif draw < rates.id_missing + rates.id_old_card + rates.id_wrong and id_number:
            if self.recent_ids and rng.random() < 0.5:
                id_number = rng.choice(self.recent_ids)
            else:
                at = rng.randrange(6, 12)
                id_number = id_number[:at] + str((int(id_number[at]) + rng.randint(1, 9)) % 10) + id_number[at + 1:]
        commune = divisions.communes().get(person["permanent_commune"])
        commune_code, street = person["permanent_commune"], person["permanent_address"]
        if rng.random() < rates.moved:
            commune = rng.choice(self.communes)
            commune_code, street = commune.code, f"Số {rng.randint(1, 300)} Lê Lợi, {commune.name}"
        province = matching.PROVINCES_SINCE_2025.get(commune.province_code, "") if commune else ""
        if commune and rng.random() < rates.address_before_2025:
            province = rng.choice(self.old_names.get(commune.province_code, [province]))
            commune_code, street = "", street.split(",")[0]
        self.key += 1
        if person["id_number"]:
            self.recent_ids.append(person["id_number"])
        return {"MA_SO": f"BH{self.key:09d}", "SO_DINH_DANH": id_number, "HO_TEN": name,
                "NGAY_SINH": born.strftime("%d/%m/%Y"), "GIOI_TINH": "Nam" if person["sex"] == "M" else "Nữ",
                "MA_XA": commune_code, "DIA_CHI": f"{street}, {province}" if province else street, "TRUE_ID": truth}

    def _stranger(self, like: dict[str, Any]) -> dict[str, Any]:
        """Someone the registry does not know: a made-up name and birth date, no ID number."""
        rng = self.rng
        given = ("Khải", "Vỹ", "Quế", "Lục", "Xuyến", "Thiệp", "Ngạn", "Tố", "Dư", "Bửu")
        return {**like, "id_number": "", "full_name": f"{rng.choice(('Tôn', 'Âu', 'Khổng', 'Mạc', 'Ông'))} "
                f"{rng.choice(('Thất', 'Sĩ', 'Bảo', 'Cẩm'))} {rng.choice(given)}",
                "birth_date": date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28))}

    def records(self, people: Iterable[dict[str, Any]], count: int | None = None) -> Iterator[dict[str, str]]:
        """One record per person (plus duplicates, minus nothing), up to ``count`` records."""
        made = 0
        for person in people:
            if count is not None and made >= count:
                return
            subject, truth = (self._stranger(person), "") if self.rng.random() < self.rates.not_in_registry \
                else (person, person["id_number"])
            yield self._record(subject, truth)
            made += 1
            if self.rng.random() < self.rates.duplicate and (count is None or made < count):
                yield self._record(subject, truth)  # the same person again, under another key
                made += 1


def write(records: Iterable[dict[str, str]], path: str | Path, fmt: str = "csv", code: str = "bhxh-synthetic",
          batch: int = 100_000) -> int:
    """Write the records as CSV, JSON Lines or Parquet, and the column mapping beside them (``.yaml``)."""
    path = Path(path)
    written = 0
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            for record in records:
                writer.writerow(record)
                written += 1
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.string()) for c in COLUMNS])
        with pq.ParquetWriter(path, schema) as out:
            rows: list[dict[str, str]] = []
            for record in records:
                rows.append(record)
                if len(rows) >= batch:
                    out.write_table(pa.Table.from_pylist(rows, schema))
                    written += len(rows)
                    rows = []
            if rows:
                out.write_table(pa.Table.from_pylist(rows, schema))
                written += len(rows)
    else:
        raise ValueError(f"unknown format {fmt}")
    mapping_path(path).write_text(MAPPING.format(code=code), encoding="utf-8")
    return written


def mapping_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".yaml")
