"""One error base for every refusal the platform explains (pure Python, no Django import).

A :class:`MotcuaError` carries a code, the message in Vietnamese and English, the field it concerns (if
any) and the HTTP status an API answers with. Every domain error subclasses it, so the API has one
handler and the pages one way of showing it in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (``field`` is a dotted path such as ``applicant.id_number``)."""

    field: str | None
    code: str
    vi: str
    en: str

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "code": self.code, "vi": self.vi, "en": self.en}


def in_language(language: str, vi: str, en: str) -> str:
    """Vietnamese unless the reader chose English."""
    return en if language == "en" else vi


class MotcuaError(Exception):
    status = 400

    def __init__(self, code: str, vi: str, en: str, field: str | None = None, *, status: int | None = None,
                 errors: list[FieldError] | None = None) -> None:
        super().__init__(en)
        self.code, self.vi, self.en, self.field = code, vi, en, field
        if status is not None:
            self.status = status
        self._errors = errors

    @property
    def errors(self) -> list[FieldError]:
        """The field-level problems: those given, or this error itself when it concerns a field."""
        if self._errors is not None:
            return self._errors
        return [FieldError(self.field, self.code, self.vi, self.en)] if self.field else []

    def message(self, language: str) -> str:
        return in_language(language, self.vi, self.en)


class Invalid(MotcuaError):
    """The input is wrong; the fields say where."""

    status = 422


class NotFound(MotcuaError):
    status = 404

    def __init__(self, what: str = "") -> None:
        super().__init__("not_found", "Không tìm thấy.", "Not found.")
        self.what = what


class Forbidden(MotcuaError):
    status = 403


class Conflict(MotcuaError):
    """Not possible in the record's current state."""

    status = 409


class Unavailable(MotcuaError):
    """A part the action needs (a signing key, a remote registry) cannot be used now."""

    status = 503
