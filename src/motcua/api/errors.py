"""Every API error has one shape: a bilingual ``detail`` and field-level ``errors``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.api.parsing import NulCharacter
from motcua.core.errors import MotcuaError
from motcua.identity.access_tokens import BearerRefused

# The validation errors of the API's schemas, in Vietnamese and English, by pydantic error type; the
# placeholders are the error's context (limits, allowed values).
PYDANTIC_MESSAGES = {
    "missing": ("Thiếu trường bắt buộc.", "This field is required."),
    "extra_forbidden": ("Trường không được phép.", "This field is not allowed."),
    "string_type": ("Phải là chuỗi ký tự.", "Must be a string."),
    "string_too_long": ("Tối đa {max_length} ký tự.", "At most {max_length} characters."),
    "string_too_short": ("Tối thiểu {min_length} ký tự.", "At least {min_length} characters."),
    "string_pattern_mismatch": ("Không đúng định dạng.", "Not in the expected format."),
    "int_type": ("Phải là số nguyên.", "Must be a whole number."),
    "int_parsing": ("Phải là số nguyên.", "Must be a whole number."),
    "int_from_float": ("Phải là số nguyên (không có phần thập phân).", "Must be a whole number (no decimals)."),
    "greater_than_equal": ("Tối thiểu {ge}.", "At least {ge}."),
    "less_than_equal": ("Tối đa {le}.", "At most {le}."),
    "bool_type": ("Phải là true hoặc false.", "Must be true or false."),
    "bool_parsing": ("Phải là true hoặc false.", "Must be true or false."),
    "dict_type": ("Phải là một đối tượng.", "Must be an object."),
    "model_type": ("Phải là một đối tượng.", "Must be an object."),
    "model_attributes_type": ("Nội dung phải là một đối tượng JSON.", "The content must be a JSON object."),
    "list_type": ("Phải là một danh sách.", "Must be a list."),
    "too_long": ("Tối đa {max_length} phần tử.", "At most {max_length} items."),
    "date_type": ("Ngày không hợp lệ (YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."),
    "date_parsing": ("Ngày không hợp lệ (YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": ("Ngày không hợp lệ (YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": ("Chỉ ghi ngày, không ghi giờ (YYYY-MM-DD).",
                                   "A date without a time (YYYY-MM-DD)."),
    "uuid_type": ("Phải là một UUID.", "Must be a UUID."),
    "uuid_parsing": ("Phải là một UUID.", "Must be a UUID."),
    "literal_error": ("Chọn một trong: {expected}.", "Choose one of: {expected}."),
    "enum": ("Chọn một trong: {expected}.", "Choose one of: {expected}."),
    "json_invalid": ("Nội dung JSON không hợp lệ.", "The content is not valid JSON."),
    "base64_invalid": ("Tệp phải được mã hóa base64 (RFC 4648, có đệm '=').",
                       "The file must be base64-encoded (RFC 4648, with '=' padding)."),
}
OTHER_PROBLEM = ("Giá trị không hợp lệ.", "Not a valid value.")


def body(detail_vi: str, detail_en: str, errors: list[dict] | None = None) -> dict:
    return {"detail": {"vi": detail_vi, "en": detail_en}, "errors": errors or []}


def _field_path(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "header")]
    return ".".join(parts) or "body"


def field_error(error: dict) -> dict:
    """One pydantic error as a field error: its path, its type as the code, the message in both languages."""
    kind = error.get("type", "invalid")
    vi, en = PYDANTIC_MESSAGES.get(kind, OTHER_PROBLEM)
    context = error.get("ctx") or {}
    # pydantic joins the allowed values in English ("'a', 'b' or 'c'").
    context_vi = {k: v.replace(" or ", " hoặc ") if isinstance(v, str) else v for k, v in context.items()}
    try:
        vi, en = vi.format(**context_vi), en.format(**context)
    except (KeyError, IndexError):  # a context unlike the usual one: the message without the numbers
        vi, en = OTHER_PROBLEM
    return {"field": _field_path(error.get("loc", ())), "code": kind, "vi": vi, "en": en}


def invalid_input(api: NinjaAPI, request: HttpRequest, errors: list[dict]):
    return api.create_response(request, body("Dữ liệu gửi lên không hợp lệ.", "The request is not valid.", errors),
                               status=422)


def _nul(field: str) -> dict:
    return {"field": field, "code": "nul_character", "vi": "Chứa ký tự không hợp lệ (NUL, U+0000).",
            "en": "Contains an invalid character (NUL, U+0000)."}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError):
        return invalid_input(api, request, [field_error(e) for e in exc.errors])

    @api.exception_handler(NulCharacter)
    def nul_character(request: HttpRequest, exc: NulCharacter):  # in the query string
        return invalid_input(api, request, [_nul(exc.field)])

    @api.exception_handler(MotcuaError)
    def refused(request: HttpRequest, exc: MotcuaError):
        response = api.create_response(request, {**body(exc.vi, exc.en, [e.as_dict() for e in exc.errors]),
                                                  "code": exc.code}, status=exc.status)
        if isinstance(exc, BearerRefused):  # RFC 6750 §3: why the bearer token was refused
            response["WWW-Authenticate"] = exc.challenge
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError):
        response = api.create_response(request, body("Cần đăng nhập.", "Authentication required."), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="motcua"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):  # raised by the framework (e.g. an unreadable body)
        if isinstance(exc.__cause__, NulCharacter):  # ninja wraps what its body parser raises
            return invalid_input(api, request, [_nul(exc.__cause__.field)])
        if isinstance(exc.__cause__, MotcuaError):  # the body is not JSON (415)
            return refused(request, exc.__cause__)
        if exc.status_code == 400:
            return api.create_response(request, body("Không đọc được nội dung gửi lên (JSON).",
                                                     "The request body could not be read (JSON)."), status=400)
        return api.create_response(request, body("Yêu cầu không hợp lệ.", "The request is not valid."),
                                   status=exc.status_code)
