from django.db import models


class OutboxEvent(models.Model):
    """The one outbox: events written in the same transaction as the change they describe, then handed to
    consumers (the index roll-ups; a relay to NATS or Kafka when the deployment has one) at least once."""

    id = models.BigAutoField(primary_key=True)
    topic = models.CharField(max_length=50)
    key = models.CharField(max_length=100)  # what changed, e.g. a dossier code: consumers may coalesce by key
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["id"], name="outbox_pending", condition=models.Q(processed_at__isnull=True))]


class OutboxCursor(models.Model):
    """How far consumers have got: a cheap "has anything changed?" for live pages."""

    name = models.CharField(max_length=50, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
