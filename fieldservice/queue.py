"""Enqueueing Celery tasks, in one place: after the transaction that decided
them commits, on one broker connection for a batch.

Tasks enqueue and services decide: a service hands what it decided (row ids)
to a callback its task module gives it, and that callback enqueues here.
"""

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, arguments: Iterable[tuple]) -> None:
    """Sends `task` once per argument tuple when the current transaction
    commits (at once outside a transaction). A broker that is down is logged,
    not raised: the rows behind the tasks are outbox rows that a later scan
    claims again."""
    batch = list(arguments)
    if batch:
        transaction.on_commit(lambda: _send(task, batch))


def _send(task, batch: list[tuple]) -> None:
    try:
        with task.app.producer_or_acquire() as producer:  # one connection for the batch
            for args in batch:
                task.apply_async(args, producer=producer)
    except Exception:  # broker down: the rows are claimed again by a later scan
        logger.exception(
            "could not enqueue %s %s tasks; their rows will be claimed again",
            len(batch),
            task.name,
        )
