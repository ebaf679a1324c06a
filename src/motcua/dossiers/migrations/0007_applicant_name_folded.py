"""The applicant's name folded for the back office's search (lower case, no accents, đ as d), written with the
name from now on and computed here for the dossiers filed before."""

from django.db import connections, migrations, models

from motcua.catalog.services import fold_text

BATCH = 5000


def fold_names(apps, schema_editor):
    """By batches of primary keys, each written in one UPDATE … FROM (VALUES …) (PostgreSQL; SQLite ≥ 3.33):
    a national database's millions of dossiers in minutes, not hours."""
    Dossier = apps.get_model("dossiers", "Dossier")
    connection = connections[Dossier.objects.db]
    table = connection.ops.quote_name(Dossier._meta.db_table)
    last = 0
    with connection.cursor() as cursor:
        while rows := list(Dossier.objects.filter(pk__gt=last).order_by("pk")
                           .values_list("pk", "applicant_name")[:BATCH]):
            folded = {name: fold_text(name) for name in {name for _, name in rows}}  # names repeat: each folded once
            cursor.execute(
                f"UPDATE {table} SET applicant_name_folded = v.column2 "
                f"FROM (VALUES {', '.join(['(%s, %s)'] * len(rows))}) AS v WHERE {table}.id = v.column1",
                [value for pk, name in rows for value in (pk, folded[name])])
            last = rows[-1][0]


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
