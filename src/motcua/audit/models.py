"""Seals: signed statements of the heads of every hash-chained log (see :mod:`motcua.core.chained`)."""

from django.db import models

from motcua.core.chained import Chain, ChainedEntry


class Seal(ChainedEntry):
    """The heads of the chains that changed since the seals before it, signed with the system's key. Seals are
    a chain themselves, and each seal's manifest holds the head of that chain (the seal before it), so the
    signatures vouch for the whole series."""

    chain = Chain(stream=None, title="seals")

    seq = models.PositiveIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    manifest = models.TextField()  # core.chain.Manifest, canonical JSON: exactly the bytes signed
    signature = models.BinaryField()  # detached CMS (DER) over the manifest
    certificate = models.ForeignKey("documents.Certificate", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"seal {self.seq} ({self.sealed_at:%Y-%m-%d %H:%M})"
