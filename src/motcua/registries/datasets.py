"""Reading another agency's dataset: CSV, JSON Lines or Parquet, its columns named by a small YAML mapping.

Every problem is reported by file, line and column, in Vietnamese and English, and a dataset with any problem
is refused whole (:class:`DatasetRejected`), before anything is written. Records come out in chunks of Arrow
columns, normalized by the rules of :mod:`motcua.registries.matching`, so a dataset of millions of records
never sits in memory as Python objects. No Django import: the benchmark reads datasets without a database.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from motcua.core.errors import FieldError, Invalid
from motcua.registries import matching

FORMATS = ("csv", "jsonl", "parquet")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
FIELDS = ("key", "id_number", "full_name", "birth_date", "sex", "commune_code", "province", "address", "truth")
REQUIRED = ("full_name", "birth_date")
MAX_PROBLEMS = 20  # listed; the rest are counted
CHUNK = 50_000

# The columns the linkage compares, the same on both sides (registry and dataset).
LINKAGE_SCHEMA = pa.schema([
    ("unique_id", pa.string()), ("id12", pa.string()), ("name_folded", pa.string()),
    ("name_sorted", pa.string()), ("given", pa.string()), ("dob", pa.string()), ("dob_swapped", pa.string()),
    ("birth_year", pa.string()), ("sex", pa.string()), ("commune", pa.string()), ("province", pa.string()),
])
# What the dataset said, kept beside the linkage columns to compare and show.
SOURCE_SCHEMA = pa.schema([
    ("unique_id", pa.string()), ("line", pa.int64()), ("key", pa.string()), ("id_raw", pa.string()),
    ("name_raw", pa.string()), ("dob_raw", pa.string()), ("sex_raw", pa.string()), ("commune_raw", pa.string()),
    ("province_raw", pa.string()), ("province", pa.string()), ("province_old", pa.bool_()), ("address", pa.string()), ("truth", pa.string()),
])


@dataclass(frozen=True)
class Mapping:
    """How a dataset's columns map to what the registry knows (a YAML file beside the dataset)."""

    code: str
    name_vi: str
    name_en: str
    agency: str
    columns: dict[str, str]
    format: str | None = None
    encoding: str = "utf-8"
    birth_date_formats: tuple[str, ...] = ("%Y-%m-%d", "%d/%m/%Y")
    sex_values: dict[str, str] = field(default_factory=lambda: {
        "M": "M", "F": "F", "Nam": "M", "Nữ": "F", "NAM": "M", "NỮ": "F", "NU": "F", "Nu": "F", "1": "M", "0": "F"})
    registry: str = "population"

    def as_dict(self) -> dict[str, Any]:
        return {"dataset": self.code, "name_vi": self.name_vi, "name_en": self.name_en, "agency": self.agency,
                "columns": self.columns, "format": self.format, "encoding": self.encoding,
                "birth_date_formats": list(self.birth_date_formats), "sex_values": self.sex_values,
                "registry": self.registry}


class DatasetRejected(Invalid):
    """The dataset (or its mapping) cannot be read as it is: ``errors`` lists each problem by
    ``file:line:column``; nothing of it was imported."""

    def __init__(self, problems: list[FieldError], more: int = 0) -> None:
        first = problems[0]
        tail_vi = f" (và {more} lỗi khác)" if more else ""
        tail_en = f" (and {more} more)" if more else ""
        super().__init__("dataset_rejected",
                         f"Tệp dữ liệu không được nhập: {len(problems) + more} lỗi{tail_vi}. Lỗi đầu tiên: {first.vi}",
                         f"The dataset was not imported: {len(problems) + more} problems{tail_en}. "
                         f"First: {first.en}", first.field, errors=problems)
        self.more = more

    def report(self) -> str:
        """One line per problem, both languages: what a command prints."""
        lines = [f"{p.field or '-'}: {p.vi} / {p.en}" for p in self.errors]
        if self.more:
            lines.append(f"… {self.more} lỗi khác / {self.more} more problems")
        return "\n".join(lines)


class Problems:
    def __init__(self, file: str) -> None:
        self.file, self.more = file, 0
        self.listed: list[FieldError] = []

    def add(self, code: str, vi: str, en: str, line: int | None = None, column: str | None = None) -> None:
        if len(self.listed) >= MAX_PROBLEMS:
            self.more += 1
            return
        where = self.file + (f":{line}" if line is not None else "") + (f":{column}" if column else "")
        self.listed.append(FieldError(where, code, vi, en))

    def raise_if_any(self) -> None:
        if self.listed:
            raise DatasetRejected(self.listed, self.more)

    def stop(self, code: str, vi: str, en: str, line: int | None = None, column: str | None = None) -> None:
        self.add(code, vi, en, line, column)
        raise DatasetRejected(self.listed, self.more)


