"""A review asked for while its task could not be sent (Redis down) is not left
`pending` for ever: beat sends its task again once it has waited too long. The
whole path, Redis stopped and started: tests/visits/calls/test_redis_outage.py."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from visits.scorecard import services, tasks

pytestmark = pytest.mark.django_db


def lost(now) -> list[date]:
    handed: list[date] = []
    assert services.service_reviews_lost(on_lost=handed.extend, now=now) == handed
    return handed


def test_a_review_pending_longer_than_the_limit_is_sent_again(dispatcher):
    asked = timezone.now() - timedelta(days=1)
    services.service_review_request(month=date(2026, 1, 1), by=dispatcher, at=asked)
    limit = timedelta(minutes=settings.SERVICE_REVIEW_LOST_MINUTES)

    assert lost(asked + limit) == []
    assert lost(asked + limit + timedelta(seconds=1)) == [date(2026, 1, 1)]


def test_a_review_already_made_is_not_sent_again(dispatcher):
    asked = timezone.now() - timedelta(days=1)
    services.service_review_request(month=date(2026, 2, 1), by=dispatcher, at=asked)
    services.service_review_generate(month=date(2026, 2, 1))

    assert lost(timezone.now()) == []


def test_beat_sends_lost_reviews_again_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["service-reviews-resend"]

    assert entry["task"] == tasks.service_reviews_resend_task.name
    assert entry["schedule"] == settings.SERVICE_REVIEW_RESEND_SECONDS
