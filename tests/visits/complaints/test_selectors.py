"""complaints_visible_to: the one place that decides who sees which complaint."""

import pytest

from tests.factories import (
    CustomerUserFactory,
    DispatcherFactory,
    TechnicianFactory,
    VisitFactory,
)
from visits.complaints.selectors import complaints_visible_to
from visits.complaints.services import complaint_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    customer_x, customer_y = CustomerUserFactory(), CustomerUserFactory()
    technician_a, technician_b = TechnicianFactory(), TechnicianFactory()
    on_x = complaint_open(
        visit=VisitFactory(
            work_order__customer=customer_x.customer, technician=technician_a
        ),
        source="customer",
        description="x",
    )
    on_y = complaint_open(
        visit=VisitFactory(
            work_order__customer=customer_y.customer, technician=technician_b
        ),
        source="customer",
        description="y",
    )
    return locals()


def ids(user) -> set[int]:
    return set(complaints_visible_to(user).values_list("id", flat=True))


def test_a_dispatcher_sees_every_complaint(world):
    assert ids(DispatcherFactory()) == {world["on_x"].id, world["on_y"].id}


def test_a_customer_sees_only_complaints_on_their_own_visits(world):
    assert ids(world["customer_x"]) == {world["on_x"].id}
    assert ids(world["customer_y"]) == {world["on_y"].id}


def test_a_technician_sees_only_complaints_on_their_own_visits(world):
    assert ids(world["technician_a"]) == {world["on_x"].id}
    assert ids(TechnicianFactory()) == set()
