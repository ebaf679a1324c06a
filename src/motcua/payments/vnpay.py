"""The VNPay merchant protocol (version 2.1.0), as pure functions: the signed payment URL, checking the
signature of return and IPN callbacks, and the signed transaction query (querydr) used to reconcile.
Spoken by the VNPay gateway plug-in and by the bundled sandbox gateway alike."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # VNPay dates are yyyyMMddHHmmss in GMT+7
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")

# vnp_ResponseCode of a payment
SUCCESS = "00"
CANCELLED = "24"
# RspCode the merchant answers an IPN with
IPN_CONFIRMED = ("00", "Confirm Success")
IPN_ORDER_NOT_FOUND = ("01", "Order not found")
IPN_ALREADY_CONFIRMED = ("02", "Order already confirmed")
IPN_INVALID_AMOUNT = ("04", "invalid amount")
IPN_INVALID_SIGNATURE = ("97", "Invalid signature")
QUERYDR_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
                  "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
QUERYDR_RESPONSE_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
                           "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
                           "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
                           "vnp_PromotionAmount")


def timestamp(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y%m%d%H%M%S")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=TZ)


def _hmac(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, str]) -> str:
    """Sorted ``key=urlencoded value`` pairs of the non-empty vnp_ fields, joined by ``&``."""
    return "&".join(f"{k}={quote_plus(str(v))}" for k, v in sorted(params.items())
                    if k.startswith("vnp_") and k not in HASH_FIELDS and v not in ("", None))


def sign(params: Mapping[str, str], secret: str) -> str:
    return _hmac(secret, hash_data(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def payment_url(pay_url: str, params: Mapping[str, str], secret: str) -> str:
    fields = {k: str(v) for k, v in params.items() if v not in ("", None)}
    return f"{pay_url}?{urlencode(sorted(fields.items()))}&vnp_SecureHash={sign(fields, secret)}"


def payment_params(*, tmn_code: str, txn_ref: str, amount: int, order_info: str, return_url: str,
                   ip_address: str, created: datetime, expires: datetime, locale: str = "vn") -> dict[str, str]:
    """The fields of a payment request; VNPay amounts are in hundredths of a đồng."""
    return {
        "vnp_Version": VERSION, "vnp_Command": "pay", "vnp_TmnCode": tmn_code, "vnp_Amount": str(amount * 100),
        "vnp_CurrCode": "VND", "vnp_TxnRef": txn_ref, "vnp_OrderInfo": order_info, "vnp_OrderType": "billpayment",
        "vnp_Locale": locale, "vnp_ReturnUrl": return_url, "vnp_IpAddr": ip_address,
        "vnp_CreateDate": timestamp(created), "vnp_ExpireDate": timestamp(expires),
    }


def pipe_hash(params: Mapping[str, str], order: tuple[str, ...], secret: str) -> str:
    """querydr requests and responses sign their fields in a fixed order, joined by ``|``."""
    return _hmac(secret, "|".join(str(params.get(k, "")) for k in order))
