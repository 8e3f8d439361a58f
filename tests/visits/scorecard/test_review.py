import io
from datetime import date, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from tests.visits.scorecard.data import known_data
from visits.scorecard import services, tasks
from visits.scorecard.models import ServiceReview, ServiceReviewState

pytestmark = pytest.mark.django_db


def pdf_text(review) -> str:
    with review.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_review_pdf_has_the_month_the_technicians_and_their_figures():
    known_data()

    review = services.service_review_generate(month=date(2026, 11, 1))

    assert review.state == ServiceReviewState.READY
    text = pdf_text(review)
    assert "2026-11" in text
    assert "月度服务评审" in text  # in the company's language (zh-hans)
    assert "张伟 (S-001)" in text
    assert "Emily Carter (S-002)" in text
    assert "江汉一组" in text
    # 张伟: on time 33.3 %, mean lateness 22.5 min, worst 30.0, satisfaction 3.50
    for figure in ("33.3", "22.5", "30.0", "3.50", "66.7"):
        assert figure in text, figure
    # All technicians: 5 visits, 25.0 % on time.
    assert "25.0" in text


def test_the_review_task_is_idempotent():
    known_data()

    first = tasks.service_review_generate_task("2026-11-01")
    name = ServiceReview.objects.get().file.name
    second = tasks.service_review_generate_task("2026-11-01")

    assert first == second
    assert ServiceReview.objects.count() == 1
    review = ServiceReview.objects.get()
    assert review.file.name == name  # made again in place, not a second file
    assert review.file.storage.exists(name)
    assert "张伟" in pdf_text(review)


def test_the_task_without_a_month_makes_the_previous_months():
    today = timezone.localdate()
    last_day_before = today.replace(day=1) - timedelta(days=1)

    tasks.service_review_generate_task()

    assert list(ServiceReview.objects.values_list("month", flat=True)) == [
        date(last_day_before.year, last_day_before.month, 1)
    ]


def test_an_empty_month_still_makes_a_review():
    review = services.service_review_generate(month=date(2026, 2, 1))

    assert "2026-02" in pdf_text(review)


def test_the_beat_schedule_makes_it_on_the_first_of_the_month():
    entry = settings.CELERY_BEAT_SCHEDULE["service-review-monthly"]

    assert entry["task"] == "visits.scorecard.service_review_generate_task"
    assert entry["schedule"] == crontab(day_of_month=1, hour=6, minute=0)
    assert tasks.service_review_generate_task.name == entry["task"]


def test_the_admin_lists_reviews_for_dispatchers_only(desk, client):
    from tests.factories import TechnicianFactory

    review = services.service_review_generate(month=date(2026, 2, 1))

    listing = desk.get("/admin/visits/servicereview/")
    detail = desk.get(f"/admin/visits/servicereview/{review.pk}/change/")
    assert listing.status_code == 200
    assert "Feb. 1, 2026" in listing.text
    assert "service-review-2026-02.pdf" in detail.text

    client.force_login(TechnicianFactory(is_staff=True))
    assert client.get("/admin/visits/servicereview/").status_code == 403
