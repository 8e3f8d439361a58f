"""A database made before the idempotency record moved out of accounts
migrates with its records kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("accounts", "0003_customer_time_zone"),
    ("visits", "0007_calls"),
    ("idempotency", None),
]


@pytest.mark.django_db(transaction=True)
def test_idempotency_records_survive_the_move_to_their_own_app(django_user_model):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    user = django_user_model.objects.create(username="phone", role="technician")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_idempotencyrecord "
            "(user_id, key, fingerprint, status_code, body, headers, created_at) "
            "VALUES (%s, 'key-1', 'f', 201, '{\"id\": 7}', '{}', %s)",
            [user.pk, "2026-11-23 08:00:00+00:00"],
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from fieldservice.idempotency.models import IdempotencyRecord

    record = IdempotencyRecord.objects.get(user=user, key="key-1")
    assert (record.status_code, record.body) == (201, {"id": 7})
    assert "accounts_idempotencyrecord" not in connection.introspection.table_names()
