"""The Celery application: broker and schedule come from Django settings."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.base")

app = Celery("fieldservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks module, and those of the visits app's sub-domain packages.
app.autodiscover_tasks()
app.autodiscover_tasks(["visits.calls", "visits.complaints"])


@worker_init.connect
def make_embedded_broker_folders(**_kwargs) -> None:
    """The filesystem broker needs its folders before the first message."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
            if isinstance(folder, str):
                os.makedirs(folder, exist_ok=True)
