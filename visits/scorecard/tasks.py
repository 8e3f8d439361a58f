from datetime import date

from celery import shared_task
from django.utils import timezone

from visits.scorecard import rules, services


@shared_task(name="visits.scorecard.service_review_generate_task", ignore_result=True)
def service_review_generate_task(month: str | None = None) -> int:
    """Beat, on the first of each month: the review of the month before. With a
    month ("2026-10-01"), that month's (asked for through the API). Idempotent:
    a second delivery makes the same file again."""
    first = (
        date.fromisoformat(month)
        if month
        else rules.previous_month(timezone.localdate())
    )
    return services.service_review_generate(month=first).pk
