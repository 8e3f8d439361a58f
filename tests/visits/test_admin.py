"""The dispatcher's admin: usable pages, and writes that go through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    CustomerFactory,
    TechnicianFactory,
    VisitFactory,
    WorkOrderFactory,
)
from visits.models import Visit, VisitEvent, WorkOrder

pytestmark = pytest.mark.django_db


def local(value):
    return timezone.localtime(value)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/visits/visit/",
        "/admin/visits/visit/?day=today",
        "/admin/visits/visit/?state__exact=scheduled",
        "/admin/visits/visit/?q=13900000001",
        "/admin/visits/workorder/",
        "/admin/visits/workorder/?q=WO2026",
        "/admin/visits/workorder/add/",
        "/admin/visits/visit/add/",
        "/admin/accounts/customer/",
    ],
)
def test_a_dispatcher_can_open_the_admin_pages(desk, path):
    VisitFactory(work_order__customer__phone="13900000001")

    assert desk.get(path).status_code == 200


def test_the_visit_page_shows_its_read_only_event_log(desk):
    visit = VisitFactory()
    VisitEvent.objects.create(
        visit=visit, kind="scheduled", to_state="scheduled", at=timezone.now()
    )

    response = desk.get(f"/admin/visits/visit/{visit.id}/change/")

    assert response.status_code == 200
    assert (
        b"Visit events" in response.content or "visit events" in response.text.lower()
    )
    assert 'name="events-0-kind"' not in response.text  # shown, not editable


def test_searching_visits_by_customer_phone_finds_them(desk):
    wanted = VisitFactory(work_order__customer__phone="13912345678")
    VisitFactory()

    response = desk.get("/admin/visits/visit/?q=13912345678")

    assert list(response.context["cl"].result_list) == [wanted]


def test_the_day_filter_shows_todays_visits(desk):
    today = VisitFactory(
        appointed_start=timezone.localtime().replace(hour=23, minute=0)
    )
    VisitFactory(appointed_start=timezone.now() + timedelta(days=2))

    response = desk.get("/admin/visits/visit/?day=today")

    assert list(response.context["cl"].result_list) == [today]


def test_opening_a_work_order_in_the_admin_numbers_and_snapshots_it(desk):
    customer = CustomerFactory(address="解放大道 1 号", area_tier="urban")

    response = desk.post(
        "/admin/visits/workorder/add/",
        {
            "customer": customer.id,
            "kind": "repair",
            "description": "无法上网",
            "address": "",
            "area_tier": "",
            "visits-TOTAL_FORMS": 0,
            "visits-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.number.startswith("WO")
    assert order.address == "解放大道 1 号"
    assert order.created_by.username == "desk"


def _book(desk, order, technician, start):
    return desk.post(
        "/admin/visits/visit/add/",
        {
            "work_order": order.id,
            "technician": technician.id,
            "appointed_start_0": local(start).strftime("%Y-%m-%d"),
            "appointed_start_1": local(start).strftime("%H:%M:%S"),
            "expected_duration_minutes": 60,
            "leaves-TOTAL_FORMS": 0,
            "leaves-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
        follow=True,
    )


def test_booking_in_the_admin_goes_through_the_booking_rules(desk):
    order = WorkOrderFactory()
    technician = TechnicianFactory()
    start = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)

    response = _book(desk, order, technician, start)

    assert response.status_code == 200
    visit = Visit.objects.get()
    assert visit.appointed_start == start
    assert visit.arrival_tolerance_minutes == 10
    assert list(visit.events.values_list("kind", flat=True)) == ["scheduled"]


def test_a_refused_booking_in_the_admin_shows_why_and_writes_nothing(desk):
    order = WorkOrderFactory()
    technician = TechnicianFactory()
    past = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)

    response = _book(desk, order, technician, past)

    assert response.status_code == 200
    assert "The appointed start must be in the future." in response.text
    assert not Visit.objects.exists()
    assert not VisitEvent.objects.exists()


def test_moving_a_visit_in_the_admin_records_a_reschedule_with_its_reason(desk):
    visit = VisitFactory()
    new_start = (visit.appointed_start + timedelta(hours=2)).replace(
        second=0, microsecond=0
    )

    desk.post(
        f"/admin/visits/visit/{visit.id}/change/",
        {
            "technician": visit.technician_id,
            "appointed_start_0": local(new_start).strftime("%Y-%m-%d"),
            "appointed_start_1": local(new_start).strftime("%H:%M:%S"),
            "expected_duration_minutes": 60,
            "reason": "客户改约",
            "checklist-TOTAL_FORMS": 0,
            "checklist-INITIAL_FORMS": 0,
            "photos-TOTAL_FORMS": 0,
            "photos-INITIAL_FORMS": 0,
            "leaves-TOTAL_FORMS": 0,
            "leaves-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )

    visit.refresh_from_db()
    assert visit.appointed_start == new_start
    event = visit.events.get()
    assert event.kind == "rescheduled"
    assert event.data["reason"] == "客户改约"


def test_nobody_can_delete_visits_or_work_orders_in_the_admin(desk, admin_client):
    visit = VisitFactory()

    assert desk.get(f"/admin/visits/visit/{visit.id}/delete/").status_code == 403
    assert (
        admin_client.get(f"/admin/visits/visit/{visit.id}/delete/").status_code == 403
    )
    assert (
        admin_client.get(
            f"/admin/visits/workorder/{visit.work_order_id}/delete/"
        ).status_code
        == 403
    )


def test_the_visit_page_says_in_plain_words_that_the_phone_reported_the_arrival(
    desk,
):
    """Arrived at 10:05 by the phone, which ran 2 minutes fast; received 10:40."""
    from fieldservice.device_time import DeviceClock, ReportedTime
    from visits.lifecycle import services

    appointed = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    if local(appointed).date() != local(appointed + timedelta(minutes=40)).date():
        # The arrival (as reported and as corrected for the phone's clock) and
        # its receipt on one day, so the page gives the time alone (run around
        # midnight, it would add the date of the receipt).
        appointed -= timedelta(hours=1)
    visit = VisitFactory(appointed_start=appointed)
    services.visit_start_travel(
        visit=visit, by=visit.technician, at=appointed - timedelta(minutes=20)
    )
    received = appointed + timedelta(minutes=40)
    services.visit_arrive(
        visit=visit,
        by=visit.technician,
        reported=ReportedTime(
            occurred_at=appointed + timedelta(minutes=7),
            clock=DeviceClock(
                received_at=received, sent_at=received + timedelta(minutes=2)
            ),
        ),
    )

    page = desk.get(f"/admin/visits/visit/{visit.id}/change/").content.decode()
    listing = desk.get("/admin/visits/visit/").content.decode()

    assert (
        f"Reported by the phone, received {local(received):%H:%M}, "
        "phone clock 2 min fast"
    ) in page
    assert "On time (+5 min), reported by the phone" in listing


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (
            None,
            "Reported by the phone, received 10:40; the phone did not send its clock",
        ),
        (29, "Reported by the phone, received 10:40, phone clock right to the minute"),
        (420, "Reported by the phone, received 10:40, phone clock 7 min slow"),
        (-90, "Reported by the phone, received 10:40, phone clock 2 min fast"),
    ],
)
def test_the_phones_clock_is_described_in_plain_words(offset, words):
    from visits.lifecycle.admin import device_time_words

    data = {"received_at": "2026-11-23T10:40:00+08:00", "clock_offset_seconds": offset}
    arrived = timezone.make_aware(
        timezone.datetime(2026, 11, 23, 10, 5), timezone.get_fixed_timezone(480)
    )

    assert device_time_words(data, occurred_at=arrived) == words
