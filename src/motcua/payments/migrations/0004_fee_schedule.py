"""Fee schedules of provinces and ministries, each imported version kept."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_gateway_callback_chain")]

    operations = [
        migrations.CreateModel(
            name="FeeSchedule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("authority", models.CharField(max_length=35)),
                ("number", models.PositiveIntegerField()),
                ("document", models.JSONField()),
                ("digest", models.CharField(max_length=64)),
                ("source", models.CharField(blank=True, max_length=255)),
                ("imported_at", models.DateTimeField()),
            ],
            options={
                "indexes": [models.Index(fields=["authority", "-imported_at"], name="payments_fe_authori_36a880_idx")],
                "constraints": [models.UniqueConstraint(fields=("authority", "number"),
                                                        name="unique_fee_schedule_version")],
            },
        ),
    ]
