"""SMS gateway plug-ins: one module per gateway in this package, registered in :data:`SMS_GATEWAYS`, chosen by
MOTCUA_SMS_GATEWAY. A gateway sends one text to one number with the caller's reference (so a gateway that
de-duplicates by it drops a repeat) and returns its own id for it, raising the channel's TransientFailure or
PermanentFailure."""

from __future__ import annotations

from motcua.core.plugins import Plugin, PluginRegistry


class SmsGateway(Plugin):
    unicode = False  # sends Vietnamese with its diacritics (UCS-2: 70 characters a part)

    @classmethod
    def unavailable(cls) -> str | None:
        return None

    def send(self, phone: str, text: str, reference: str) -> str:
        raise NotImplementedError


SMS_GATEWAYS: PluginRegistry[SmsGateway] = PluginRegistry("SMS gateway", SmsGateway, __name__, "SMS_GATEWAYS")
