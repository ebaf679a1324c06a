from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def link_payments_to_their_requests(apps, schema_editor):
    """Each payment pays the dossier's last payment request before it was made."""
    Payment = apps.get_model("payments", "Payment")
    DossierAction = apps.get_model("dossiers", "DossierAction")
    request = DossierAction.objects.filter(dossier_id=OuterRef("dossier_id"), kind="request_payment",
                                           at__lte=OuterRef("created_at")).order_by("-seq").values("seq")[:1]
    Payment.objects.update(request_seq=Subquery(request))


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0003_dossier_provenance'),
        ('payments', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='request_seq',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(link_payments_to_their_requests, migrations.RunPython.noop),
    ]
