"""A sandbox payment gateway bundled for the demo and the tests. It speaks the VNPay merchant protocol
(signed payment URL, return URL and IPN, querydr) so the real plug-in is exercised end to end; it moves
no money. Its bank page offers "pay" and "cancel".

Because it moves no money it is served only where ``SANDBOX_GATEWAY`` is on (the demo, the tests), and it
knows one merchant of its own, never the configured one: what it signs does not verify against a real
gateway's settings, and a payment request signed for the real gateway is refused here."""

from __future__ import annotations

import json
import logging
from functools import wraps
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.payments import vnpay
from motcua.payments.models import SandboxTransaction

log = logging.getLogger(__name__)
BANKS = [("NCB", "Ngân hàng Quốc Dân (NCB)"), ("VCB", "Vietcombank"), ("VNPAYQR", "VNPAY-QR")]
TEST_CARD = "9704198526191432198"
# The sandbox's own demo merchant (published: the sandbox moves no money and is served in the demo only).
MERCHANT_CODE = "MOTCUASB"
HASH_SECRET = "motcua-sandbox-gateway-own-secret"


def _merchant_secret(tmn_code: str) -> str | None:
    return HASH_SECRET if tmn_code == MERCHANT_CODE else None


def demo_only(view):
    """Not found unless the sandbox gateway is on (the demo, the tests)."""
    @wraps(view)
    def served(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.SANDBOX_GATEWAY:
            raise Http404("the sandbox gateway is served in the demo only")
        return view(request, *args, **kwargs)

    return served


@demo_only
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    params = {k: v for k, v in (request.POST if request.method == "POST" else request.GET).items()
              if k.startswith("vnp_")}
    secret = _merchant_secret(params.get("vnp_TmnCode", ""))
    if secret is None or not vnpay.verify(params, secret):
        return render(request, "payments/sandbox_error.html", {"code": "70"}, status=400)
    amount = int(params.get("vnp_Amount", "0")) // 100
    if request.method == "GET":
        return render(request, "payments/sandbox_pay.html", {
            "params": params, "amount": amount, "banks": BANKS, "card": TEST_CARD})
    decision = request.POST.get("decision")
    bank = request.POST.get("bank", "NCB")
    code = vnpay.SUCCESS if decision == "pay" else vnpay.CANCELLED
    with transaction.atomic():
        last = SandboxTransaction.objects.aggregate(n=Max("transaction_no"))["n"]
        try:
            txn = SandboxTransaction.objects.create(
                tmn_code=params["vnp_TmnCode"], txn_ref=params["vnp_TxnRef"], amount=amount,
                order_info=params.get("vnp_OrderInfo", ""), transaction_no=str(int(last or "14000000") + 1),
                response_code=code, bank_code=bank if bank in dict(BANKS) else "NCB", pay_date=timezone.now())
        except IntegrityError:
            return render(request, "payments/sandbox_error.html", {"code": "94"}, status=409)  # duplicate
    callback = callback_params(txn, secret)
    deliver_ipn(request.build_absolute_uri(reverse("payments:ipn")), callback)
    return redirect(f"{params['vnp_ReturnUrl']}?{urlencode(callback)}")


def callback_params(txn: SandboxTransaction, secret: str) -> dict[str, str]:
    params = {
        "vnp_Amount": str(txn.amount * 100), "vnp_BankCode": txn.bank_code,
        "vnp_BankTranNo": f"VNP{txn.transaction_no}" if txn.response_code == vnpay.SUCCESS else "",
        "vnp_CardType": "ATM", "vnp_OrderInfo": txn.order_info, "vnp_PayDate": vnpay.timestamp(txn.pay_date),
        "vnp_ResponseCode": txn.response_code, "vnp_TmnCode": txn.tmn_code, "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": txn.transaction_status, "vnp_TxnRef": txn.txn_ref,
    }
    params = {k: v for k, v in params.items() if v}
    params["vnp_SecureHash"] = vnpay.sign(params, secret)
    return params


def deliver_ipn(url: str, params: dict[str, str]) -> None:
    """Server-to-server notification, as the real gateway sends it; a failure is logged (the merchant
    also learns the outcome from the return URL and from reconciliation)."""
    try:
        requests.get(url, params=params, timeout=5)
    except requests.RequestException as exc:
        log.warning("sandbox gateway: IPN to %s failed: %s", url, exc)


@csrf_exempt
@demo_only
@require_POST
def api(request: HttpRequest) -> HttpResponse:
    """querydr: the merchant asks what happened to one of its transactions."""
    try:
        query = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("JSON body expected")
    if not isinstance(query, dict):
        return HttpResponseBadRequest("JSON object expected")
    secret = _merchant_secret(str(query.get("vnp_TmnCode", "")))
    answer = {"vnp_ResponseId": query.get("vnp_RequestId", ""), "vnp_Command": "querydr",
              "vnp_TmnCode": query.get("vnp_TmnCode", ""), "vnp_TxnRef": query.get("vnp_TxnRef", "")}
    if secret is None or query.get("vnp_SecureHash") != vnpay.pipe_hash(query, vnpay.QUERYDR_FIELDS, secret):
        answer.update(vnp_ResponseCode="97", vnp_Message="Invalid signature")
        return JsonResponse(answer)  # unsigned: the merchant cannot be told anything
    txn = SandboxTransaction.objects.filter(tmn_code=query["vnp_TmnCode"], txn_ref=query.get("vnp_TxnRef")).first()
    if txn is None:
        answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
    else:
        answer.update(
            vnp_ResponseCode="00", vnp_Message="QueryDR Success", vnp_Amount=str(txn.amount * 100),
            vnp_BankCode=txn.bank_code, vnp_PayDate=vnpay.timestamp(txn.pay_date),
            vnp_TransactionNo=txn.transaction_no, vnp_TransactionType="01",
            vnp_TransactionStatus=txn.transaction_status, vnp_OrderInfo=txn.order_info,
            vnp_PromotionCode="", vnp_PromotionAmount="")
    answer["vnp_SecureHash"] = vnpay.pipe_hash(answer, vnpay.QUERYDR_RESPONSE_FIELDS, secret)
    return JsonResponse(answer)
