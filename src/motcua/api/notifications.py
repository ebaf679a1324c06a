"""Notifications API: the caller's inbox (a citizen's notifications, an official's queue alerts) and a citizen's
choice of channels."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, caller, citizen_caller
from motcua.eid.scopes import NOTIFICATIONS
from motcua.notifications import services
from motcua.notifications.channels import CHANNELS

router = Router(tags=["notifications"])


class MessageOut(Schema):
    id: int
    kind: str = Field(description="received, supplement_requested, fee_due, payment_received, apology, result_ready, "
                                  "decision_refused, not_received, stopped, offer, petition_answered; for officials "
                                  "handed_over, acknowledgement_overdue, supplement_received, petition_received")
    subject_vi: str
    subject_en: str
    body_vi: str
    body_en: str
    link: str
    dossier_code: str
    created_at: datetime
    read_at: datetime | None


class InboxPage(Schema):
    count: int
    unread: int
    items: list[MessageOut]


@router.get("/notifications", response={200: InboxPage, **ERRORS}, auth=ActorAuth(NOTIFICATIONS),
            summary="The caller's notifications, newest first")
def list_notifications(request: HttpRequest, unread: bool = False, limit: int = Query(50, ge=1, le=200),
                       offset: int = Query(0, ge=0, le=1_000_000)):
    actor = caller(request)
    found = services.inbox(actor, unread_only=unread)
    return {"count": found.count(), "unread": services.unread_count(services.recipient_key(actor)),
            "items": list(found[offset: offset + limit])}


@router.post("/notifications/{message_id}/read", response={200: MessageOut, **ERRORS}, auth=ActorAuth(NOTIFICATIONS),
             summary="Mark one of the caller's notifications read")
def read_notification(request: HttpRequest, message_id: int):
    actor = caller(request)
    services.mark_read(actor, message_id)
    return services.inbox(actor).get(pk=message_id)


class ChannelOut(Schema):
    key: str
    label_vi: str
    label_en: str


class PreferencesOut(Schema):
    channels: list[str] = Field(description="chosen besides the inbox, which always receives")
    language: str
    email: str
    phone: str
    offered: list[ChannelOut] = Field(description="the channels that may be chosen here")


class PreferencesIn(Schema):
    channels: list[str] = Field(default_factory=list, max_length=10)
    language: str = Field("vi", max_length=5, description="vi | en")
    email: str = Field("", max_length=255, description="instead of each dossier's address (empty: the dossier's)")
    phone: str = Field("", max_length=20, description="instead of each dossier's number (empty: the dossier's)")


def _preferences(id_number: str) -> dict:
    chosen = services.preferences_of(id_number)
    return {"channels": chosen.channels, "language": chosen.language, "email": chosen.email, "phone": chosen.phone,
            "offered": [{"key": k, "label_vi": CHANNELS[k].label_vi, "label_en": CHANNELS[k].label_en}
                        for k in services.offered_channels()]}


@router.get("/notifications/preferences", response={200: PreferencesOut, **ERRORS}, auth=ActorAuth(NOTIFICATIONS),
            summary="The calling citizen's choice of channels and language")
def get_preferences(request: HttpRequest):
    return _preferences(citizen_caller(request).id)


@router.put("/notifications/preferences", response={200: PreferencesOut, **ERRORS}, auth=ActorAuth(NOTIFICATIONS),
            summary="Choose channels, language and addresses (each problem reported by its field)")
def put_preferences(request: HttpRequest, payload: PreferencesIn):
    actor = citizen_caller(request)
    services.save_preferences(actor, payload.channels, payload.language, payload.email, payload.phone)
    return _preferences(actor.id)
