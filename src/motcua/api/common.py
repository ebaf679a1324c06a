"""What every API router shares: the error shape, references to named things, who is calling."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import AuthenticationError

from motcua.core.errors import Forbidden
from motcua.identity.actors import Actor


class Bilingual(Schema):
    vi: str
    en: str


class FieldErrorOut(Schema):
    field: str | None
    code: str
    vi: str
    en: str


class ErrorOut(Schema):
    detail: Bilingual
    errors: list[FieldErrorOut]
    code: str | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}




class Named(Schema):
    code: str
    name_vi: str
    name_en: str


def caller(request: HttpRequest) -> Actor:
    """The authenticated actor of a request (the router's ``auth`` set ``request.auth``)."""
    actor = request.auth
    if not isinstance(actor, Actor):
        raise AuthenticationError()
    return actor


def official_caller(request: HttpRequest) -> Actor:
    actor = caller(request)
    if actor.kind != "official":
        raise Forbidden("officials_only", "Chỉ dành cho cán bộ.", "Officials only.")
    return actor


def citizen_caller(request: HttpRequest) -> Actor:
    actor = caller(request)
    if actor.kind != "citizen":
        raise Forbidden("citizens_only", "Chỉ dành cho công dân.", "Citizens only.")
    return actor
