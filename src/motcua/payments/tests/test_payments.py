"""Online payment end to end with the sandbox gateway's protocol: idempotent IPN, forged and replayed
callbacks, the citizen's return, cash at the counter, receipts and reconciliation."""

from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.errors import Conflict, Unavailable
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_citizen, official_actor, sample_submission
from motcua.documents import signing
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import LifecycleError, Status
from motcua.identity.actors import Role, citizen_actor
from motcua.payments import sandbox, services
from motcua.payments.models import GatewayCallback, Payment, ReconciliationRun, SandboxTransaction
from motcua.payments.sandbox import callback_params

AN = DEMO_CITIZENS[0]
FEE = 200000  # judicial record certificate (3.000333)


def citizen():
    return citizen_actor(AN.id_number, AN.name, 2)


def owing(channel="online"):
    """A judicial-record dossier at the specialist, who asks for the fee."""
    spec = spec_of(Procedure.objects.get(code="3.000333").current_version)
    dossier, _ = dossiers.submit(sample_submission(spec), citizen())
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    dossiers.act(dossier.code, "receive", receiver)
    dossiers.act(dossier.code, "forward", receiver)
    dossiers.act(dossier.code, "request_payment", official_actor(dossier.agency.code, Role.SPECIALIST))
    dossier = dossiers.get_dossier(dossier.code)
    return dossier, dossiers.state_of(dossier)


def gateway_says(payment, code="00", amount=None, transaction_no="14000001", secret=sandbox.HASH_SECRET,
                 tmn_code=sandbox.MERCHANT_CODE):
    """The sandbox gateway's callback for a payment (the gateway the tests pay through)."""
    txn = SandboxTransaction(tmn_code=tmn_code, txn_ref=payment.reference,
                             amount=payment.amount if amount is None else amount, order_info="Thanh toan",
                             transaction_no=transaction_no, response_code=code, bank_code="NCB",
                             pay_date=timezone.now())
    return callback_params(txn, secret)


@pytest.fixture
def payment(seeded):
    dossier, state = owing()
    return services.start_online_payment(dossier, state, citizen())


def ipn(client, params):
    return client.get("/thanh-toan/ipn/", params).json()


def test_the_fee_comes_from_the_catalog_and_pauses_the_clock(seeded):
    dossier, state = owing()
    assert state.status == Status.FINANCIAL_OBLIGATION and state.fee_due == FEE
    assert dossier.paused


def test_nothing_owed_is_never_asked(seeded):
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)  # construction permit: 0 online
    dossier, _ = dossiers.submit(sample_submission(spec), citizen())
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    dossiers.act(dossier.code, "receive", receiver)
    with pytest.raises(LifecycleError) as exc:
        dossiers.act(dossier.code, "request_payment", receiver)
    assert exc.value.code == "nothing_owed"


def ask_again(dossier, amount, monkeypatch):
    """A second payment request as the journal may hold it from before a fee was asked once (the catalog's
    rule for the fee, which now refuses it, is set aside)."""
    with monkeypatch.context() as before_the_fix:
        before_the_fix.delitem(dossiers.ACTION_DATA, "request_payment")
        return dossiers.act(dossier.code, "request_payment", official_actor(dossier.agency.code, Role.SPECIALIST),
                            data={"amount": amount})


def test_a_fee_is_asked_once_not_while_awaited_nor_once_paid(client, payment):
    dossier = payment.dossier
    specialist = official_actor(dossier.agency.code, Role.SPECIALIST)
    with pytest.raises(Conflict) as awaited:
        dossiers.act(dossier.code, "request_payment", specialist)
    assert (awaited.value.code, awaited.value.status) == ("fee_already_requested", 409)
    ipn(client, gateway_says(payment))
    with pytest.raises(Conflict) as paid:
        dossiers.act(dossier.code, "request_payment", specialist)
    assert (paid.value.code, paid.value.status) == ("fee_already_paid", 409)
    assert paid.value.vi and paid.value.en and paid.value.vi != paid.value.en
    with pytest.raises(dossiers.NotYours) as outsider:  # told nothing of a dossier not theirs
        dossiers.act(dossier.code, "request_payment", official_actor("H01.STP", Role.SPECIALIST))
    assert outsider.value.status == 403
    assert dossier.actions.filter(kind="request_payment").count() == 1
    assert dossiers.state_of(dossiers.get_dossier(dossier.code)).status == Status.PROCESSING


def test_already_paid_means_this_request_paid_not_the_same_amount(client, payment, monkeypatch):
    ipn(client, gateway_says(payment))
    dossier, state = ask_again(payment.dossier, FEE, monkeypatch)  # the same amount, another request
    again = services.start_online_payment(dossier, state, citizen())
    assert (again.amount, again.request_seq) == (FEE, state.fee_request) and payment.request_seq < state.fee_request
    assert ipn(client, gateway_says(again, transaction_no="14000002"))["RspCode"] == "00"
    state = dossiers.state_of(dossiers.get_dossier(dossier.code))
    assert (state.fee_paid, state.fee_paid_online) == (2 * FEE, 2 * FEE)


