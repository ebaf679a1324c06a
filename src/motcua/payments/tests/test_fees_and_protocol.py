"""Fee rules and the VNPay protocol, without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.spec import Fees
from motcua.payments import fees, vnpay

FEES = Fees(counter=15000, online=7000, exemptions=("Người có công với cách mạng",))
SECRET = "test-secret"


@pytest.mark.parametrize(("channel", "exemption", "amount", "basis"), [
    ("online", "", 7000, "online"), ("counter", "", 15000, "counter"), ("post", "", 15000, "counter"),
    ("online", "Người có công với cách mạng", 0, "exempt"),
])
def test_quote(channel, exemption, amount, basis):
    q = fees.quote(FEES, channel, exemption)
    assert (q.amount, q.basis, q.owed) == (amount, basis, amount > 0)


def test_zero_fee_online_policy_owes_nothing():
    assert not fees.quote(Fees(counter=75000, online=0), "online").owed


def test_unknown_exemption_is_refused():
    with pytest.raises(fees.UnknownExemption):
        fees.quote(FEES, "online", "made up")


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"), (15, "Mười lăm đồng"), (21, "Hai mươi mốt đồng"), (7000, "Bảy nghìn đồng"),
    (24000, "Hai mươi tư nghìn đồng"), (135000, "Một trăm ba mươi lăm nghìn đồng"),
    (200000, "Hai trăm nghìn đồng"), (1005000, "Một triệu không trăm linh năm nghìn đồng"),
    (2000000000, "Hai tỷ đồng"),
])
def test_amount_in_words(amount, words):
    assert fees.in_words(amount) == words


def signed(**overrides):
    params = {"vnp_Amount": "20000000", "vnp_TxnRef": "H01STP2611240001T01", "vnp_ResponseCode": "00",
              "vnp_OrderInfo": "Thanh toan ho so H01.STP-261124-0001", "vnp_TmnCode": "MOTCUA01"}
    params.update(overrides)
    params["vnp_SecureHash"] = vnpay.sign(params, SECRET)
    return params


def test_signature_round_trip_and_tampering():
    params = signed()
    assert vnpay.verify(params, SECRET)
    assert not vnpay.verify({**params, "vnp_Amount": "100"}, SECRET)
    assert not vnpay.verify(params, "another secret")
    assert not vnpay.verify({k: v for k, v in params.items() if k != "vnp_SecureHash"}, SECRET)


def test_hash_data_is_sorted_urlencoded_and_skips_empty_and_hash_fields():
    data = vnpay.hash_data({"vnp_b": "a b", "vnp_a": "Hồ sơ/1", "vnp_c": "", "vnp_SecureHash": "x", "other": "1"})
    assert data == "vnp_a=H%E1%BB%93+s%C6%A1%2F1&vnp_b=a+b"


@given(st.dictionaries(st.from_regex(r"vnp_[A-Za-z]{1,12}", fullmatch=True), st.text(min_size=1, max_size=30),
                       min_size=1, max_size=8))
def test_any_parameters_survive_the_url(params):
    from urllib.parse import parse_qsl, urlsplit

    params.pop("vnp_SecureHash", None), params.pop("vnp_SecureHashType", None)
    url = vnpay.payment_url("https://gateway/pay", params, SECRET)
    back = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    assert vnpay.verify(back, SECRET)
