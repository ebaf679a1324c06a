"""Every API error has one shape: a bilingual ``detail`` and field-level ``errors``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.api.parsing import NulCharacter
from motcua.core.errors import MotcuaError

FORBIDDEN_CODES = {"actor_not_allowed", "not_applicant", "not_your_agency", "role_not_allowed"}
FIELD_CODES = {"required", "reason_required", "date_not_later", "not_working_day", "bad_outcome",
               "same_agency", "unknown_agency", "amount_required", "amount_mismatch", "unknown_exemption"}

# Pydantic error types people meet most, in Vietnamese.
PYDANTIC_VI = {
    "missing": "Thiếu trường bắt buộc.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Chuỗi quá dài.",
    "string_too_short": "Chuỗi quá ngắn.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "dict_type": "Phải là một đối tượng.",
    "list_type": "Phải là một danh sách.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
}


def body(detail_vi: str, detail_en: str, errors: list[dict] | None = None) -> dict:
    return {"detail": {"vi": detail_vi, "en": detail_en}, "errors": errors or []}


def _field_path(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header")]
    return ".".join(parts) or "body"


def invalid_input(api: NinjaAPI, request: HttpRequest, errors: list[dict]):
    return api.create_response(request, body("Dữ liệu gửi lên không hợp lệ.", "The request is not valid.", errors),
                               status=422)


def _nul(field: str) -> dict:
    return {"field": field, "code": "nul_character", "vi": "Chứa ký tự không hợp lệ (NUL, U+0000).",
            "en": "Contains an invalid character (NUL, U+0000)."}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError):
        errors = [
            {"field": _field_path(e.get("loc", ())), "code": e.get("type", "invalid"),
             "vi": PYDANTIC_VI.get(e.get("type"), "Giá trị không hợp lệ."), "en": e.get("msg", "Invalid value.")}
            for e in exc.errors
        ]
        return invalid_input(api, request, errors)

    @api.exception_handler(NulCharacter)
    def nul_character(request: HttpRequest, exc: NulCharacter):  # in the query string
        return invalid_input(api, request, [_nul(exc.field)])

    @api.exception_handler(MotcuaError)
    def refused(request: HttpRequest, exc: MotcuaError):
        return api.create_response(request, {**body(exc.vi, exc.en, [e.as_dict() for e in exc.errors]),
                                             "code": exc.code}, status=exc.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(request, body("Cần đăng nhập.", "Authentication required."), status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):  # raised by the framework (e.g. an unreadable body)
        if isinstance(exc.__cause__, NulCharacter):  # ninja wraps what its body parser raises
            return invalid_input(api, request, [_nul(exc.__cause__.field)])
        return api.create_response(request, body("Yêu cầu không hợp lệ.", str(exc)), status=exc.status_code)
