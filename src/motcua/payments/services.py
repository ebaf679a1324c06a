"""Fees owed by dossiers, online payment through the gateway plug-in, idempotent confirmation of the
gateway's callbacks, cash at the counter, receipts, and daily reconciliation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Agency
from motcua.catalog.spec import ProcedureSpec
from motcua.core.errors import Conflict, FieldError, MotcuaError, Unavailable
from motcua.documents.issuing import issue
from motcua.documents.signing import agency_seal
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import LOCAL_TZ, DossierState, LifecycleError, Status
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Actor
from motcua.payments import fee_schedules, fees
from motcua.payments.gateways import GATEWAYS, GatewayError, Outcome, PaymentGateway
from motcua.payments.models import GatewayCallback, Payment, ReconciliationRun
from motcua.payments.receipt import render_receipt

log = logging.getLogger(__name__)
GATEWAY_ACTOR = Actor("system", "payment-gateway", "Cổng thanh toán trực tuyến")


class PaymentError(Conflict):
    """Online payment refused: by someone other than the applicant (403), or with nothing due (409)."""


def gateway() -> PaymentGateway:
    return GATEWAYS[settings.PAYMENTS["GATEWAY"]]()


def fee_quote(dossier: Dossier, exemption: str = "") -> fees.FeeQuote:
    """What the dossier owes by the fee rules in force at its submission (see ``fee_schedules``)."""
    return fee_schedules.dossier_quote(dossier, exemption)


def payment_reference(code: str, method: str, attempt: int) -> str:
    """``<dossier code without punctuation><T online | C cash><attempt>``: unique, readable, gateway-safe."""
    return f"{code.replace('.', '').replace('-', '')}{'T' if method == 'online' else 'C'}{attempt:02d}"


def _reference(dossier: Dossier, method: str) -> str:
    return payment_reference(dossier.code, method, Payment.objects.filter(dossier=dossier).count() + 1)


def start_online_payment(dossier: Dossier, state: DossierState, citizen: Actor) -> Payment:
    """A new payment attempt for what the dossier owes now (a failed or abandoned attempt is left as is)."""
    if not state.acts_for_applicant(citizen):  # the applicant, or who filed for them
        raise PaymentError("not_applicant", "Chỉ người nộp hồ sơ được thanh toán trực tuyến.",
                           "Only the applicant may pay online.", status=403)
    if state.status != Status.FINANCIAL_OBLIGATION or state.fee_due <= 0:
        raise PaymentError("nothing_due", "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.",
                           "The dossier is not waiting for a payment.")
    if gateway().unavailable():
        raise Unavailable("payment_unavailable", "Hiện chưa thể thanh toán trực tuyến; vui lòng nộp phí tại bộ phận "
                          "một cửa.", "Online payment is not available; please pay the fee at the one-stop counter.")
    with transaction.atomic():
        attempts = Payment.objects.select_for_update().filter(dossier=dossier)
        if attempts.filter(request_seq=state.fee_request, status="paid").exists():
            raise PaymentError("already_paid", "Khoản này đã được thanh toán.", "This has already been paid.")
        return Payment.objects.create(
            reference=_reference(dossier, "online"), dossier=dossier, request_seq=state.fee_request,
            amount=state.fee_due, method="online", gateway=settings.PAYMENTS["GATEWAY"], created_at=timezone.now())


@dataclass(frozen=True)
class Confirmation:
    outcome: Outcome
    payment: Payment | None = None


def confirm(params: dict[str, str], channel: str, remote_addr: str | None = None) -> Confirmation:
    """Apply a gateway callback (IPN, or the browser's return): checked signature, known order, exact amount,
    and at most once: a repeated or late callback never credits twice. Every callback is logged."""
    chosen = gateway()
    result = chosen.parse_callback(params)
    payment = None
    if not result.signature_valid:
        outcome = Outcome.INVALID_SIGNATURE
        log.warning("payment callback with an invalid signature", extra={"reference": result.reference,
                                                                          "callback_address": remote_addr})
    else:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().select_related("dossier").filter(
                reference=result.reference).first()
            if payment is None:
                outcome = Outcome.ORDER_NOT_FOUND
            elif result.amount != payment.amount:
                outcome = Outcome.INVALID_AMOUNT
                log.warning("payment %s: callback amount %s differs from %s", payment.reference, result.amount,
                            payment.amount)
            elif payment.status != "pending":
                outcome = Outcome.ALREADY_CONFIRMED
            else:
                _settle(payment, result)
                outcome = Outcome.CONFIRMED
    code, message = chosen.answer(outcome)  # logged in the gateway's own words, as it was answered
    GatewayCallback.objects.create(channel=channel, reference=result.reference[:100], params=dict(params),
                                   signature_valid=result.signature_valid, answer_code=code, answer=message,
                                   remote_addr=remote_addr)
    return Confirmation(outcome, payment)


def _settle(payment: Payment, result) -> None:
    payment.gateway_transaction_no, payment.bank_code = result.transaction_no, result.bank_code
    payment.response_code = result.response_code
    if not result.success:
        payment.status = "failed"
        payment.save()
        return
    payment.status, payment.paid_at = "paid", result.paid_at or timezone.now()
    payment.save()
    try:
        with transaction.atomic():
            dossiers.act(payment.dossier.code, "pay", GATEWAY_ACTOR,
                         data={"amount": payment.amount, "method": "online", "payment": payment.reference})
    except LifecycleError as exc:  # the dossier stopped waiting (withdrawn): the money is to be refunded
        log.warning("payment %s received but not applied: %s", payment.reference, exc.en)


@dossiers.submission_data
def _fee_claim(sub: dossiers.Submission, spec: ProcedureSpec, agency: Agency, now: datetime
               ) -> tuple[dict, list[FieldError]]:
    """The exemption or reduction the applicant claims when filing: one the rules in force that day for the
    competent agency list, with the file proving it when the rule names a proof. Recorded with the submission
    for the official to check; the fee is asked on what the official accepts."""
    proofs = [f for f in sub.files if f.evidence_code == dossiers.FEE_CLAIM_PROOF]
    if not sub.fee_claim:
        return {}, [FieldError(f"evidence.{dossiers.FEE_CLAIM_PROOF}", "no_claim", "Tệp chứng minh miễn, giảm nhưng chưa chọn "
                               "trường hợp miễn, giảm.", "A proof file was attached, but no exemption or reduction "
                               "was chosen.")] if proofs else []
    schedule = fee_schedules.current_schedule(fee_schedules.authority_of(agency), now)
    day = now.astimezone(LOCAL_TZ).date()
    claimed = next((r for r in fee_schedules.reliefs_in_force(spec, schedule, day) if r.code == sub.fee_claim), None)
    if claimed is None:
        return {}, [FieldError("fee_claim", "unknown_exemption", "Trường hợp miễn, giảm không có trong quy định "
                               "áp dụng cho thủ tục tại nơi giải quyết hồ sơ.", "This exemption or reduction is not "
                               "one the fee rules in force where the dossier is decided list.")]
    if claimed.proof_vi and not proofs:
        return {}, [FieldError(f"evidence.{dossiers.FEE_CLAIM_PROOF}", "file_required",
                               f"Vui lòng đính kèm giấy tờ chứng minh: {claimed.proof_vi}.",
                               f"Please attach the proof: {claimed.proof_en}.")]
    return {"fee_claim": claimed.code}, []


@dossiers.action_data("request_payment")
def _fee_from_the_rules(dossier: Dossier, state: DossierState, actor: Actor, data: dict) -> dict:
    """The official asks for the fee the rules in force at submission set for this dossier's channel, never a
    typed amount, and once: not while it is awaited, nor once paid. An exemption the rules list (its proof
    checked by the official) means nothing is owed, so nothing is asked; a reduction lowers what is asked.
    The applicant's claim applies unless the official names another relief, or none ("": the claim refused).
    (Refused here, when asked, not in the lifecycle rules, which also fold journals written before.)"""
    if not dossiers.can_read(actor, dossier, state):
        return data  # the lifecycle rules refuse them; they learn nothing of the dossier's fee here
    if state.status == Status.FINANCIAL_OBLIGATION:
        raise Conflict("fee_already_requested", "Phí, lệ phí của hồ sơ đã được yêu cầu và đang chờ nộp.",
                       "The fee for this dossier has already been requested and is awaiting payment.")
    if state.fee_paid:
        raise Conflict("fee_already_paid", "Hồ sơ đã nộp phí, lệ phí; không yêu cầu nộp lại.",
                       "The fee for this dossier has been paid; it is not asked again.")
    claim = fee_schedules.claimed_relief(dossier)
    quote = fee_quote(dossier, data.get("exemption", claim))
    if not quote.owed:
        raise LifecycleError("nothing_owed", "Hồ sơ này không phải nộp phí, lệ phí.",
                             "Nothing is owed for this dossier.", "exemption", status=409)
    return payment_request(quote, claim)


def payment_request(quote: fees.FeeQuote, claim: str = "") -> dict:
    """What a payment request records: the amount the rules set and why (the relief applied, whose schedule,
    the applicant's claim the official refused)."""
    return {"amount": quote.amount, "fee_basis": quote.basis, **({"exemption": quote.exemption} if quote.exemption
                                                                 else {}),
            **({"fee_authority": quote.authority} if quote.authority else {}),
            **({"fee_claim_refused": claim} if claim and claim != quote.exemption else {})}


@dossiers.action_data("pay")
def _cash_owed(dossier: Dossier, state: DossierState, actor: Actor, data: dict) -> dict:
    """Cash at the counter is exactly what is owed; online payments are confirmed by the gateway (system)."""
    if actor.kind == "official":
        return {"amount": state.fee_due, "method": "cash"}
    return data


@dossiers.on_action("pay")
def _record_payment(recorded: dossiers.Recorded) -> None:
    """Each accepted "pay" action: the payment is applied and a signed receipt is issued."""
    dossier, action = recorded.dossier, recorded.action
    reference = action.data.get("payment")
    payment = Payment.objects.filter(reference=reference).first() if reference else None
    if payment is None:  # cash taken at the counter
        payment = Payment.objects.create(
            reference=_reference(dossier, "cash"), dossier=dossier, request_seq=recorded.state.fee_request,
            amount=action.data["amount"], method="cash", status="paid", created_at=action.at, paid_at=action.at)
    agency = dossier.agency
    payment.applied = True
    payment.receipt = issue(
        dossier, "receipt", "bien_lai_thu_phi", ("Biên lai thu phí, lệ phí", "Receipt of fees and charges"),
        agency, action.at, agency.name_vi, [agency_seal(agency, f"Biên lai thu phí, lệ phí hồ sơ {dossier.code}")],
        lambda draft: render_receipt(dossier, payment, draft))
    payment.save()


# --- reconciliation ------------------------------------------------------------------------------------

def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, LOCAL_TZ)
    return start, start + timedelta(days=1)


def reconcile(day: date, progress=None) -> ReconciliationRun:
    """Check every online payment created on ``day`` against the gateway's record of it."""
    chosen = gateway()
    start, end = local_day_bounds(day)
    run = ReconciliationRun.objects.create(day=day, gateway=chosen.key, started_at=timezone.now())
    payments = list(Payment.objects.filter(method="online", gateway=chosen.key, created_at__gte=start,
                                           created_at__lt=end).order_by("created_at"))
    mismatches = []
    for i, payment in enumerate(payments, 1):
        try:
            record = chosen.query(payment)
        except GatewayError as exc:
            mismatches.append(_mismatch(payment, "gateway_error", str(exc)))
        else:
            kind = _compare(payment, record) or _against_the_rules(payment)
            if kind:
                mismatches.append(_mismatch(payment, kind, {"found": record.found, "paid": record.paid,
                                                            "amount": record.amount,
                                                            "transaction_no": record.transaction_no}))
        if progress:
            progress(i, len(payments))
    run.checked, run.matched, run.mismatches = len(payments), len(payments) - len(mismatches), mismatches
    run.finished_at = timezone.now()
    run.save()
    return run


def _compare(payment: Payment, record) -> str:
    if record.found and record.amount is not None and record.amount != payment.amount:
        return "amount_mismatch"
    if payment.status == "paid" and not (record.found and record.paid):
        return "credited_not_paid_at_gateway"
    if payment.status != "paid" and record.found and record.paid:
        return "paid_at_gateway_not_credited"
    if payment.status == "paid" and not payment.applied:
        return "paid_not_applied"
    return ""


def _against_the_rules(payment: Payment) -> str:
    """A payment whose amount is not what the fee rules in force at the dossier's submission ask (with the
    exemption or reduction recorded in the request): asked by hand, or under rules since corrected."""
    try:
        owed = fee_schedules.requested_quote(payment.dossier, payment.request_seq).amount
    except MotcuaError:
        return "fee_rule_mismatch"
    return "" if owed == payment.amount else "fee_rule_mismatch"


def _mismatch(payment: Payment, kind: str, gateway_side) -> dict:
    return {"reference": payment.reference, "dossier": payment.dossier.code, "kind": kind,
            "ours": {"status": payment.status, "amount": payment.amount,
                     "transaction_no": payment.gateway_transaction_no}, "gateway": gateway_side}
