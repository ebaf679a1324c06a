"""Push to a phone app: the interface only. No national e-ID app (VNeID) publishes a push interface that motcua
could call, so this channel is unavailable as shipped and nothing is recorded for it. A deployment that has a
push service subclasses :class:`Push` (``send`` to the app's service, ``address`` the recipient's device or
account reference) and names its class in ``NOTIFICATION_CHANNELS = {"push": "…"}``."""

from __future__ import annotations

from motcua.notifications.channels import CHANNELS, Channel, PermanentFailure, Recipient


@CHANNELS.register("push")
class Push(Channel):
    label_vi, label_en = "Thông báo trên ứng dụng định danh điện tử", "Push to the e-ID app"
    audiences = frozenset({"citizen"})

    @classmethod
    def unavailable(cls) -> str | None:
        return "no push service: the national e-ID app offers none to call (interface only)"

    def address(self, recipient: Recipient) -> str:
        return recipient.id  # the app knows the person by their ID number

    def send(self, delivery, message) -> str:
        raise PermanentFailure("no push service is configured")
