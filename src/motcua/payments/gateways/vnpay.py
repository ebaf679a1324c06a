"""VNPay (payment URL version 2.1.0, IPN, querydr). Without configured URLs it talks to the sandbox
gateway bundled with motcua (demo and tests), which speaks the same protocol as a merchant of its own."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.payments import sandbox, vnpay
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
        if not cls._at_real_gateway():
            return []  # the sandbox, or no online payment at all (``unavailable``)
        problems = [f"MOTCUA_VNPAY_{name} is not set" for name in ("TMN_CODE", "HASH_SECRET", "PAY_URL", "API_URL")
                    if not config[name]]
        for name in ("PAY_URL", "API_URL"):
            url = urlsplit(config[name])
            if config[name] and (url.scheme not in ("http", "https") or not url.netloc):
                problems.append(f"MOTCUA_VNPAY_{name} is not an http(s) URL: {config[name]!r}")
        return problems

    @classmethod
    def unavailable(cls) -> str | None:
        if cls._at_real_gateway() or settings.SANDBOX_GATEWAY:
            return None
        return ("MOTCUA_VNPAY_PAY_URL and MOTCUA_VNPAY_API_URL are not set (the bundled sandbox gateway serves "
                "only the demo, MOTCUA_DEMO=1, and the tests): fees can be paid only at the counter")

    @staticmethod
    def _at_real_gateway() -> bool:
        """A gateway URL is configured; none: the bundled sandbox."""
        return bool(settings.PAYMENTS["PAY_URL"] or settings.PAYMENTS["API_URL"])

    @property
    def merchant(self) -> tuple[str, str]:
        """(merchant code, hash secret): the configured merchant's at a real gateway, the sandbox's own
        otherwise, so the real merchant secret never signs or verifies anything of the sandbox's."""
        if self._at_real_gateway():
            return settings.PAYMENTS["TMN_CODE"], settings.PAYMENTS["HASH_SECRET"]
        return sandbox.MERCHANT_CODE, sandbox.HASH_SECRET

    @property
    def pay_url(self) -> str:
        return settings.PAYMENTS["PAY_URL"] or reverse("sandbox_gateway:pay")

    @property
    def api_url(self) -> str:
        return settings.PAYMENTS["API_URL"] or settings.PUBLIC_URL + reverse("sandbox_gateway:api")

    def payment_url(self, payment, return_url: str, ip_address: str, locale: str) -> str:
        tmn_code, secret = self.merchant
        params = vnpay.payment_params(
            tmn_code=tmn_code, txn_ref=payment.reference, amount=payment.amount,
            order_info=f"Thanh toan ho so {payment.dossier.code}", return_url=return_url,
            ip_address=ip_address, created=payment.created_at,
            expires=payment.created_at + self.payment_window, locale="en" if locale == "en" else "vn")
        return vnpay.payment_url(self.pay_url, params, secret)

    def parse_callback(self, params: dict[str, str]) -> CallbackResult:
        tmn_code, secret = self.merchant
        if not vnpay.verify(params, secret) or params.get("vnp_TmnCode") != tmn_code:
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
        tmn_code, secret = self.merchant
        request = {
            "vnp_RequestId": uuid.uuid4().hex, "vnp_Version": vnpay.VERSION, "vnp_Command": "querydr",
            "vnp_TmnCode": tmn_code, "vnp_TxnRef": payment.reference,
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
