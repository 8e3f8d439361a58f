from datetime import date

from celery import shared_task
from django.utils import timezone

from fieldservice.queue import enqueue_on_commit
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


@shared_task(name="visits.scorecard.service_reviews_resend_task", ignore_result=True)
def service_reviews_resend_task() -> int:
    """Beat, every SERVICE_REVIEW_RESEND_SECONDS: sends again the task of each
    review asked for long ago and still not made (lost while Redis was down)."""
    return len(services.service_reviews_lost(on_lost=generate_each))


def generate_each(months: list[date]) -> None:
    enqueue_on_commit(
        service_review_generate_task, [(month.isoformat(),) for month in months]
    )
