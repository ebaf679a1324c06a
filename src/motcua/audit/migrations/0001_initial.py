import django.db.models.deletion
from django.db import migrations, models

from motcua.core.chained import append_only


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("documents", "0002_certificate_system_owner"),
    ]

    operations = [
        migrations.CreateModel(
            name="Seal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("prev_digest", models.CharField(editable=False, max_length=64)),
                ("digest", models.CharField(editable=False, max_length=64)),
                ("seq", models.PositiveIntegerField(unique=True)),
                ("sealed_at", models.DateTimeField()),
                ("manifest", models.TextField()),
                ("signature", models.BinaryField()),
                ("certificate", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                  to="documents.certificate")),
            ],
            options={
                "abstract": False,
            },
        ),
        append_only("audit_seal"),
    ]
