"""Gateway callbacks chained by hash (one chain), and append-only in the database; the callbacks already
logged are numbered in the order they were received and chained as they stand."""

from django.db import migrations, models
from django.utils import timezone

from motcua.core.chained import append_only, chain_existing


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_payment_request")]

    operations = [
        migrations.AlterField("gatewaycallback", "received_at", models.DateTimeField(default=timezone.now)),
        migrations.AddField("gatewaycallback", "seq", models.PositiveIntegerField(default=0), preserve_default=False),
        migrations.AddField("gatewaycallback", "prev_digest",
                            models.CharField(default="", editable=False, max_length=64), preserve_default=False),
        migrations.AddField("gatewaycallback", "digest", models.CharField(default="", editable=False, max_length=64),
                            preserve_default=False),
        chain_existing("payments", "GatewayCallback", stream=None),
        migrations.AlterField("gatewaycallback", "seq", models.PositiveIntegerField(unique=True)),
        append_only("payments_gatewaycallback"),
    ]
