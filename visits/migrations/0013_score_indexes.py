"""Indexes for the service scorecard's aggregate queries (visits.scorecard.selectors),
on PostgreSQL only: covering (INCLUDE) and partial indexes that let a month of
visits be read by index-only scans instead of visiting the scattered heap rows
(bench/scorecard_bench.py, results in bench/results/scorecard.json).

Not declared on the models: SQLite has no INCLUDE, and Django warns about it
there. On SQLite the migration does nothing."""

from django.db import migrations

INDEXES = {
    # The month's visits with every column the scorecard groups, joins and counts.
    "visit_scorecard_month": (
        "visits_visit (appointed_start) "
        "INCLUDE (id, technician_id, state, punctuality, arrival_deviation_seconds, "
        "signed_off_at)"
    ),
    # A visit's required checklist items, with the kind (photo or not).
    "checklist_item_scorecard": (
        "visits_visitchecklistitem (visit_id) INCLUDE (id, kind) WHERE is_required"
    ),
    # The few sign-offs with a contested conduct item, by visit.
    "signoff_contested_scorecard": (
        "visits_signoff (visit_id) INCLUDE (id) WHERE has_contested_conduct"
    ),
    # Contested conduct items are rare: a small partial index finds them.
    "conduct_contested_scorecard": (
        "visits_conductconfirmation (sign_off_id) WHERE NOT is_confirmed"
    ),
    # Rated follow-up calls of a visit, with their rating.
    "call_rated_follow_up_scorecard": (
        "visits_call (visit_id) INCLUDE (rating) "
        "WHERE rating IS NOT NULL AND purpose = 'follow_up'"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("visits", "0012_score_service_review")]

    operations = [migrations.RunPython(create, drop)]
