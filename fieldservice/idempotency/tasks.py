from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from fieldservice.idempotency.models import IdempotencyRecord


# The name it had before the record moved here: queued messages and beat keep it.
@shared_task(name="accounts.tasks.idempotency_records_purge_task", ignore_result=True)
def idempotency_records_purge_task() -> int:
    """Deletes idempotency records older than IDEMPOTENCY_RETENTION_HOURS.
    Safe to run twice: the second run finds nothing to delete."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_RETENTION_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=cutoff
    ).delete()
    return deleted
