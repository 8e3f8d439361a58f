from datetime import timedelta

import pytest
from django.utils import timezone

from fieldservice.idempotency.models import IdempotencyRecord
from fieldservice.idempotency.tasks import idempotency_records_purge_task

pytestmark = pytest.mark.django_db


def record(user, key, age):
    row = IdempotencyRecord.objects.create(
        user=user, key=key, fingerprint="f", status_code=200
    )
    IdempotencyRecord.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)


def test_idempotency_records_older_than_the_retention_are_purged(technician, settings):
    settings.IDEMPOTENCY_RETENTION_HOURS = 72
    record(technician, "old", timedelta(hours=72, seconds=1))
    record(technician, "recent", timedelta(hours=71, minutes=59))

    deleted = idempotency_records_purge_task()
    again = idempotency_records_purge_task()

    assert deleted == 1
    assert again == 0
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
