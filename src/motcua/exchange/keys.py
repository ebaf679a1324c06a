"""This instance's systems' signing keys, from the configured signing backend (development CA, PKCS#12 file
``<system id>.p12``, PKCS#11 key labelled ``<system id>``), kept parsed for a while so a call costs one
signature, not a key lookup."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from motcua.documents.signers import InMemoryKeySigner, SignerIdentity, backend
from motcua.exchange import protocol

KEEP_SECONDS = 60.0  # a key rotated or revoked on this instance is picked up within a minute


@dataclass(frozen=True)
class LocalKey:
    system: str
    alg: str  # the RFC 9421 algorithm
    keyid: str
    certificate: x509.Certificate
    chain: list[x509.Certificate]  # the certificate, then the CAs the backend knows
    sign_raw: Callable[[bytes], bytes]  # SHA-256 signature as the signer returns it (DER for ECDSA)

    def sign(self, data: bytes) -> bytes:
        """The signature as the wire carries it (RFC 9421: ECDSA as r‖s)."""
        return protocol.raw_signature(self.alg, self.sign_raw(data))

    @property
    def jws_alg(self) -> str:
        return "ES256" if self.alg == "ecdsa-p256-sha256" else "RS256"


def identity(system: str) -> SignerIdentity:
    return SignerIdentity("system", system, f"motcua exchange {system}", system.split(".")[0])


def _outside_event_loop(fn: Callable[[], bytes]) -> bytes:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def _load(system: str) -> LocalKey:
    signer, _row = backend().signer_for(identity(system))
    assert signer.signing_cert is not None
    der = signer.signing_cert.dump()
    cert = x509.load_der_x509_certificate(der)
    others = [x509.load_der_x509_certificate(c.dump()) for c in (signer.cert_registry or [])]
    chain = [cert, *[c for c in others if c.public_bytes(serialization.Encoding.DER) != der]]
    if isinstance(signer, InMemoryKeySigner):
        def sign_raw(data: bytes) -> bytes:
            return signer.sign_raw(data, "sha256")
    else:  # a token: pyHanko's asynchronous interface
        def sign_raw(data: bytes) -> bytes:
            return _outside_event_loop(lambda: asyncio.run(signer.async_sign_raw(data, "sha256")))
    return LocalKey(system, protocol.algorithm_for(cert.public_key()), protocol.thumbprint(der), cert, chain, sign_raw)


_keys: dict[str, tuple[float, LocalKey]] = {}
_lock = threading.Lock()


def local_key(system: str) -> LocalKey:
    """The key ``system`` signs with (raises ``SigningUnavailable`` when the backend holds none)."""
    now = time.monotonic()
    found = _keys.get(system)
    if found and now - found[0] < KEEP_SECONDS:
        return found[1]
    with _lock:
        key = _load(system)
        _keys[system] = (now, key)
        return key


def forget() -> None:
    _keys.clear()
