"""SMS through the gateway plug-in chosen by MOTCUA_SMS_GATEWAY (``motcua.notifications.sms``). Text is sent
without Vietnamese diacritics unless the gateway takes Unicode: 160 characters a part instead of 70."""

from __future__ import annotations

import unicodedata

from django.conf import settings

from motcua.catalog.forms import PHONE_RE
from motcua.notifications.channels import CHANNELS, Channel, PermanentFailure, Recipient
from motcua.notifications.sms import SMS_GATEWAYS, SmsGateway


def unaccented(text: str) -> str:
    """'Hồ sơ đã được tiếp nhận, phí 12.345 ₫' → 'Ho so da duoc tiep nhan, phi 12.345 d' (GSM-7 safe)."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("₫", "d")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.encode("ascii", "replace").decode()


def gateway() -> SmsGateway:
    return SMS_GATEWAYS[settings.NOTIFICATIONS["SMS_GATEWAY"]]()


@CHANNELS.register("sms")
class Sms(Channel):
    label_vi, label_en = "Tin nhắn SMS", "SMS"

    @classmethod
    def unavailable(cls) -> str | None:
        key = settings.NOTIFICATIONS["SMS_GATEWAY"]
        if not key:
            return "no SMS gateway is set (MOTCUA_SMS_GATEWAY)"
        if key not in SMS_GATEWAYS:
            return f"no SMS gateway '{key}'"
        return SMS_GATEWAYS[key].unavailable()

    @classmethod
    def check(cls) -> list[str]:
        key = settings.NOTIFICATIONS["SMS_GATEWAY"]
        if key and key not in SMS_GATEWAYS:
            return [f"MOTCUA_SMS_GATEWAY names no gateway '{key}' (known: {', '.join(SMS_GATEWAYS)})"]
        return SMS_GATEWAYS[key].check() if key else []

    def address(self, recipient: Recipient) -> str:
        phone = recipient.phone.replace(" ", "")
        return phone if PHONE_RE.match(phone) else ""

    def __enter__(self) -> Sms:
        self.gateway = gateway()
        return self

    def send(self, delivery, message) -> str:
        text = message.sms_en if message.language == "en" else message.sms_vi
        if not text:
            raise PermanentFailure("the message has no SMS text")
        if not self.gateway.unicode:
            text = unaccented(text)
        return self.gateway.send(delivery.address, text, f"motcua-{delivery.pk}")
