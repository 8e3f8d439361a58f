"""Deployment checks that span the project (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks


def check_shared_state(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Media on shared object storage means several web nodes; their throttles,
    the verify page's verdicts and the heartbeats must then be shared too. A
    local-memory cache keeps each in one process: every gunicorn worker of
    every node would count sign-in and verify attempts on its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.MEDIA_STORAGE == "s3" and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "MEDIA_STORAGE is s3 (several nodes) but the cache is in each "
                "process's memory: throttles and cached verdicts are not shared.",
                hint="Set REDIS_URL: one Redis for every web node and worker.",
                id="fieldservice.W001",
            )
        ]
    return []
