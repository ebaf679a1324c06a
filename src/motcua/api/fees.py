"""Fees API: the fee schedules of provinces and ministries, and what a procedure costs on a day."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from motcua.api.common import ErrorOut
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.errors import NotFound
from motcua.payments import fee_schedules
from motcua.payments.fees import FeeQuote
from motcua.payments.schedules import to_document

router = Router(tags=["fees"])


class ScheduleListItem(Schema):
    authority: str = Field(description="a province's 2-digit code, or a ministry's agency code")
    kind: str
    name_vi: str
    name_en: str


class ReasonOut(Schema):
    vi: str
    en: str


class QuoteOut(Schema):
    amount: int
    basis: str = Field(description="online, counter, online_free (a zero-fee online period), exempt or reduced")
    exemption: str = Field(description="the exemption or reduction applied (its code)")
    full_amount: int = Field(description="the channel's rate before a zero-fee period or a relief")
    reasons: list[ReasonOut] = Field(description="which rule applied and why, in order")
    verified: bool = Field(description="false when a value it rests on could not be verified")
    authority: str = Field(description="whose schedule applied; empty: the catalog's national rates")


class RuleInForceOut(Schema):
    procedure: str
    name_vi: str
    name_en: str
    counter: QuoteOut
    online: QuoteOut


class ScheduleOut(Schema):
    on: date
    schedule: dict[str, Any] = Field(description="the whole schedule, as `motcua fees export` writes it")
    in_force: list[RuleInForceOut]


def quote_out(q: FeeQuote) -> dict[str, Any]:
    return {"amount": q.amount, "basis": q.basis, "exemption": q.exemption, "full_amount": q.full_amount,
            "reasons": [{"vi": r.vi, "en": r.en} for r in q.reasons], "verified": q.verified,
            "authority": q.authority}


@router.get("/fees/schedules", response=list[ScheduleListItem], summary="The fee schedules held")
def list_schedules(request: HttpRequest):
    return fee_schedules.current_schedules()


@router.get("/fees/schedules/{authority}", response={200: ScheduleOut, 404: ErrorOut},
            summary="A fee schedule and its rules in force on a day")
def read_schedule(request: HttpRequest, authority: str, on: date | None = None):
    day = on or timezone.localdate()
    schedule, lines = fee_schedules.schedule_in_force(authority, day)
    return {"on": day, "schedule": to_document(schedule), "in_force": [
        {"procedure": x.procedure, "name_vi": x.name_vi, "name_en": x.name_en, "counter": quote_out(x.counter),
         "online": quote_out(x.online)} for x in lines]}


@router.get("/fees/quote", response={200: QuoteOut, 404: ErrorOut, 422: ErrorOut},
            summary="What a procedure costs, filed on a day through a channel in a province (or ministry)")
def quote(request: HttpRequest, procedure: str = Query(..., max_length=40),
          authority: str = Query(..., max_length=35, description="a province's code, or a ministry's agency code"),
          channel: Literal["online", "counter"] = "online", on: date | None = None,
          exemption: str = Query("", max_length=60, description="an exemption or reduction the rule lists")):
    found = Procedure.objects.select_related("current_version").filter(code=procedure).first()
    if found is None:
        raise NotFound(procedure)
    day = on or timezone.localdate()
    schedule = fee_schedules.current_schedule(authority)
    return quote_out(fee_schedules.quote_for(spec_of(found.current_version), schedule, channel, day, exemption))
