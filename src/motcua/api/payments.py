"""Payments API: the applicant starts paying online what the dossier owes."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja import Status as Respond

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, caller
from motcua.core.web import client_address
from motcua.dossiers.services import readable_dossier
from motcua.eid.scopes import PAYMENTS
from motcua.payments import services as payments

router = Router(tags=["payments"])


class PaymentStartOut(Schema):
    reference: str
    amount: int
    payment_url: str = Field(description="send the citizen's browser here (the gateway's payment page)")


@router.post("/dossiers/{code}/payments", response={201: PaymentStartOut, **ERRORS}, auth=ActorAuth(PAYMENTS),
             summary="Start paying what the dossier owes online (the applicant)")
def start_payment(request: HttpRequest, code: str):
    actor = caller(request)
    dossier, state = readable_dossier(actor, code, "")  # the applicant's act
    payment = payments.start_online_payment(dossier, state, actor)
    url = payments.gateway().payment_url(payment, request.build_absolute_uri(reverse("payments:return")),
                                         client_address(request), "vi")
    return Respond(201, {"reference": payment.reference, "amount": payment.amount, "payment_url": url})


