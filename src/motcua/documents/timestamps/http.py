from django.conf import settings
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from motcua.documents.timestamps import AUTHORITIES, TimestampAuthority


@AUTHORITIES.register("http")
class HttpAuthority(TimestampAuthority):
    """A time-stamping authority reached over HTTP (RFC 3161 §3.4), e.g. a licensed Vietnamese TSA; its root
    certificate goes in MOTCUA_SIGNING_TRUST_ROOTS. pyHanko's requests-based client: a signature is made from
    its own event loop each time, which an aiohttp session could not follow."""

    @classmethod
    def check(cls) -> list[str]:
        return [] if settings.SIGNING["TSA_URL"] else ["MOTCUA_SIGNING_TSA_URL is not set"]

    def __init__(self) -> None:
        self.client = RequestsHTTPTimeStamper(self.url(), timeout=settings.SIGNING["TSA_TIMEOUT_SECONDS"])

    def url(self) -> str:
        return settings.SIGNING["TSA_URL"]

    def timestamper(self) -> TimeStamper | None:
        return self.client
