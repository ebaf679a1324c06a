"""The access log chained by hash per person, and append-only in the database; the entries already written
are numbered per person in the order they were written and chained as they stand."""

from django.db import migrations, models
from django.utils import timezone

from motcua.core.chained import append_only, chain_existing


class Migration(migrations.Migration):
    dependencies = [("registries", "0004_accesslog_within_record_of")]

    operations = [
        migrations.AlterField("accesslog", "at", models.DateTimeField(default=timezone.now)),
        migrations.AddField("accesslog", "seq", models.PositiveIntegerField(default=0), preserve_default=False),
        migrations.AddField("accesslog", "prev_digest", models.CharField(default="", editable=False, max_length=64),
                            preserve_default=False),
        migrations.AddField("accesslog", "digest", models.CharField(default="", editable=False, max_length=64),
                            preserve_default=False),
        chain_existing("registries", "AccessLog", stream="person_id_number"),
        migrations.AddConstraint("accesslog", models.UniqueConstraint(fields=["person_id_number", "seq"],
                                                                      name="unique_access_log_seq")),
        append_only("registries_accesslog"),
    ]
