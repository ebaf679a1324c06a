"""Validation of a dossier's form data against a procedure's declared fields (pure Python)."""

from __future__ import annotations

import math
import re
from collections.abc import Container
from datetime import date, datetime
from typing import Any

from motcua.catalog.spec import FormField
from motcua.core.errors import FieldError
from motcua.core.text import Problem, normalize, text_problem
from motcua.identity import id_number

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^(\+84|0)[0-9]{9,10}$")
INTEGER_RE = re.compile(r"^[+-]?[0-9]{1,16}$")
# Whole numbers stay exact in every JSON reader (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1
# Free text kept as typed and printed on the documents; the other types are checked by their own rules.
PRINTED_TEXT_TYPES = ("text", "textarea", "email")


def _integer(value: Any) -> int | None:
    """A whole number from JSON (2, or 2.0) or a form ("2"); None for 2.5, "2.5", "two" or a boolean."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and INTEGER_RE.match(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if abs(number) <= MAX_SAFE_INTEGER else None


def _out_of_bounds(f: FormField, value: float) -> Problem | None:
    if f.min_value is not None and value < f.min_value:
        return "too_small", f"Tối thiểu {f.min_value:g}.", f"At least {f.min_value:g}."
    if f.max_value is not None and value > f.max_value:
        return "too_large", f"Tối đa {f.max_value:g}.", f"At most {f.max_value:g}."
    return None


def _clean(f: FormField, value: Any, known_communes: Container[str] | None,
           printable: Container[str] | None) -> tuple[Any, Problem | None]:
    """Return (clean value, None) or (None, (code, vi, en))."""
    if isinstance(value, list | dict):  # JSON clients may send anything; a form value is a scalar
        return None, ("not_a_value", "Phải là một giá trị đơn, không phải danh sách hay đối tượng.",
                      "Must be a single value, not a list or an object.")
    if f.type in ("text", "textarea", "email", "phone", "id_number", "commune", "choice"):
        value = normalize(str(value), multiline=f.type == "textarea")
        if f.max_length and len(value) > f.max_length:
            return None, ("too_long", f"Tối đa {f.max_length} ký tự.", f"At most {f.max_length} characters.")
    if f.type in PRINTED_TEXT_TYPES and (problem := text_problem(value, printable,
                                                                   multiline=f.type == "textarea")):
        return None, problem
    if f.type == "email" and not EMAIL_RE.match(value):
        return None, ("invalid_email", "Địa chỉ thư điện tử không hợp lệ.", "Not a valid e-mail address.")
    if f.type == "phone" and not PHONE_RE.match(value.replace(" ", "")):
        return None, ("invalid_phone", "Số điện thoại không hợp lệ.", "Not a valid Vietnamese phone number.")
    if f.type == "id_number":
        try:
            id_number.decode(value)
        except id_number.InvalidIdNumber as exc:
            return None, (exc.code, exc.vi, exc.en)
    if f.type == "commune" and (known_communes is not None and value not in known_communes):
        return None, ("unknown_commune", "Không tìm thấy xã/phường này.", "Unknown commune code.")
    if f.type == "choice" and value not in {c[0] for c in f.choices}:
        allowed = ", ".join(c[0] for c in f.choices)
        return None, ("invalid_choice", f"Chọn một trong: {allowed}.", f"Choose one of: {allowed}.")
    if f.type == "date":
        try:
            if isinstance(value, datetime):
                raise ValueError("a date, not a date and time")
            value = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            return None, ("invalid_date", "Ngày không hợp lệ (YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD).")
        return value.isoformat(), None
    if f.type == "number":
        try:
            value = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None or not math.isfinite(value):
            return None, ("invalid_number", "Phải là một số.", "Must be a number.")
        if problem := _out_of_bounds(f, value):
            return None, problem
        return (int(value) if value.is_integer() else value), None
    if f.type == "integer":
        whole = _integer(value)
        if whole is None:
            return None, ("invalid_integer", "Phải là một số nguyên (không có phần thập phân).",
                          "Must be a whole number (no decimals).")
        return (None, problem) if (problem := _out_of_bounds(f, whole)) else (whole, None)
    if f.type == "boolean":
        if isinstance(value, bool):
            return value, None
        if str(value).lower() in ("true", "1", "on", "yes"):
            return True, None
        if str(value).lower() in ("false", "0", "off", "no"):
            return False, None
        return None, ("invalid_boolean", "Phải là có hoặc không.", "Must be yes or no.")
    return value, None


def validate_form(fields: tuple[FormField, ...], data: Any, prefix: str = "form",
                  known_communes: Container[str] | None = None,
                  printable: Container[str] | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean ``data`` by the declared fields; unknown keys are errors (nothing is silently dropped).
    Free text must be printable with ``printable`` (the characters of the printed forms' fonts)."""
    if not isinstance(data, dict):
        return {}, [FieldError(prefix, "invalid", "Dữ liệu biểu mẫu phải là một đối tượng.",
                               "Form data must be an object.")]
    clean, errors = {}, []
    declared = {f.name for f in fields}
    for key in data:
        if key not in declared:
            errors.append(FieldError(f"{prefix}.{key}", "unknown_field", "Trường không có trong biểu mẫu.",
                                     "This field is not part of the form."))
    for f in fields:
        value = data.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.required:
                errors.append(FieldError(f"{prefix}.{f.name}", "required",
                                         f"Vui lòng nhập '{f.label_vi}'.", f"'{f.label_en}' is required."))
            continue
        cleaned, problem = _clean(f, value, known_communes, printable)
        if problem:
            errors.append(FieldError(f"{prefix}.{f.name}", *problem))
        else:
            clean[f.name] = cleaned
    return clean, errors
