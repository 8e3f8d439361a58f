"""The Celery application: broker and schedule come from Django settings."""

import os

from celery import Celery
from celery.signals import before_task_publish, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.base")

app = Celery("fieldservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks module, and those of the visits app's sub-domain packages.
app.autodiscover_tasks()
app.autodiscover_tasks(
    ["visits.calls", "visits.complaints", "visits.scorecard", "visits.signoffs"]
)


@worker_init.connect
def make_embedded_broker_folders(**_kwargs) -> None:
    """The filesystem broker needs its folders before the first message."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
            if isinstance(folder, str):
                os.makedirs(folder, exist_ok=True)


HEARTBEAT_TASK = "fieldservice.heartbeat_task"


@app.task(name=HEARTBEAT_TASK, ignore_result=True)
def heartbeat_task() -> None:
    """Run by a worker: records that a worker is taking tasks."""
    from fieldservice.heartbeat import WORKER, heartbeat_record

    heartbeat_record(WORKER)


@before_task_publish.connect
def record_beat_heartbeat(sender=None, **_kwargs) -> None:
    """Beat publishes the heartbeat task: that records that beat is alive."""
    if sender == HEARTBEAT_TASK:
        from fieldservice.heartbeat import BEAT, heartbeat_record

        heartbeat_record(BEAT)