# --- the mapping -----------------------------------------------------------------------------------------

def read_mapping(path: str | Path) -> Mapping:
    name = os.path.basename(str(path))
    problems = Problems(name)
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        problems.stop("mapping_unreadable", f"Không đọc được tệp ánh xạ cột ({exc.__class__.__name__}).",
                      f"The column mapping cannot be read ({exc.__class__.__name__}).")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.stop("mapping_not_yaml", "Tệp ánh xạ cột không phải YAML hợp lệ.", "The column mapping is not valid YAML.",
                      mark.line + 1 if mark else None)
    return mapping_from(data, problems)


def mapping_from(data: Any, problems: Problems | None = None) -> Mapping:
    problems = problems or Problems("mapping")
    if not isinstance(data, dict):
        problems.stop("mapping_invalid", "Tệp ánh xạ cột phải là một bảng khóa: giá trị.",
                      "The column mapping must be a mapping of keys to values.")
    for key in ("dataset", "agency"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.add("mapping_missing", f"Tệp ánh xạ thiếu '{key}'.", f"The mapping lacks '{key}'.", column=key)
    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        problems.stop("mapping_missing", "Tệp ánh xạ thiếu bảng 'columns' (trường: tên cột trong tệp).",
                      "The mapping lacks 'columns' (field: column name in the file).", column="columns")
    for key in columns:
        if key not in FIELDS:
            problems.add("mapping_unknown_field", f"Trường '{key}' không có trong danh mục ({', '.join(FIELDS)}).",
                         f"Unknown field '{key}' (known: {', '.join(FIELDS)}).", column=f"columns.{key}")
    for key in REQUIRED:
        if key not in columns:
            problems.add("mapping_missing", f"Tệp ánh xạ phải chỉ ra cột của '{key}'.",
                         f"The mapping must name the column of '{key}'.", column=f"columns.{key}")
    fmt = data.get("format")
    if fmt is not None and fmt not in FORMATS:
        problems.add("mapping_invalid", f"Định dạng '{fmt}' không được hỗ trợ ({', '.join(FORMATS)}).",
                     f"Format '{fmt}' is not supported ({', '.join(FORMATS)}).", column="format")
    encoding = str(data.get("encoding") or "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.add("mapping_invalid", f"Không biết bảng mã '{encoding}'.", f"Unknown encoding '{encoding}'.",
                     column="encoding")
    if data.get("registry", "population") != "population":
        problems.add("mapping_invalid", "Chỉ đối soát được với cơ sở dữ liệu dân cư ('registry: population').",
                     "Datasets are reconciled with the population registry only ('registry: population').",
                     column="registry")
    formats = data.get("birth_date_formats") or data.get("birth_date_format") or ("%Y-%m-%d", "%d/%m/%Y")
    if isinstance(formats, str):
        formats = (formats,)
    problems.raise_if_any()
    code = data["dataset"].strip()
    mapping = Mapping(code=code, name_vi=str(data.get("name_vi") or code), name_en=str(data.get("name_en") or code),
                      agency=data["agency"].strip(), columns=dict(columns), format=fmt, encoding=encoding,
                      birth_date_formats=tuple(formats), registry=str(data.get("registry") or "population"))
    if isinstance(data.get("sex_values"), dict):
        mapping = Mapping(**{**mapping.__dict__, "sex_values": {str(k): str(v) for k, v in data["sex_values"].items()}})
    return mapping


# --- the records -----------------------------------------------------------------------------------------

@dataclass
class Chunk:
    linkage: pa.Table
    source: pa.Table


def check_file(path: str | Path, max_bytes: int, problems: Problems) -> int:
    try:
        size = os.stat(path).st_size
    except OSError:
        problems.stop("file_unreadable", "Không mở được tệp dữ liệu.", "The dataset file cannot be opened.")
    if size == 0:
        problems.stop("file_empty", "Tệp dữ liệu rỗng (0 byte).", "The dataset file is empty (0 bytes).")
    if size > max_bytes:
        problems.stop("file_too_large", f"Tệp dữ liệu quá lớn ({size:,} byte; tối đa {max_bytes:,}).",
                      f"The dataset file is too large ({size:,} bytes; at most {max_bytes:,}).")
    return size


def _format_of(path: str | Path, mapping: Mapping, problems: Problems) -> str:
    fmt = mapping.format or EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        problems.stop("unknown_format", "Không rõ định dạng tệp: dùng .csv, .jsonl hoặc .parquet, hoặc ghi 'format'.",
                      "Unknown file format: use .csv, .jsonl or .parquet, or set 'format' in the mapping.")
    assert fmt is not None
    return fmt


def read(path: str | Path, mapping: Mapping, max_bytes: int,
         progress: Callable[[int, int], None] | None = None) -> Iterator[Chunk]:
    """The dataset's records in chunks; raises :class:`DatasetRejected` on the first chunk that shows any
    problem (the caller writes nothing until every chunk was read)."""
    name = os.path.basename(str(path))
    problems = Problems(name)
    size = check_file(path, max_bytes, problems)
    fmt = _format_of(path, mapping, problems)
    rows = {"csv": _csv_rows, "jsonl": _jsonl_rows, "parquet": _parquet_rows}[fmt](path, mapping, problems)
    builder = _Builder(mapping, problems)
    seen = 0
    for line, row, done in rows:
        builder.add(line, row)
        seen += 1
        if len(builder) >= CHUNK:
            problems.raise_if_any()
            yield builder.flush()
            if progress:
                progress(done, size)
    if not seen:
        problems.add("no_records", "Tệp không có bản ghi nào.", "The file holds no record.")
    problems.raise_if_any()
    if len(builder):
        yield builder.flush()
    if progress:
        progress(size, size)


def decoded_lines(path: str | Path, encoding: str, problems: Problems) -> Iterator[tuple[int, str, int]]:
    """(physical line number, text, bytes read so far), decoding strictly, reporting the line of a bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8")
                                           else encoding)(errors="strict")
    done = 0
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            done += len(raw)
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as exc:
                problems.stop("bad_encoding",
                              f"Dòng {number} không đúng bảng mã {encoding} (byte thứ {exc.start + 1}).",
                              f"Line {number} is not valid {encoding} (byte {exc.start + 1}).", number)
            if "\x00" in text:
                problems.stop("binary_content", f"Dòng {number} chứa ký tự NUL: đây không phải tệp văn bản.",
                              f"Line {number} holds a NUL character: not a text file.", number)
            yield number, text, done


def _csv_rows(path: str | Path, mapping: Mapping, problems: Problems) -> Iterator[tuple[int, dict, int]]:
    lines = decoded_lines(path, mapping.encoding, problems)
    state = {"line": 0, "done": 0}

    def text_lines() -> Iterator[str]:
        for number, text, done in lines:
            state["line"], state["done"] = number, done
            yield text

    try:
        sample_reader = csv.reader(text_lines())
        header = next(sample_reader, None)
        if header is None:
            problems.stop("no_header", "Tệp CSV không có dòng tiêu đề.", "The CSV file has no header line.", 1)
        assert header is not None
        header = [h.strip() for h in header]
        _check_columns(header, mapping, problems, 1)
        width = len(header)
        for row in sample_reader:
            line = state["line"]
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                problems.add("wrong_field_count", f"Dòng {line} có {len(row)} trường, tiêu đề có {width}.",
                             f"Line {line} has {len(row)} fields, the header {width}.", line)
                continue
            yield line, dict(zip(header, row, strict=True)), state["done"]
    except csv.Error as exc:
        problems.stop("malformed_csv", f"Dòng {state['line']} không đọc được như CSV ({exc}).",
                      f"Line {state['line']} cannot be read as CSV ({exc}).", state["line"])


def _jsonl_rows(path: str | Path, mapping: Mapping, problems: Problems) -> Iterator[tuple[int, dict, int]]:
    checked = False
    for number, text, done in decoded_lines(path, mapping.encoding, problems):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.add("bad_json", f"Dòng {number} không phải JSON hợp lệ (cột {exc.colno}).",
                         f"Line {number} is not valid JSON (column {exc.colno}).", number)
            continue
        if not isinstance(row, dict):
            problems.add("bad_json", f"Dòng {number} phải là một đối tượng JSON.", f"Line {number} must be a JSON object.",
                         number)
            continue
        if not checked:
            _check_columns(list(row), mapping, problems, number)
            checked = True
        yield number, {k: "" if v is None else str(v) for k, v in row.items()}, done


def _parquet_rows(path: str | Path, mapping: Mapping, problems: Problems) -> Iterator[tuple[int, dict, int]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        problems.stop("bad_parquet", f"Không đọc được tệp Parquet ({exc.__class__.__name__}).",
                      f"The Parquet file cannot be read ({exc.__class__.__name__}).")
    _check_columns(parquet.schema_arrow.names, mapping, problems, None)
    wanted = sorted(set(mapping.columns.values()))
    total = max(parquet.metadata.num_rows, 1)
    size = os.stat(path).st_size
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=CHUNK, columns=wanted):
            columns = {name: batch.column(name).to_pylist() for name in wanted}
            for i in range(batch.num_rows):
                number += 1
                yield number, {n: "" if columns[n][i] is None else _text(columns[n][i]) for n in wanted}, \
                    size * number // total
    except (pa.ArrowException, OSError) as exc:
        problems.stop("bad_parquet", f"Tệp Parquet hỏng ở bản ghi {number + 1} ({exc.__class__.__name__}).",
                      f"The Parquet file is broken at record {number + 1} ({exc.__class__.__name__}).", number + 1)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check_columns(present: list[str], mapping: Mapping, problems: Problems, line: int | None) -> None:
    missing = [c for c in mapping.columns.values() if c not in present]
    for column in missing:
        problems.add("missing_column", f"Thiếu cột '{column}' (có: {', '.join(present[:30])}).",
                     f"Column '{column}' is missing (present: {', '.join(present[:30])}).", line, column)
    problems.raise_if_any()


class _Builder:
    def __init__(self, mapping: Mapping, problems: Problems) -> None:
        self.mapping, self.problems = mapping, problems
        self.rows: list[dict[str, Any]] = []
        self.columns = mapping.columns

    def __len__(self) -> int:
        return len(self.rows)

    def _value(self, row: dict, name: str) -> str:
        column = self.columns.get(name)
        return (row.get(column) or "").strip() if column else ""

    def add(self, line: int, row: dict) -> None:
        problems, columns = self.problems, self.columns
        name = self._value(row, "full_name")
        if not name or not matching.fold(name):
            problems.add("missing_value", f"Dòng {line}: thiếu họ tên.", f"Line {line}: the name is missing.", line,
                         columns["full_name"])
        dob_text = self._value(row, "birth_date")
        dob = _parse_date(dob_text, self.mapping.birth_date_formats)
        if dob is None:
            problems.add("bad_date", f"Dòng {line}: ngày sinh '{dob_text[:40]}' không đúng dạng "
                         f"{' hoặc '.join(self.mapping.birth_date_formats)}.",
                         f"Line {line}: birth date '{dob_text[:40]}' does not match "
                         f"{' or '.join(self.mapping.birth_date_formats)}.", line, columns["birth_date"])
        sex_text = self._value(row, "sex")
        sex = self.mapping.sex_values.get(sex_text) if sex_text else None
        if sex_text and sex is None:
            problems.add("bad_value", f"Dòng {line}: giới tính '{sex_text[:20]}' không có trong 'sex_values'.",
                         f"Line {line}: sex '{sex_text[:20]}' is not listed in 'sex_values'.", line, columns["sex"])
        if problems.listed:
            return  # the dataset is refused anyway: keep only checking
        ident = matching.read_id_number(self._value(row, "id_number"))
        commune = self._value(row, "commune_code")
        province_text = self._value(row, "province")
        province = matching.province_of(province_text) if province_text else \
            matching.province_in_address(self._value(row, "address"))
        assert dob is not None
        other = matching.swapped(dob)
        self.rows.append({
            "unique_id": f"r{line}", "line": line, "key": self._value(row, "key") or str(line),
            "id12": ident.personal, "id_raw": self._value(row, "id_number"), "name_raw": name,
            "name_folded": matching.fold(name), "name_sorted": matching.sorted_words(name),
            "given": matching.given_name(name), "dob": dob.isoformat(), "dob_raw": dob.isoformat(),
            "dob_swapped": other.isoformat() if other else None, "birth_year": str(dob.year), "sex": sex,
            "sex_raw": sex or "", "commune": commune if len(commune) == 5 and commune.isdigit() else None,
            "commune_raw": commune, "province": province.code if province else None,
            "province_raw": province_text, "province_old": bool(province and province.before_2025),
            "address": self._value(row, "address"), "truth": self._value(row, "truth") or None,
        })

    def flush(self) -> Chunk:
        rows, self.rows = self.rows, []
        return Chunk(_table(rows, LINKAGE_SCHEMA), _table(rows, SOURCE_SCHEMA))


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.table({f.name: pa.array([r[f.name] for r in rows], type=f.type) for f in schema}, schema=schema)


def _parse_date(text: str, formats: tuple[str, ...]) -> date | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def registry_rows(people: Iterator[tuple[str, str, date, str, str]]) -> Iterator[dict[str, Any]]:
    """Linkage rows of registry people given as (id_number, full_name, birth_date, sex, commune_code)."""
    for id_number, full_name, birth_date, sex, commune in people:
        other = matching.swapped(birth_date)
        yield {
            "unique_id": id_number, "id12": id_number, "name_folded": matching.fold(full_name),
            "name_sorted": matching.sorted_words(full_name), "given": matching.given_name(full_name),
            "dob": birth_date.isoformat(), "dob_swapped": other.isoformat() if other else None,
            "birth_year": str(birth_date.year), "sex": sex or None, "commune": commune or None,
        }


def linkage_table(rows: list[dict[str, Any]], province_of_commune: Callable[[str], str | None]) -> pa.Table:
    for row in rows:
        row["province"] = province_of_commune(row["commune"]) if row["commune"] else None
    return _table(rows, LINKAGE_SCHEMA)
