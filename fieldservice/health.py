"""A health check for load balancers and `make run`."""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fieldservice import heartbeat
from fieldservice.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the log says which
        logger.exception("health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


def _heartbeat_age(name: str) -> float | None:
    try:
        return heartbeat.heartbeat_age(name)
    except Exception:
        logger.exception("health check: heartbeat of %s unreadable", name)
        return None


def _health(*, background_required: bool) -> JsonResponse:
    ages = {name: _heartbeat_age(name) for name in (heartbeat.WORKER, heartbeat.BEAT)}
    serving = {"database": _database_ok(), "broker": _broker_ok()}
    background = {name: heartbeat.is_fresh(age) for name, age in ages.items()}
    body: dict[str, object] = {
        name: "ok" if is_ok else "unavailable"
        for name, is_ok in {**serving, **background}.items()
    }
    for name, age in ages.items():
        body[f"{name}_heartbeat_age_seconds"] = None if age is None else round(age)
    required = [
        *serving.values(),
        *(background.values() if background_required else []),
    ]
    return JsonResponse(body, status=200 if all(required) else 503)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when this web process can serve (the database
    and the broker answer), 503 otherwise. The worker's and beat's heartbeat
    ages (seconds; null: never) are reported but do not take the web servers
    out of service: a dead worker delays calls, it does not stop the API."""
    return _health(background_required=False)


@never_cache
@require_GET
def healthz_background(request: HttpRequest) -> JsonResponse:
    """For monitoring: as /healthz, and 503 also when the Celery worker or beat
    has not beaten for HEALTH_HEARTBEAT_STALE_SECONDS (or never has)."""
    return _health(background_required=True)
