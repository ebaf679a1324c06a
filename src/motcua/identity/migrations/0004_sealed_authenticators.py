"""Authenticator seeds move from django-otp's TOTP devices (stored in clear) to sealed ones, and the clear copies
are deleted."""

import django.db.models.deletion
import django_otp.plugins.otp_totp.models
from django.conf import settings
from django.db import migrations, models

import motcua.core.sealing

COPIED = ("user_id", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count", "created_at",
          "last_used_at", "key", "step", "t0", "digits", "tolerance", "drift", "last_t")


def seal_seeds(apps, schema_editor):
    plain = apps.get_model("otp_totp", "TOTPDevice")
    sealed = apps.get_model("identity", "Authenticator")
    sealed.objects.bulk_create([sealed(**{name: getattr(device, name) for name in COPIED})
                                for device in plain.objects.all()])
    plain.objects.all().delete()


def unseal_seeds(apps, schema_editor):
    sealed = apps.get_model("identity", "Authenticator")
    plain = apps.get_model("otp_totp", "TOTPDevice")
    plain.objects.bulk_create([plain(**{name: getattr(device, name) for name in COPIED})
                               for device in sealed.objects.all()])


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0003_session_records'),
        ('otp_totp', '0003_add_timestamps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Authenticator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('key', motcua.core.sealing.SealedTextField(default=django_otp.plugins.otp_totp.models.default_key)),
                ('step', models.PositiveSmallIntegerField(default=30)),
                ('t0', models.BigIntegerField(default=0)),
                ('digits', models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ('tolerance', models.PositiveSmallIntegerField(default=1)),
                ('drift', models.SmallIntegerField(default=0)),
                ('last_t', models.BigIntegerField(default=-1)),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.RunPython(seal_seeds, unseal_seeds),
    ]
