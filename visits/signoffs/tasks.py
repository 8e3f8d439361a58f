"""Celery tasks of the sign-offs: thin and idempotent."""

from celery import shared_task

from fieldservice.queue import enqueue_on_commit
from visits.signoffs import services


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def receipt_render_task(sign_off_id: int) -> None:
    """Renders a new record's receipt into storage, so that no download waits
    for it. Runs twice harmlessly: a current stored receipt is kept."""
    services.receipt_render(sign_off_id=sign_off_id)


def render_receipt_after_commit(sign_off_id: int) -> None:
    enqueue_on_commit(receipt_render_task, [(sign_off_id,)])
