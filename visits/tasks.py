"""Celery tasks: thin and idempotent. Policy lives in the services."""

from celery import shared_task

from visits.calls import services


@shared_task(ignore_result=True)
def calls_scan_task() -> int:
    """Beat, every CALL_SCAN_SECONDS: claim due calls and enqueue them."""
    return services.calls_scan()


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def call_place_task(call_id: int) -> None:
    """Places one claimed call. Runs twice harmlessly: the call row's state
    lets it be placed once. Provider errors are retried through the call row
    (with backoff, by the scan), not by Celery."""
    services.call_place(call_id=call_id)


@shared_task(ignore_result=True)
def complaints_escalate_task() -> int:
    return services.complaints_escalate_overdue()
