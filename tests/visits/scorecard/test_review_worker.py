"""The monthly service review made by a real Celery worker on Redis and
PostgreSQL, as in production: a dispatcher asks for it through the API, the
request commits, the worker makes the PDF, the dispatcher downloads it."""

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from tests.visits.calls.test_calls_worker import (  # noqa: F401 (a fixture)
    Worker,
    clean_queue,
    wait_for,
)
from tests.visits.scorecard.data import known_data
from visits.scorecard.models import ServiceReview, ServiceReviewState

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clean_queue"),
]


@pytest.fixture
def worker(tmp_path):
    # The calls' worker, sharing this test's media folder for the PDF it writes.
    started = Worker(tmp_path / "calls.log", seconds_per_call=0)
    started.env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    started.start()
    yield started
    started.stop()


def test_a_review_asked_for_is_made_by_the_worker_and_downloaded(
    desk, worker, django_capture_on_commit_callbacks
):
    known_data()

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            "/api/v1/scorecard/reviews/",
            {"month": "2026-11"},
            content_type="application/json",
        )

    assert response.status_code == 202
    wait_for(
        lambda: ServiceReview.objects.filter(state=ServiceReviewState.READY).exists()
    )
    download = desk.get("/api/v1/scorecard/reviews/2026-11/pdf/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert "张伟 (S-001)" in "\n".join(page.extract_text() for page in pdf.pages)
