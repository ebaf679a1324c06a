"""The applicant's name folded for the back office's search (lower case, no accents, đ as d), written with the
name from now on and computed here for the dossiers filed before."""

from django.db import migrations, models

from motcua.catalog.services import fold_text

BATCH = 2000


def fold_names(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    last = 0
    while batch := list(Dossier.objects.filter(pk__gt=last).order_by("pk").only("pk", "applicant_name")[:BATCH]):
        for dossier in batch:
            dossier.applicant_name_folded = fold_text(dossier.applicant_name)
        Dossier.objects.bulk_update(batch, ["applicant_name_folded"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0006_filer'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='applicant_name_folded',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.RunPython(fold_names, migrations.RunPython.noop),
    ]
