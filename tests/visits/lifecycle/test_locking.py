"""Two writers of one visit or work order at the same moment, on PostgreSQL:
each service locks the row it decides on, so the second writer decides on what
the first committed (tests/concurrency.py)."""

import pytest

from fieldservice.errors import Conflict, InvalidInput, InvalidTransition
from tests.concurrency import race
from tests.factories import CustomerFactory, DispatcherFactory, TechnicianFactory
from tests.visits.lifecycle.service_helpers import T, book, take
from visits.lifecycle import services
from visits.models import Visit, VisitEvent, WorkOrder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


def test_setting_off_while_the_visit_is_cancelled_is_refused():
    dispatcher, technician = DispatcherFactory(), TechnicianFactory()
    visit = book(dispatcher=dispatcher, technician=technician)

    outcome = race(
        first=lambda: take(visit, T.CANCEL, by=dispatcher),
        second=lambda: take(visit, T.START_TRAVEL, by=technician),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, InvalidTransition)
    visit.refresh_from_db()
    assert visit.state == "cancelled"
    assert list(
        VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True)
    ) == ["scheduled", "cancel"]


def test_two_visits_booked_at_once_for_one_work_order_leave_one_open():
    dispatcher = DispatcherFactory()
    first_visit = book(dispatcher=dispatcher, technician=TechnicianFactory())
    work_order = first_visit.work_order
    take(first_visit, T.CANCEL, by=dispatcher)

    outcome = race(
        first=lambda: book(
            dispatcher=dispatcher,
            technician=TechnicianFactory(),
            work_order=work_order,
        ),
        second=lambda: book(
            dispatcher=dispatcher,
            technician=TechnicianFactory(),
            work_order=work_order,
        ),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, InvalidInput)
    assert outcome.second.error.code == "work_order_has_open_visit"
    assert Visit.objects.filter(work_order=work_order, state="scheduled").count() == 1


def test_two_work_orders_opened_at_once_take_two_numbers():
    dispatcher = DispatcherFactory()
    services.work_order_create(
        customer=CustomerFactory(), kind="repair", by=dispatcher
    )  # the day's sequence row exists

    outcome = race(
        first=lambda: services.work_order_create(
            customer=CustomerFactory(), kind="repair", by=dispatcher
        ),
        second=lambda: services.work_order_create(
            customer=CustomerFactory(), kind="repair", by=dispatcher
        ),
    )

    assert (outcome.first.error, outcome.second.error) == (None, None)
    numbers = sorted(WorkOrder.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 3
    assert [number[-4:] for number in numbers] == ["0001", "0002", "0003"]


def test_two_bookings_of_one_technicians_time_at_once_let_only_one_through():
    dispatcher, technician = DispatcherFactory(), TechnicianFactory()

    outcome = race(
        first=lambda: book(dispatcher=dispatcher, technician=technician),
        second=lambda: book(dispatcher=dispatcher, technician=technician),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, Conflict)
    assert outcome.second.error.code == "technician_busy"
    assert Visit.objects.filter(technician=technician).count() == 1
