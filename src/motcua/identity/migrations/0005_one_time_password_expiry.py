from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def lapse_pending_one_time_passwords(apps, schema_editor):
    """One-time passwords handed over before they could lapse get the full period from now."""
    Official = apps.get_model("identity", "Official")
    Official.objects.filter(password_change_required=True, one_time_password_expires_at__isnull=True).update(
        one_time_password_expires_at=timezone.now() + timedelta(hours=settings.ONE_TIME_PASSWORD_HOURS))


class Migration(migrations.Migration):

    dependencies = [
        ("identity", "0004_sealed_authenticators"),
    ]

    operations = [
        migrations.AddField(
            model_name="official",
            name="one_time_password_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(lapse_pending_one_time_passwords, migrations.RunPython.noop),
    ]
