"""How the API reads its input: JSON bodies (under a JSON media type only) and query strings, refusing a decoded U+0000 (which no
PostgreSQL text can store) by the field that holds it. Ninja parses after it has authenticated the caller,
so an unauthenticated request is answered 401 whatever it sends."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from motcua.core.errors import MotcuaError
from motcua.core.text import nul_field


class NulCharacter(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _checked(data: Any) -> Any:
    if (field := nul_field(data)) is not None:
        raise NulCharacter(field)
    return data


class NotJson(MotcuaError):
    status = 415

    def __init__(self) -> None:
        super().__init__("unsupported_media_type", "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
                         "The request body must be JSON (Content-Type: application/json).", "body")


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or (content_type.startswith("application/")
                                                  and content_type.endswith("+json"))


class RefuseNul(Parser):
    """Also refuses a body sent under another media type (415): a form posted cross-site to the API is not
    read as if it were JSON."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not is_json(request.content_type or ""):
            raise NotJson()
        return _checked(json.loads(request.body))

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> Any:
        return _checked(super().parse_querydict(data, list_fields, request))
