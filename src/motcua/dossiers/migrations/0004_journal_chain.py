"""Journal entries chained by hash per dossier; the entries already written are chained as they stand."""

from django.db import migrations, models

from motcua.core.chained import chain_existing

# SQLite adds the columns by rebuilding the table, which drops the append-only trigger of 0002: put it back.
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON dossiers_dossieraction
BEGIN SELECT RAISE(ABORT, 'dossier journal entries are append-only'); END;
"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_dossier_provenance")]

    operations = [
        migrations.AddField("dossieraction", "prev_digest", models.CharField(default="", editable=False, max_length=64),
                            preserve_default=False),
        migrations.AddField("dossieraction", "digest", models.CharField(default="", editable=False, max_length=64),
                            preserve_default=False),
        chain_existing("dossiers", "DossierAction", stream="dossier"),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
