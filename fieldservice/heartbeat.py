"""Heartbeats of the Celery worker and beat, for the health check.

Beat schedules `heartbeat_task` every HEALTH_HEARTBEAT_SECONDS; publishing it
records beat's heartbeat, and a worker running it records the worker's. Both
go to the `heartbeats` cache, which every process of the installation shares
(Redis, or files next to the embedded broker's).
"""

import time

from django.conf import settings
from django.core.cache import caches

CACHE = "heartbeats"
WORKER = "worker"
BEAT = "beat"


def heartbeat_record(name: str, *, at: float | None = None) -> None:
    caches[CACHE].set(f"heartbeat:{name}", time.time() if at is None else at, None)


def heartbeat_age(name: str) -> float | None:
    """Seconds since `name` last beat, or None if it never did."""
    at = caches[CACHE].get(f"heartbeat:{name}")
    return None if at is None else max(time.time() - at, 0.0)


def is_fresh(age: float | None) -> bool:
    return age is not None and age <= settings.HEALTH_HEARTBEAT_STALE_SECONDS
