"""The gateway's callbacks: IPN (server to server) and the citizen's browser coming back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from motcua.core.web import client_address
from motcua.payments import services


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: v[:500] for k, v in request.GET.items()}


@csrf_exempt
@require_GET
def ipn(request: HttpRequest) -> HttpResponse:
    """Instant payment notification: the gateway's word on a payment. Always answered in the gateway's
    format (an error is an answer code, never a 500), so the gateway knows whether to retry."""
    done = services.confirm(_params(request), "ipn", client_address(request))
    return JsonResponse(services.gateway().ipn_answer(done.outcome))


@require_GET
def payment_return(request: HttpRequest) -> HttpResponse:
    """The citizen's browser back from the gateway. The callback is applied here too (idempotently), so a
    delayed IPN does not leave the citizen looking at an unpaid dossier."""
    done = services.confirm(_params(request), "return", client_address(request))
    payment = done.payment
    if payment is None:
        messages.error(request, _("The payment gateway's answer could not be checked. Nothing was charged "
                                  "to your dossier; please try again."))
        return redirect("portal:my_dossiers")
    payment.refresh_from_db()
    if payment.status == "paid":
        messages.success(request, _("Payment received. Your receipt is ready."))
    else:
        messages.error(request, _("The payment did not go through. You can try again."))
    return redirect("portal:dossier", code=payment.dossier.code)
