"""Time-stamping authorities (RFC 3161): each PAdES signature carries a token from one, so it stays verifiable
after the signer's certificate expires or is revoked (PAdES B-T). One module per authority in this package,
registered in :data:`AUTHORITIES`; ``settings.SIGNING["TSA"]`` chooses one."""

from __future__ import annotations

import functools

from cryptography import x509
from django.conf import settings
from pyhanko.sign.timestamps import TimeStamper

from motcua.core.errors import Unavailable
from motcua.core.plugins import Plugin, PluginRegistry


class TimestampUnavailable(Unavailable):
    """The time-stamping authority did not answer or refused; nothing is signed."""

    def __init__(self, detail: str) -> None:
        super().__init__("timestamp_unavailable", "Không ký số được: máy chủ cấp dấu thời gian không trả lời.",
                         "Cannot sign: the time-stamping authority did not answer.")
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


class TimestampAuthority(Plugin):
    def timestamper(self) -> TimeStamper | None:
        """pyHanko's client for this authority; None signs without a timestamp (PAdES B-B)."""
        raise NotImplementedError

    def trust_roots(self) -> list[x509.Certificate]:
        """Roots its tokens chain to, trusted for timestamps only (beside MOTCUA_SIGNING_TRUST_ROOTS)."""
        return []


AUTHORITIES: PluginRegistry[TimestampAuthority] = PluginRegistry("timestamp authority", TimestampAuthority, __name__)


def authority() -> TimestampAuthority:
    """The configured authority."""
    return _authority(settings.SIGNING["TSA"], settings.SIGNING["TSA_URL"], settings.PUBLIC_URL)


@functools.lru_cache(maxsize=4)
def _authority(key: str, url: str, public_url: str) -> TimestampAuthority:
    return AUTHORITIES[key]()
