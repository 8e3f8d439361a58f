"""Celery tasks of the calls: thin and idempotent. Policy lives in the services.

The task names are those they had when they lived in visits.tasks, so queued
messages and beat schedules of an older installation still find them.
"""

from celery import shared_task

from fieldservice.queue import enqueue_on_commit
from visits.calls import services


@shared_task(name="visits.tasks.calls_scan_task", ignore_result=True)
def calls_scan_task() -> int:
    """Beat, every CALL_SCAN_SECONDS: claim due calls and enqueue them."""
    return services.calls_scan(on_claimed=place_each)


@shared_task(
    name="visits.tasks.call_place_task",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def call_place_task(call_id: int) -> None:
    """Places one claimed call. Runs twice harmlessly: the call row's state
    lets it be placed once. Provider errors are retried through the call row
    (with backoff, by the scan), not by Celery."""
    services.call_place(call_id=call_id)


def place_each(call_ids: list[int]) -> None:
    """Enqueues one placing task per claimed call once the claim commits."""
    enqueue_on_commit(call_place_task, [(call_id,) for call_id in call_ids])
