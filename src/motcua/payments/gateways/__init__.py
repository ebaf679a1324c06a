"""Payment gateway plug-ins: one module per gateway in this package, registered in :data:`GATEWAYS`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from motcua.core.plugins import Plugin, PluginRegistry


@dataclass(frozen=True)
class CallbackResult:
    """A gateway's callback (IPN or return), parsed and checked."""

    signature_valid: bool
    reference: str = ""
    amount: int | None = None  # đồng
    success: bool = False
    transaction_no: str = ""
    bank_code: str = ""
    response_code: str = ""
    paid_at: datetime | None = None


class Outcome(StrEnum):
    """What became of a callback; each gateway words its answer in its own codes."""

    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    ORDER_NOT_FOUND = "order_not_found"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_SIGNATURE = "invalid_signature"


@dataclass(frozen=True)
class GatewayRecord:
    """What the gateway's own records say about one payment (for reconciliation)."""

    found: bool
    paid: bool = False
    amount: int | None = None
    transaction_no: str = ""
    raw: dict = field(default_factory=dict)


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable."""


class PaymentGateway(Plugin):
    label_vi = label_en = ""

    @classmethod
    def unavailable(cls) -> str | None:
        """Why no payment can be taken now (the gateway is not set up), or None. Not a misconfiguration: a
        deployment may take fees only at the counter."""
        return None

    def payment_url(self, payment, return_url: str, ip_address: str, locale: str) -> str:
        raise NotImplementedError

    def parse_callback(self, params: dict[str, str]) -> CallbackResult:
        raise NotImplementedError

    def answer(self, outcome: Outcome) -> tuple[str, str]:
        """The gateway's (code, message) for an outcome."""
        raise NotImplementedError

    def ipn_answer(self, outcome: Outcome) -> dict:
        raise NotImplementedError

    def query(self, payment, ip_address: str = "127.0.0.1") -> GatewayRecord:
        raise NotImplementedError


GATEWAYS: PluginRegistry[PaymentGateway] = PluginRegistry("payment gateway", PaymentGateway, __name__)
