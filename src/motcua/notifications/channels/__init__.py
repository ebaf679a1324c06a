"""Notification channel plug-ins: one module per channel in this package, registered in :data:`CHANNELS`; a
deployment adds or replaces one with ``NOTIFICATION_CHANNELS = {key: "dotted.path.Class"}`` in its settings.

A channel says whether it can be used now (``unavailable``), where a recipient is reached (``address``), and
sends one delivery (``send``), raising :class:`TransientFailure` (try again later) or :class:`PermanentFailure`
(it never will: the address is refused). It is used as a context manager around a batch, so a connection (an
SMTP session) is opened once per batch. A ``local`` channel (the inbox) is delivered in the transaction that
records the message: it calls nothing outside the database."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from motcua.core.leases import PermanentFailure as PermanentFailure  # what a channel raises
from motcua.core.leases import TransientFailure as TransientFailure
from motcua.core.plugins import Plugin, PluginRegistry

if TYPE_CHECKING:
    from motcua.notifications.models import Delivery, Message


@dataclass(frozen=True)
class Recipient:
    """Who a message is for and how to reach them."""

    kind: str  # "citizen" | "official"
    id: str  # ID number or username
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "vi"
    channels: tuple[str, ...] = ()  # the channels chosen besides the inbox

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


class Channel(Plugin):
    label_vi = label_en = ""
    audiences: frozenset[str] = frozenset({"citizen", "official"})
    local = False  # delivered in the recording transaction: no network
    optional = True  # a citizen may turn it off (the inbox: never)

    @classmethod
    def unavailable(cls) -> str | None:
        """Why nothing can be sent this way here (not set up), or None. Such a channel is not offered and no
        delivery is recorded for it."""
        return None

    def address(self, recipient: Recipient) -> str:
        """Where this recipient is reached this way; empty when they cannot be."""
        raise NotImplementedError

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        return None

    def send(self, delivery: Delivery, message: Message) -> str:
        """Send one delivery; returns the channel's reference for it (kept on the delivery)."""
        raise NotImplementedError


CHANNELS: PluginRegistry[Channel] = PluginRegistry("notification channel", Channel, __name__, "NOTIFICATION_CHANNELS")


def usable() -> list[str]:
    """The channels that can deliver here, in a stable order (the inbox first)."""
    keys = [key for key in CHANNELS if CHANNELS[key].unavailable() is None]
    return sorted(keys, key=lambda key: (CHANNELS[key].optional, key))
