from pyhanko.sign.timestamps import TimeStamper

from motcua.documents.timestamps import AUTHORITIES, TimestampAuthority


@AUTHORITIES.register("none")
class NoTimestamps(TimestampAuthority):
    """Signatures without a timestamp (PAdES B-B): their time is only what the signer's clock said."""

    def timestamper(self) -> TimeStamper | None:
        return None
