"""Proactive offers API: the calling citizen's open offers (procedures the platform suggests after a registry
event or as a date comes), each with its pre-filled values and where to take it up; declining one."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, citizen_caller
from motcua.eid.scopes import NOTIFICATIONS
from motcua.proactive import services

router = Router(tags=["offers"])


class OfferOut(Schema):
    id: int
    rule: str = Field(description="the rule that made it: birth-group, id-card-renewal, death-group, …")
    procedure_code: str
    subject: str = Field(description="what it is about within the rule: the child's ID number, the age \"25\"…")
    prefill: dict[str, str] = Field(description="form values to submit the procedure with (each may be changed)")
    reason_vi: str
    reason_en: str
    status: str = Field(description="offered | taken | declined")
    made_at: datetime
    answered_at: datetime | None
    path: str = Field(description="the portal's form, opened with these values")


class OffersPage(Schema):
    count: int
    items: list[OfferOut]


def _out(offer) -> dict:
    return {**{name: getattr(offer, name) for name in ("id", "rule", "procedure_code", "subject", "prefill",
                                                      "reason_vi", "reason_en", "status", "made_at",
                                                      "answered_at")},
            "path": services.take_up_path(offer)}


@router.get("/offers", response={200: OffersPage, **ERRORS}, auth=ActorAuth(NOTIFICATIONS),
            summary="The calling citizen's open offers, newest first")
def list_offers(request: HttpRequest, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000)):
    found = services.offers_of(citizen_caller(request).id)
    return {"count": found.count(), "items": [_out(o) for o in found[offset: offset + limit]]}


@router.post("/offers/{offer_id}/decline", response={200: OfferOut, **ERRORS}, auth=ActorAuth(NOTIFICATIONS),
             summary="Decline one of the caller's offers: it is hidden and never made again")
def decline_offer(request: HttpRequest, offer_id: int = Path(..., ge=1, le=2**62)):
    return _out(services.decline(citizen_caller(request), offer_id))
