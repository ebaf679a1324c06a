"""The database itself refuses to change or delete journal entries, whatever code runs against it.

PostgreSQL: row triggers on UPDATE and DELETE (TRUNCATE, used for whole-partition retention and by
test runners, stays possible). SQLite: an UPDATE trigger (its table flush uses DELETE)."""

from django.db import migrations

TABLE = "dossiers_dossieraction"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION motcua_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossier journal entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION motcua_journal_append_only();
CREATE TRIGGER journal_no_delete BEFORE DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION motcua_journal_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS journal_no_update ON {TABLE};
DROP TRIGGER IF EXISTS journal_no_delete ON {TABLE};
DROP FUNCTION IF EXISTS motcua_journal_append_only();
"""
SQLITE = f"""
CREATE TRIGGER journal_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'dossier journal entries are append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS journal_no_update;"


def forward(apps, schema_editor):
    sql = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
