"""docs/rules.md#offline-steps for evidence: the request's Device-Time corrects
the `captured_at` of answers, queued answers and photos, so evidence taken after
an arrival tapped offline counts, on a phone whose clock is wrong."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, DispatcherFactory
from tests.visits.checklists.checklist_helpers import item, jpeg, upload
from visits.lifecycle import services
from visits.models import ChecklistAnswer, Photo

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
SLOW = 7 * MINUTE  # the phone's clock runs seven minutes behind


@pytest.fixture
def appointed():
    return (timezone.now() - 40 * MINUTE).replace(microsecond=0)


@pytest.fixture
def arrived_offline(api, technician, appointed):
    """Booked yesterday with its checklist, set off online at 09:40; arrived at
    10:05, tapped offline on a phone that showed 09:58, sent at 10:40."""
    dispatcher = DispatcherFactory()
    order = services.work_order_create(
        customer=CustomerFactory(area_tier="urban"), kind="repair", by=dispatcher
    )
    visit = services.visit_schedule(
        work_order=order,
        technician=technician,
        appointed_start=appointed,
        by=dispatcher,
        now=appointed - timedelta(days=1),
    )
    services.visit_start_travel(visit=visit, by=technician, at=appointed - 20 * MINUTE)
    response = api.as_user(technician).post(
        f"/api/v1/visits/{visit.id}/actions/arrive/",
        {"occurred_at": (appointed + 5 * MINUTE - SLOW).isoformat()},
        format="json",
        HTTP_DEVICE_TIME=(timezone.now() - SLOW).isoformat(),
    )
    assert response.status_code == 200, response.json()
    visit.refresh_from_db()
    assert visit.arrived_at >= appointed + 5 * MINUTE
    return visit


def phone_clock(moment: datetime) -> str:
    """What the slow phone's clock showed at `moment`."""
    return (moment - SLOW).isoformat()


def test_a_photo_captured_after_an_offline_arrival_is_accepted_on_a_slow_phone(
    api, technician, arrived_offline, appointed
):
    """Taken at 10:10 (10:03 on the phone), after the arrival at 10:05: on the
    phone's clock alone it would look taken before the arrival."""
    sent = timezone.now()
    response = api.post(
        f"/api/v1/visits/{arrived_offline.id}/photos/",
        {
            "file": upload(data=jpeg()),
            "item": item(arrived_offline, "tools_on_work_cloth").id,
            "captured_at": phone_clock(appointed + 10 * MINUTE),
        },
        format="multipart",
        HTTP_DEVICE_TIME=phone_clock(sent),
    )

    assert response.status_code == 201, response.json()
    captured_at = datetime.fromisoformat(response.json()["captured_at"])
    assert (
        appointed + 10 * MINUTE
        <= captured_at
        <= appointed + 10 * MINUTE + (timezone.now() - sent)
    )
    assert captured_at >= arrived_offline.arrived_at
    assert Photo.objects.count() == 1


def test_a_queue_of_answers_is_corrected_entry_by_entry(
    api, technician, arrived_offline, appointed
):
    sent = timezone.now()
    response = api.post(
        f"/api/v1/visits/{arrived_offline.id}/checklist/batch/",
        {
            "answers": [
                {
                    "idempotency_key": "queue-1",
                    "item": item(arrived_offline, "show_work_id").id,
                    "value": True,
                    "captured_at": phone_clock(appointed + 6 * MINUTE),
                },
                {
                    "idempotency_key": "queue-2",
                    "item": item(arrived_offline, "rooms_accompanied").id,
                    "value": True,
                    "captured_at": phone_clock(appointed + 8 * MINUTE),
                },
            ]
        },
        format="json",
        HTTP_DEVICE_TIME=phone_clock(sent),
    )

    assert [result["status"] for result in response.json()["results"]] == [200, 200]
    elapsed = timezone.now() - sent
    stored = dict(ChecklistAnswer.objects.values_list("item__code", "captured_at"))
    assert appointed + 6 * MINUTE <= stored["show_work_id"]
    assert stored["show_work_id"] <= appointed + 6 * MINUTE + elapsed
    assert appointed + 8 * MINUTE <= stored["rooms_accompanied"]
    assert stored["rooms_accompanied"] <= appointed + 8 * MINUTE + elapsed


def test_one_answer_is_corrected_too(api, technician, arrived_offline, appointed):
    sent = timezone.now()
    entry = item(arrived_offline, "show_work_id")

    response = api.put(
        f"/api/v1/visits/{arrived_offline.id}/checklist/{entry.id}/",
        {"value": True, "captured_at": phone_clock(appointed + 6 * MINUTE)},
        format="json",
        HTTP_DEVICE_TIME=phone_clock(sent),
    )

    assert response.status_code == 200, response.json()
    captured_at = datetime.fromisoformat(response.json()["answer"]["captured_at"])
    assert appointed + 6 * MINUTE <= captured_at
    assert captured_at <= appointed + 6 * MINUTE + (timezone.now() - sent)


def test_an_unreadable_device_time_on_an_answer_is_a_400_that_stores_nothing(
    api, technician, arrived_offline
):
    entry = item(arrived_offline, "show_work_id")

    response = api.put(
        f"/api/v1/visits/{arrived_offline.id}/checklist/{entry.id}/",
        {"value": True},
        format="json",
        HTTP_DEVICE_TIME="now",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "device_time_invalid"
    assert not ChecklistAnswer.objects.exists()


def test_reading_the_checklist_ignores_the_header(api, technician, arrived_offline):
    response = api.get(
        f"/api/v1/visits/{arrived_offline.id}/photos/", HTTP_DEVICE_TIME="now"
    )

    assert response.status_code == 200
