"""Makes the visit event log append-only in the database itself.

PostgreSQL refuses UPDATE and DELETE of visit events (TRUNCATE, used only by
test teardown and operators, is not affected). SQLite refuses UPDATE; it keeps
DELETE so that test databases can be flushed between tests.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION visits_visitevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'visit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER visits_visitevent_append_only
    BEFORE UPDATE OR DELETE ON visits_visitevent
    FOR EACH ROW EXECUTE FUNCTION visits_visitevent_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS visits_visitevent_append_only ON visits_visitevent;
DROP FUNCTION IF EXISTS visits_visitevent_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER visits_visitevent_append_only
BEFORE UPDATE ON visits_visitevent
BEGIN
    SELECT RAISE(ABORT, 'visit events are append-only (UPDATE refused)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS visits_visitevent_append_only;"


def forward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
