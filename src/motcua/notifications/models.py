"""Citizens' choices, the messages events become (the inbox), and one delivery per message and channel."""

from django.db import models
from django.utils import timezone


class Preference(models.Model):
    """A citizen's choice: the channels besides the inbox (which always receives), the language of messages, and
    the addresses to use instead of those on each dossier."""

    id_number = models.CharField(max_length=12, unique=True)
    channels = models.JSONField(default=list)
    language = models.CharField(max_length=2, default="vi")
    email = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class Message(models.Model):
    """What one event says to one recipient, in both languages (the inbox shows the reader's; e-mail and SMS use
    the recipient's). At most one per (event, recipient)."""

    event_id = models.BigIntegerField()  # the outbox event
    topic = models.CharField(max_length=50)
    kind = models.CharField(max_length=40)  # the template: received, supplement_requested, fee_due, …
    recipient = models.CharField(max_length=160)  # "citizen:<ID number>" | "official:<username>"
    dossier_code = models.CharField(max_length=60, blank=True)
    link = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=2, default="vi")
    subject_vi = models.CharField(max_length=255)
    subject_en = models.CharField(max_length=255)
    body_vi = models.TextField()
    body_en = models.TextField()
    sms_vi = models.CharField(max_length=480, blank=True)
    sms_en = models.CharField(max_length=480, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "recipient"], name="one_message_per_event_recipient")]
        indexes = [models.Index(fields=["recipient", "-created_at"]), models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"

    def subject(self, language: str) -> str:
        return self.subject_en if language == "en" else self.subject_vi

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_vi


class Delivery(models.Model):
    """A message sent through one channel to one address: at most once per (event, channel, recipient). A worker
    claims it (``sending``, until ``lease_until``), sends it and marks it ``sent``; a worker that dies leaves the
    lease to expire and the delivery is claimed again. A transient failure waits (doubling) before the next
    attempt; a permanent one, or the last attempt, leaves it ``failed`` for the operators."""

    STATUSES = [("pending", "Chờ gửi"), ("sending", "Đang gửi"), ("sent", "Đã gửi"), ("failed", "Không gửi được")]

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    address = models.CharField(max_length=255)  # e-mail address, phone number, the recipient itself (inbox)
    status = models.CharField(max_length=10, choices=STATUSES, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    reference = models.CharField(max_length=255, blank=True)  # what the channel calls it (the Message-ID…)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "channel"], name="one_delivery_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} #{self.pk}"


class Reminder(models.Model):
    """An alert raised by the passing of time rather than by an action (a dossier not received in time): once."""

    dossier_code = models.CharField(max_length=60)
    kind = models.CharField(max_length=40)
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier_code", "kind"], name="one_reminder_per_dossier_kind")]
