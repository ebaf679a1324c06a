"""The protocol's pure rules: the signature base, its parsing, digests, the clock window, replay keys and the
rights decision (Hypothesis for the properties)."""

import hashlib
import string

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given
from hypothesis import strategies as st

from motcua.exchange import protocol
from motcua.exchange.protocol import Refused, Right, SignatureParams

components = st.lists(st.sampled_from(["@method", "@path", "content-digest", "motcua-client", "motcua-purpose",
                                       "motcua-case", "x-other"]), unique=True, max_size=7)
keyids = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=43)


@given(components, st.integers(min_value=0, max_value=10**12), keyids, st.sampled_from(protocol.ALGORITHMS))
def test_signature_input_round_trips(names, created, keyid, alg):
    params = SignatureParams(tuple(names), created, keyid, alg)
    assert protocol.parse_signature_input(f"motcua={params.serialize()}") == params


@given(st.text(max_size=200))
def test_any_signature_input_is_parsed_or_refused_as_malformed(text):
    try:
        protocol.parse_signature_input(text)
    except Refused as exc:
        assert exc.reason == "malformed" and exc.status == 400


@given(st.text(max_size=100))
def test_any_signature_field_is_read_or_refused_as_malformed(text):
    try:
        protocol.parse_signature(text)
    except Refused as exc:
        assert exc.reason == "malformed"


def test_the_signature_base_is_rfc_9421s():
    params = SignatureParams(("@method", "@path", "content-digest"), 1700000000, "k1", "rsa-v1_5-sha256")
    base = protocol.signature_base(params, {"@method": "POST", "@path": "/exchange/v1/BCA.dancu/population.person",
                                            "content-digest": protocol.content_digest(b"{}")})
    assert base.decode() == ('"@method": POST\n"@path": /exchange/v1/BCA.dancu/population.person\n'
                             '"content-digest": sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:\n'
                             '"@signature-params": ("@method" "@path" "content-digest");created=1700000000;'
                             'keyid="k1";alg="rsa-v1_5-sha256"')


def test_duplicate_or_missing_parameters_are_malformed():
    for text in ('motcua=("@method");created=1;keyid="a";alg="rsa-v1_5-sha256";created=2',
                 'motcua=("@method");created=1;keyid="a"', 'motcua=("@method" "@method");created=1;keyid="a";'
                 'alg="rsa-v1_5-sha256"', 'motcua=("@method");created=1;keyid="a";alg="hmac-sha256"'):
        with pytest.raises(Refused):
            protocol.parse_signature_input(text)


@given(st.binary(max_size=300))
def test_content_digest_is_the_bodys_sha256(body):
    import base64

    assert protocol.content_digest(body) == f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"


@given(st.integers(min_value=0, max_value=2**40), st.integers(min_value=-1000, max_value=1000),
       st.integers(min_value=0, max_value=600))
def test_the_clock_window_is_symmetric(created, skew, window):
    assert protocol.within_clock(created, created + skew, window) == (abs(skew) <= window)
    assert protocol.within_clock(created, created - skew, window) == (abs(skew) <= window)


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_replay_keys_differ_by_consumer_and_message(a, b, message):
    assert len(protocol.replay_key(a, message)) == 64
    if a != b:
        assert protocol.replay_key(a, message) != protocol.replay_key(b, message)


codes = st.sampled_from(["HN.motcua", "BHXH.thu", "BCA.dancu"])
services = st.sampled_from(["population.person", "residence.record"])
purposes = st.sampled_from(["prefill", "dossier", "marketing"])
bases = st.sampled_from(["47/2020/ND-CP", "13/2023/ND-CP"])


@given(st.lists(st.tuples(codes, codes, services, st.dictionaries(purposes, bases, max_size=2)), max_size=6),
       codes, codes, services, purposes, bases)
def test_rights_deny_by_default_and_grant_exactly_what_is_listed(grants, consumer, provider, service, purpose,
                                                                 basis):
    rights = {(c, p, s): Right(c, p, s, d) for c, p, s, d in grants}
    reason = protocol.decide(rights, consumer, provider, service, purpose, basis)
    right = rights.get((consumer, provider, service))
    if right is None:
        assert reason == "no_right"
    elif purpose not in right.purposes:
        assert reason == "purpose_not_allowed"
    elif right.purposes[purpose] != basis:
        assert reason == "legal_basis_mismatch"
    else:
        assert reason is None


@pytest.mark.parametrize("make", [lambda: rsa.generate_private_key(65537, 2048),
                                  lambda: ec.generate_private_key(ec.SECP256R1())])
def test_signatures_verify_only_over_what_was_signed(make):
    key = make()
    alg = protocol.algorithm_for(key.public_key())
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    base = b'"@method": POST'
    der = key.sign(base, padding.PKCS1v15(), hashes.SHA256()) if alg.startswith("rsa") else \
        key.sign(base, ec.ECDSA(hashes.SHA256()))
    signature = protocol.raw_signature(alg, der)
    assert protocol.verify_signature(key.public_key(), alg, base, signature)
    assert not protocol.verify_signature(key.public_key(), alg, base + b" ", signature)
    assert not protocol.verify_signature(key.public_key(), alg, base, signature[:-1] + bytes([signature[-1] ^ 1]))


def test_every_reason_is_401_403_or_explained():
    for reason, (status, vi, en) in protocol.REASONS.items():
        assert status in (400, 401, 403, 404, 422, 502) and vi and en, reason
