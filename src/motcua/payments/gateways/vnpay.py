"""VNPay (payment URL version 2.1.0, IPN, querydr). Without configured URLs it talks to the sandbox
gateway bundled with motcua, which speaks the same protocol."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.payments import vnpay
from motcua.payments.gateways import (
    GATEWAYS,
    CallbackResult,
    GatewayError,
    GatewayRecord,
    Outcome,
    PaymentGateway,
)

SANDBOX_PAY_PATH = "/sandbox-gateway/paymentv2/vpcpay.html"
IPN_ANSWERS = {
    Outcome.CONFIRMED: vnpay.IPN_CONFIRMED, Outcome.ALREADY_CONFIRMED: vnpay.IPN_ALREADY_CONFIRMED,
    Outcome.ORDER_NOT_FOUND: vnpay.IPN_ORDER_NOT_FOUND, Outcome.INVALID_AMOUNT: vnpay.IPN_INVALID_AMOUNT,
    Outcome.INVALID_SIGNATURE: vnpay.IPN_INVALID_SIGNATURE,
}


@GATEWAYS.register("vnpay")
class VNPay(PaymentGateway):
    label_vi, label_en = "VNPay (thẻ ATM, thẻ quốc tế, QR)", "VNPay (ATM card, international card, QR)"
    payment_window = timedelta(minutes=15)

    @classmethod
    def check(cls) -> list[str]:
        config = settings.PAYMENTS
        problems = [f"MOTCUA_VNPAY_{name} is not set" for name in ("TMN_CODE", "HASH_SECRET") if not config[name]]
        for name in ("PAY_URL", "API_URL"):
            url = urlsplit(config[name])
            if not config[name] and not settings.SANDBOX_GATEWAY:  # unset URLs lead to the bundled sandbox
                problems.append(f"MOTCUA_VNPAY_{name} is not set and the sandbox gateway is off")
            elif config[name] and (url.scheme not in ("http", "https") or not url.netloc):
                problems.append(f"MOTCUA_VNPAY_{name} is not an http(s) URL: {config[name]!r}")
        return problems

    @property
    def config(self) -> dict:
        return settings.PAYMENTS

    @property
    def pay_url(self) -> str:
        return self.config["PAY_URL"] or reverse("sandbox_gateway:pay")

    @property
    def api_url(self) -> str:
        return self.config["API_URL"] or settings.PUBLIC_URL + reverse("sandbox_gateway:api")

    def payment_url(self, payment, return_url: str, ip_address: str, locale: str) -> str:
        params = vnpay.payment_params(
            tmn_code=self.config["TMN_CODE"], txn_ref=payment.reference, amount=payment.amount,
            order_info=f"Thanh toan ho so {payment.dossier.code}", return_url=return_url,
            ip_address=ip_address, created=payment.created_at,
            expires=payment.created_at + self.payment_window, locale="en" if locale == "en" else "vn")
        return vnpay.payment_url(self.pay_url, params, self.config["HASH_SECRET"])

    def parse_callback(self, params: dict[str, str]) -> CallbackResult:
        if not vnpay.verify(params, self.config["HASH_SECRET"]) or params.get("vnp_TmnCode") != self.config["TMN_CODE"]:
            return CallbackResult(False, reference=str(params.get("vnp_TxnRef", ""))[:100])
        raw_amount = str(params.get("vnp_Amount", ""))
        amount = int(raw_amount) // 100 if raw_amount.isdigit() and int(raw_amount) % 100 == 0 else None
        pay_date = params.get("vnp_PayDate", "")
        try:
            paid_at = vnpay.parse_timestamp(pay_date) if pay_date else None
        except ValueError:
            paid_at = None
        return CallbackResult(
            True, reference=params.get("vnp_TxnRef", ""), amount=amount,
            success=params.get("vnp_ResponseCode") == vnpay.SUCCESS and
            params.get("vnp_TransactionStatus", vnpay.SUCCESS) == vnpay.SUCCESS,
            transaction_no=params.get("vnp_TransactionNo", ""), bank_code=params.get("vnp_BankCode", ""),
            response_code=params.get("vnp_ResponseCode", ""), paid_at=paid_at)

    def answer(self, outcome: Outcome) -> tuple[str, str]:
        return IPN_ANSWERS[outcome]

    def ipn_answer(self, outcome: Outcome) -> dict:
        code, message = self.answer(outcome)
        return {"RspCode": code, "Message": message}

    def query(self, payment, ip_address: str = "127.0.0.1") -> GatewayRecord:
        secret = self.config["HASH_SECRET"]
        request = {
            "vnp_RequestId": uuid.uuid4().hex, "vnp_Version": vnpay.VERSION, "vnp_Command": "querydr",
            "vnp_TmnCode": self.config["TMN_CODE"], "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": f"Doi soat {payment.reference}",
            "vnp_TransactionDate": vnpay.timestamp(payment.created_at),
            "vnp_CreateDate": vnpay.timestamp(timezone.now()), "vnp_IpAddr": ip_address,
        }
        request["vnp_SecureHash"] = vnpay.pipe_hash(request, vnpay.QUERYDR_FIELDS, secret)
        try:
            answer = requests.post(self.api_url, json=request, timeout=10).json()
        except (requests.RequestException, ValueError) as exc:
            raise GatewayError(f"querydr failed: {exc}") from exc
        if answer.get("vnp_SecureHash") != vnpay.pipe_hash(answer, vnpay.QUERYDR_RESPONSE_FIELDS, secret):
            raise GatewayError("querydr answer has a wrong signature")
        if answer.get("vnp_ResponseCode") == "91":  # transaction not found
            return GatewayRecord(False, raw=answer)
        if answer.get("vnp_ResponseCode") != "00":
            raise GatewayError(f"querydr answered {answer.get('vnp_ResponseCode')}: {answer.get('vnp_Message')}")
        raw_amount = str(answer.get("vnp_Amount", "0"))
        return GatewayRecord(True, paid=answer.get("vnp_TransactionStatus") == vnpay.SUCCESS,
                             amount=int(raw_amount) // 100 if raw_amount.isdigit() else None,
                             transaction_no=str(answer.get("vnp_TransactionNo", "")), raw=answer)