def test_ipn_credits_once_and_issues_a_signed_receipt(client, payment):
    assert ipn(client, gateway_says(payment)) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.applied and payment.gateway_transaction_no == "14000001"
    dossier = dossiers.get_dossier(payment.dossier.code)
    state = dossiers.state_of(dossier)
    assert state.status == Status.PROCESSING and state.fee_paid == FEE and state.paid_online
    receipt = payment.receipt
    assert receipt.kind == "receipt" and signing.verify_pdf(receipt.file.read()).valid
    # the same notification again, and the browser's return with it: no second credit
    assert ipn(client, gateway_says(payment))["RspCode"] == "02"
    assert dossier.actions.filter(kind="pay").count() == 1
    assert dossiers.state_of(dossiers.get_dossier(dossier.code)).fee_paid == FEE


def test_a_late_failure_notice_does_not_undo_a_payment(client, payment):
    ipn(client, gateway_says(payment))
    assert ipn(client, gateway_says(payment, code="24"))["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_a_cancelled_payment_leaves_the_dossier_owing_and_a_new_attempt_is_possible(client, payment):
    assert ipn(client, gateway_says(payment, code="24"))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == "failed"
    assert ipn(client, gateway_says(payment))["RspCode"] == "02"  # a success after the failure: refused
    dossier = dossiers.get_dossier(payment.dossier.code)
    state = dossiers.state_of(dossier)
    assert state.status == Status.FINANCIAL_OBLIGATION
    again = services.start_online_payment(dossier, state, citizen())
    assert again.reference != payment.reference and again.amount == FEE


def test_forged_signature_is_refused_and_logged(client, payment):
    forged = gateway_says(payment, secret="not the merchant secret")
    assert ipn(client, forged) == {"RspCode": "97", "Message": "Invalid signature"}
    tampered = {**gateway_says(payment), "vnp_Amount": "100"}
    assert ipn(client, tampered)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == "pending"
    logged = GatewayCallback.objects.filter(reference=payment.reference, signature_valid=False)
    assert logged.count() == 2 and {c.answer_code for c in logged} == {"97"}


def test_behind_the_proxy_the_callback_records_the_gateways_address(client, payment, settings):
    # what MOTCUA_PROXY_COUNT=1 sets: the proxy appends the address it saw to X-Forwarded-For
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    client.get("/thanh-toan/ipn/", gateway_says(payment), REMOTE_ADDR="10.0.0.2",
               HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert GatewayCallback.objects.get(reference=payment.reference).remote_addr == "203.0.113.5"


def test_wrong_amount_and_unknown_order(client, payment):
    assert ipn(client, gateway_says(payment, amount=FEE - 1000))["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.status == "pending"
    payment.reference = "NOSUCHORDER"
    assert ipn(client, gateway_says(payment))["RspCode"] == "01"


def test_garbage_ipn_gets_an_answer_not_an_error(client, seeded):
    assert ipn(client, {"vnp_Amount": "abc"})["RspCode"] == "97"
    assert ipn(client, {})["RspCode"] == "97"


def test_only_the_applicant_pays_and_only_when_owing(seeded):
    dossier, state = owing()
    with pytest.raises(services.PaymentError):
        services.start_online_payment(dossier, state, citizen_actor(DEMO_CITIZENS[1].id_number))
    spec = spec_of(Procedure.objects.get(code="3.000333").current_version)
    fresh, _ = dossiers.submit(sample_submission(spec), citizen())
    with pytest.raises(services.PaymentError):
        services.start_online_payment(fresh, dossiers.state_of(fresh), citizen())


def test_without_a_gateway_online_payment_is_unavailable_and_nothing_is_recorded(seeded, settings):
    settings.SANDBOX_GATEWAY = False  # no gateway URLs either: fees are paid at the counter
    dossier, state = owing()
    with pytest.raises(Unavailable) as refused:
        services.start_online_payment(dossier, state, citizen())
    assert refused.value.status == 503 and "bộ phận một cửa" in refused.value.vi
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_the_return_url_credits_when_the_ipn_is_lost(client, payment):
    log_in_citizen(client, AN)
    page = client.get("/thanh-toan/ket-qua/", gateway_says(payment))
    assert page.status_code == 302 and page["Location"].endswith(f"/ho-so/{payment.dossier.code}/")
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert GatewayCallback.objects.get(reference=payment.reference).channel == "return"


def test_sandbox_page_checks_the_merchant_signature(client, payment):
    url = services.gateway().payment_url(payment, "http://testserver/thanh-toan/ket-qua/", "127.0.0.1", "vi")
    path = url.split("testserver")[-1] if url.startswith("http") else url
    page = client.get(path)
    assert page.status_code == 200 and "200.000" in page.content.decode()
    assert client.get(path.replace("vnp_Amount=20000000", "vnp_Amount=100")).status_code == 400


def test_the_sandbox_gateway_is_not_served_outside_the_demo(client, payment, settings):
    settings.SANDBOX_GATEWAY = False
    url = services.gateway().payment_url(payment, "http://testserver/thanh-toan/ket-qua/", "127.0.0.1", "vi")
    assert client.get(url).status_code == 404
    assert client.post("/sandbox-gateway/merchant_webapi/api/transaction", {},
                       content_type="application/json").status_code == 404
    assert not SandboxTransaction.objects.exists()


REAL_GATEWAY = {"TMN_CODE": "HCM00001", "HASH_SECRET": "the merchant's own secret",
                "PAY_URL": "https://pay.vnpay.example/paymentv2/vpcpay.html",
                "API_URL": "https://merchant.vnpay.example/merchant_webapi/api/transaction"}


def test_the_sandbox_never_credits_a_server_set_up_for_the_real_gateway(client, payment, settings):
    settings.PAYMENTS = {**settings.PAYMENTS, **REAL_GATEWAY}
    # The citizen takes the payment request signed for the real gateway to the sandbox's page instead:
    # the sandbox knows only its own merchant, so it refuses it.
    real_url = services.gateway().payment_url(payment, "http://testserver/thanh-toan/ket-qua/", "127.0.0.1", "vi")
    signed_for_the_real_gateway = dict(parse_qsl(real_url.split("?", 1)[1]))
    sandbox_page = "/sandbox-gateway/paymentv2/vpcpay.html"
    assert client.get(sandbox_page, signed_for_the_real_gateway).status_code == 400
    assert client.post(sandbox_page, {**signed_for_the_real_gateway, "decision": "pay"}).status_code == 400
    assert not SandboxTransaction.objects.exists()
    # What the sandbox signs does not verify against the real merchant's settings, under either merchant code.
    for tmn_code in (sandbox.MERCHANT_CODE, REAL_GATEWAY["TMN_CODE"]):
        assert ipn(client, gateway_says(payment, tmn_code=tmn_code))["RspCode"] == "97"
        assert client.get("/thanh-toan/ket-qua/", gateway_says(payment, tmn_code=tmn_code)).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert dossiers.state_of(dossiers.get_dossier(payment.dossier.code)).status == Status.FINANCIAL_OBLIGATION
    # the real gateway's own notification is credited
    assert ipn(client, gateway_says(payment, secret=REAL_GATEWAY["HASH_SECRET"],
                                    tmn_code=REAL_GATEWAY["TMN_CODE"]))["RspCode"] == "00"


def test_cash_at_the_counter_issues_a_receipt(seeded):
    dossier, state = owing()
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    dossiers.act(dossier.code, "pay", receiver, data={"amount": FEE, "method": "cash"})
    cash = Payment.objects.get(dossier=dossier)
    assert cash.method == "cash" and cash.status == "paid" and cash.receipt is not None
    assert cash.request_seq == state.fee_request


def test_a_payment_for_a_withdrawn_dossier_is_flagged_for_refund(client, payment):
    dossiers.act(payment.dossier.code, "withdraw", citizen(), "Không cần nữa")
    assert ipn(client, gateway_says(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == "paid" and not payment.applied


@pytest.mark.django_db(transaction=True)
def test_reconciliation_against_the_sandbox_ledger(live_server, settings, seeded, client):
    settings.PUBLIC_URL = live_server.url  # where the sandbox's querydr API is reached
    made = []
    for _ in range(4):
        dossier, state = owing()
        made.append(services.start_online_payment(dossier, state, citizen()))
    credited, lost_ipn, never_paid, wrong_amount = made
    for p, number in ((credited, "1"), (lost_ipn, "2"), (wrong_amount, "3")):
        SandboxTransaction.objects.create(tmn_code=sandbox.MERCHANT_CODE, txn_ref=p.reference,
                                          amount=p.amount - (1000 if p is wrong_amount else 0), order_info="x",
                                          transaction_no=f"1500000{number}", response_code="00", bank_code="NCB",
                                          pay_date=timezone.now())
    ipn(client, gateway_says(credited))
    progress = []
    run = services.reconcile(timezone.localdate(), progress=lambda i, n: progress.append((i, n)))
    kinds = {m["reference"]: m["kind"] for m in run.mismatches}
    assert kinds == {lost_ipn.reference: "paid_at_gateway_not_credited", wrong_amount.reference: "amount_mismatch"}
    assert (run.checked, run.matched) == (4, 2) and progress[-1] == (4, 4)
    assert never_paid.reference not in kinds
    assert ReconciliationRun.objects.count() == 1
    # a day without payments
    empty = services.reconcile(timezone.localdate() - timedelta(days=3))
    assert (empty.checked, empty.mismatches) == (0, [])
