"""Catalog API: procedures and administrative divisions."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from motcua.api.common import ErrorOut
from motcua.catalog import divisions
from motcua.catalog import services as catalog_services
from motcua.catalog.models import Procedure
from motcua.core.errors import NotFound

router = Router(tags=["catalog"])


class ProcedureListItem(Schema):
    code: str
    name_vi: str
    name_en: str
    sector_code: str
    sector_vi: str
    sector_en: str
    level: str
    online_level: str
    statutory_days: int
    eid_level: int
    counter_fee: int
    online_fee: int


class ProcedurePage(Schema):
    count: int
    items: list[ProcedureListItem]


class ProcedureDetail(ProcedureListItem):
    version: int
    definition: dict[str, Any]


@router.get("/procedures", response=ProcedurePage, summary="Search the procedure catalog")
def search_procedures(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="words of the name, code or sector; accents optional"),
    level: Literal["ministry", "province", "commune"] | None = None,
    sector: str | None = Query(None, max_length=40),
    online_level: Literal["full", "partial"] | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    found = catalog_services.search_procedures(q, level, sector, online_level)
    return {"count": found.count(), "items": list(found[offset: offset + limit])}


@router.get("/procedures/{code}", response={200: ProcedureDetail, 404: ErrorOut},
            summary="Read a procedure's current definition")
def read_procedure(request: HttpRequest, code: str):
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None:
        raise NotFound(code)
    procedure.version = procedure.current_version.number
    procedure.definition = procedure.current_version.definition
    return procedure


class DivisionOut(Schema):
    code: str
    name: str
    province_code: str


@router.get("/divisions/provinces", response=list[DivisionOut], summary="The 34 provinces")
def list_provinces(request: HttpRequest):
    return sorted(divisions.provinces().values(), key=lambda d: d.code)


@router.get("/divisions/provinces/{province_code}/communes", response={200: list[DivisionOut], 404: ErrorOut},
            summary="Communes of a province, in Vietnamese order of their names (without Xã, Phường…)")
def list_communes(request: HttpRequest, province_code: str):
    if province_code not in divisions.provinces():
        raise NotFound(province_code)
    return divisions.communes_of(province_code)


