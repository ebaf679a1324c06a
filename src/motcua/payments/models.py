"""Payments of fees and charges, the gateway callbacks received (accepted or not), reconciliation runs,
and the bundled sandbox gateway's own ledger."""

from django.db import models
from django.utils import timezone

from motcua.core.chained import Chain, ChainedEntry
from motcua.payments import vnpay


class Payment(models.Model):
    """One attempt to pay what a dossier owes: online through a gateway, or cash at the counter."""

    STATUS_LABELS = {"pending": ("Chờ thanh toán", "Waiting for payment"), "paid": ("Đã thanh toán", "Paid"),
                     "failed": ("Không thành công", "Not completed")}
    METHOD_LABELS = {"online": ("Trực tuyến", "Online"), "cash": ("Tiền mặt tại bộ phận một cửa", "Cash at the counter")}

    reference = models.CharField(max_length=40, unique=True)  # vnp_TxnRef
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    # The payment request it pays: that request's entry (seq) in the dossier's journal.
    request_seq = models.PositiveIntegerField(null=True, blank=True)
    amount = models.PositiveBigIntegerField()
    method = models.CharField(max_length=10, choices=[(k, v[0]) for k, v in METHOD_LABELS.items()])
    gateway = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=[(k, v[0]) for k, v in STATUS_LABELS.items()], default="pending")
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    gateway_transaction_no = models.CharField(max_length=40, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    response_code = models.CharField(max_length=4, blank=True)
    # False when the money arrived but the dossier no longer waited for it (withdrawn meanwhile): to refund.
    applied = models.BooleanField(default=False)
    receipt = models.OneToOneField("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="payment")

    class Meta:
        indexes = [models.Index(fields=["gateway", "created_at"]), models.Index(fields=["dossier", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.status}"


class GatewayCallback(ChainedEntry):
    """Every callback a gateway (or someone pretending to be one) sent: kept whatever the verdict. Append-only,
    one chain for the table (callbacks are few next to registry reads)."""

    chain = Chain(stream=None, title="gateway callbacks")

    seq = models.PositiveIntegerField(unique=True)
    received_at = models.DateTimeField(default=timezone.now)  # known before the insert, which the digest covers
    channel = models.CharField(max_length=10)  # "ipn" | "return"
    reference = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=dict)
    signature_valid = models.BooleanField()
    answer_code = models.CharField(max_length=4)
    answer = models.CharField(max_length=100)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)


class ReconciliationRun(models.Model):
    """A day's online payments checked one by one against the gateway's own records."""

    day = models.DateField()
    gateway = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    mismatches = models.JSONField(default=list)  # [{"reference", "kind", "ours", "gateway"}]

    class Meta:
        indexes = [models.Index(fields=["-day", "gateway"])]


class SandboxTransaction(models.Model):
    """The bundled sandbox gateway's ledger: what "the bank" says happened (for demo and tests)."""

    tmn_code = models.CharField(max_length=20)
    txn_ref = models.CharField(max_length=100)
    amount = models.PositiveBigIntegerField()  # in đồng
    order_info = models.CharField(max_length=255)
    transaction_no = models.CharField(max_length=20, unique=True)
    response_code = models.CharField(max_length=4)
    bank_code = models.CharField(max_length=20)
    pay_date = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tmn_code", "txn_ref"], name="unique_sandbox_txn_ref")]

    @property
    def transaction_status(self) -> str:
        """vnp_TransactionStatus: 00 paid, 02 not paid (cancelled or failed)."""
        return vnpay.SUCCESS if self.response_code == vnpay.SUCCESS else "02"


class FeeSchedule(models.Model):
    """One imported version of a province's (or a ministry's) fee schedule. Versions are kept, never changed:
    a dossier is charged by the version that was current when it was submitted, whatever is imported later."""

    authority = models.CharField(max_length=35)  # a province's code, or a ministry's agency code
    number = models.PositiveIntegerField()
    document = models.JSONField()  # the schedule as a mapping (payments.schedules.to_document)
    digest = models.CharField(max_length=64)
    source = models.CharField(max_length=255, blank=True)  # the file it came from
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "number"], name="unique_fee_schedule_version")]
        indexes = [models.Index(fields=["authority", "-imported_at"])]

    def __str__(self) -> str:
        return f"{self.authority} v{self.number}"
