"""Dates the admin accepts for a booking: within the supported years."""

import pytest

from accounts.services import dispatcher_create
from tests.factories import TechnicianFactory, WorkOrderFactory
from visits.models import Visit, VisitEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "time"), [("9999-12-31", "23:59:59"), ("0001-01-01", "00:00:00")]
)
def test_booking_in_the_admin_on_an_impossible_day_is_refused_and_books_nothing(
    client, day, time
):
    client.force_login(dispatcher_create(username="desk", password="a-long-pw-9x"))
    order = WorkOrderFactory()
    technician = TechnicianFactory()

    response = client.post(
        "/admin/visits/visit/add/",
        {
            "work_order": order.id,
            "technician": technician.id,
            "appointed_start_0": day,
            "appointed_start_1": time,
            "expected_duration_minutes": 60,
            "leaves-TOTAL_FORMS": 0,
            "leaves-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Enter a date between 2000-01-01 and 2099-12-31." in response.text
    assert Visit.objects.count() == 0
    assert VisitEvent.objects.count() == 0
