"""The member directory (organisations, their systems, the services they publish, who may call what for which
purpose), the replay cache, and the message log kept at both ends of every call."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from motcua.core.chained import Chain, ChainedEntry


class Member(models.Model):
    """An organisation that takes part: a ministry, a province, an agency."""

    KINDS = [("ministry", "Bộ, ngành"), ("province", "Tỉnh, thành phố"), ("agency", "Cơ quan, tổ chức")]

    code = models.CharField(max_length=30, unique=True)  # e.g. "BCA", "BHXH", "HN"
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=10, choices=KINDS, default="agency")

    def __str__(self) -> str:
        return self.code


class System(models.Model):
    """A member's information system (an X-Road subsystem): it signs its calls and answers with its own key."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="systems")
    ident = models.CharField(max_length=61, unique=True)  # "<member code>.<system code>", e.g. "BCA.dancu"
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    address = models.URLField(blank=True)  # where it answers calls, e.g. https://dancu.example.gov.vn
    certificates = models.TextField(blank=True)  # PEM, one or more: the certificates its signatures may use

    def __str__(self) -> str:
        return self.ident


class Service(models.Model):
    """A service a system publishes, with the JSON Schemas of its request and its answer."""

    provider = models.ForeignKey(System, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=100)  # e.g. "population.person"
    title_vi = models.CharField(max_length=255)
    title_en = models.CharField(max_length=255, blank=True)
    request_schema = models.JSONField(default=dict, blank=True)
    response_schema = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "code"], name="unique_exchange_service")]

    def __str__(self) -> str:
        return f"{self.provider.ident}/{self.code}"


class AccessRight(models.Model):
    """A consumer system may call a service for the purposes listed, each with its legal basis. No row: no
    call (deny by default)."""

    consumer = models.ForeignKey(System, on_delete=models.CASCADE, related_name="rights")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rights")
    purposes = models.JSONField(default=dict)  # {"prefill": "47/2020/ND-CP", …}
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "service"], name="unique_exchange_right")]


class DirectoryState(models.Model):
    """One row: the directory's generation (every change counts it up, so each process's cached copy is
    renewed), the approved CAs, the revoked certificates, and where the directory came from (edited here, or
    the signed configuration file loaded, with its version)."""

    generation = models.PositiveIntegerField(default=0)
    trust_anchors = models.TextField(blank=True)  # PEM: the CAs whose certificates members' systems may use
    revoked = models.JSONField(default=list, blank=True)  # certificate serials (hex) revoked
    config_version = models.PositiveIntegerField(default=0)  # the loaded file's version, or the last exported
    config_issuer = models.CharField(max_length=255, blank=True)  # who signed the loaded file
    loaded_at = models.DateTimeField(null=True, blank=True)


class SeenMessage(models.Model):
    """The replay cache: a (consumer, message id) seen, kept until its signature would be too old anyway."""

    key = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)


class MessageLog(ChainedEntry):
    """Every call, at the consumer and at the provider, refusals included: who, which service, why, the
    digests of what was asked and answered, when, how it ended, and the signatures that prove it. Append-only,
    chained by hash in streams (role, counterpart, shard: appends to different streams never wait for each
    other), sealed by ``motcua audit seal`` and checked by ``motcua exchange verify-log``."""

    chain = Chain(stream="stream", title="exchange message log")

    stream = models.CharField(max_length=100)  # "<role>:<counterpart system>:<shard>"
    role = models.CharField(max_length=8)  # "consumer" | "provider"
    message_id = models.CharField(max_length=64)
    consumer = models.CharField(max_length=61)
    provider = models.CharField(max_length=61)
    service = models.CharField(max_length=100)
    purpose = models.CharField(max_length=100, blank=True)
    legal_basis = models.CharField(max_length=100, blank=True)
    case = models.CharField(max_length=100, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)  # SHA-256 (hex) of the request body
    response_digest = models.CharField(max_length=64, blank=True)  # SHA-256 (hex) of the answer's body
    request_signature = models.TextField(blank=True)  # Signature-Input and Signature, as received or sent
    response_signature = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=30)  # "ok" or the refusal's reason
    at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-at"]), models.Index(fields=["message_id"])]
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="unique_exchange_log_seq")]


# --- subscriptions to registry events (the publisher's side) ------------------------------------------------

class Subscription(models.Model):
    """A subscriber system receives this publisher's events of one topic (a registry outbox topic such as
    ``registry.person.died``) for one purpose, as long as a right to the service ``events.<topic>`` lets it
    (deny by default). Systems are named, not linked: a directory reloaded from its file keeps them."""

    subscriber = models.CharField(max_length=61)  # e.g. "BHXH.thu"
    topic = models.CharField(max_length=60)
    purpose = models.CharField(max_length=100)
    legal_basis = models.CharField(max_length=100)  # the right's, for that purpose, when subscribed
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "topic"], name="unique_exchange_subscription")]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.topic}"


class EventDelivery(models.Model):
    """One event to one subscriber: recorded in the outbox's transaction, sent apart under a lease, retried with
    doubling waits until MAX_ATTEMPTS, then failed (visible, retried on demand)."""

    STATUSES = [("pending", "pending"), ("sending", "sending"), ("sent", "sent"), ("failed", "failed")]

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.BigIntegerField()  # the outbox event's id: the receiver keeps each (publisher, id) once
    topic = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=STATUSES, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "event_id"], name="unique_exchange_delivery")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


# --- events received (the subscriber's side) ----------------------------------------------------------------

class ReceivedEvent(models.Model):
    """An event a publisher delivered, kept once (unique on publisher and event id): a delivery repeated — a
    retry whose answer was lost, a replay under a new message id — is acknowledged and not processed again."""

    publisher = models.CharField(max_length=61)
    event_id = models.BigIntegerField()
    topic = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(null=True, blank=True)
    purpose = models.CharField(max_length=100)
    message_id = models.CharField(max_length=64)  # of the call that brought it (the message log's entry)
    handled_by = models.JSONField(default=list)  # the local handlers that processed it
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publisher", "event_id"], name="unique_exchange_received")]
        indexes = [models.Index(fields=["topic", "-received_at"])]
