"""How the API reads its input: JSON bodies and query strings, refusing a decoded U+0000 (which no
PostgreSQL text can store) by the field that holds it. Ninja parses after it has authenticated the caller,
so an unauthenticated request is answered 401 whatever it sends."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from motcua.core.text import nul_field


class NulCharacter(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _checked(data: Any) -> Any:
    if (field := nul_field(data)) is not None:
        raise NulCharacter(field)
    return data


class RefuseNul(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return _checked(json.loads(request.body))

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> Any:
        return _checked(super().parse_querydict(data, list_fields, request))
