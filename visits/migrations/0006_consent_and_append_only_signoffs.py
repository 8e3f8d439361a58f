"""The first consent statement, and sign-off records made append-only in the
database (as the visit events are: PostgreSQL refuses UPDATE and DELETE,
SQLite refuses UPDATE)."""

from django.db import migrations
from django.utils import timezone

TABLES = ["visits_signoff", "visits_conductconfirmation"]

CONSENT_ZH = (
    "本人确认:装维人员已完成上述服务,本人已核对施工内容,并如实确认或提出了对装维人员服务行为的意见。"
    "本人同意将本签名和以上记录以电子方式保存,作为本次上门服务的凭证。"
)
CONSENT_EN = (
    "I confirm that the technician carried out the work above, that I have checked it, and "
    "that my answers about the technician's conduct are true. I agree that this signature and "
    "the record above are kept electronically as the proof of this visit."
)


def postgres_sql(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION visits_visitevent_append_only();
"""


def sqlite_sql(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only
BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, 'sign-off records are append-only (UPDATE refused)');
END;
"""


def forward(apps, schema_editor):
    apps.get_model("visits", "ConsentStatement").objects.create(
        version="2026-11", text_zh=CONSENT_ZH, text_en=CONSENT_EN, published_at=timezone.now()
    )
    make = {"postgresql": postgres_sql, "sqlite": sqlite_sql}.get(schema_editor.connection.vendor)
    if make:
        for table in TABLES:
            schema_editor.execute(make(table), params=None)


def backward(apps, schema_editor):
    apps.get_model("visits", "ConsentStatement").objects.filter(version="2026-11").delete()
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")


class Migration(migrations.Migration):
    dependencies = [("visits", "0005_signoff")]

    operations = [migrations.RunPython(forward, backward)]
