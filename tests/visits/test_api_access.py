"""Access is scoped in the queryset: other people's objects are 404, not 403."""

import pytest

from tests.factories import (
    CustomerUserFactory,
    TechnicianFactory,
    VisitFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_requests_are_refused_with_401(api):
    response = api.get("/api/v1/visits/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_technician_lists_only_their_own_visits(api, technician, other_technician):
    own = VisitFactory(technician=technician)
    VisitFactory(technician=other_technician)

    response = api.as_user(technician).get("/api/v1/visits/")

    assert response.status_code == 200
    assert ids(response) == {own.id}


def test_a_technician_asking_for_another_technicians_visit_gets_404(
    api, technician, other_technician
):
    theirs = VisitFactory(technician=other_technician)

    response = api.as_user(technician).get(f"/api/v1/visits/{theirs.id}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_technician_cannot_act_on_another_technicians_visit(
    api, technician, other_technician
):
    theirs = VisitFactory(technician=other_technician)

    response = api.as_user(technician).post(
        f"/api/v1/visits/{theirs.id}/actions/start-travel/"
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "scheduled"
    assert theirs.events.count() == 0


def test_a_dispatcher_sees_every_visit(api, dispatcher, technician, other_technician):
    visits = [
        VisitFactory(technician=technician),
        VisitFactory(technician=other_technician),
    ]

    response = api.as_user(dispatcher).get("/api/v1/visits/")

    assert ids(response) == {visit.id for visit in visits}


def test_a_customer_lists_only_their_own_work_orders(api):
    me, someone_else = CustomerUserFactory(), CustomerUserFactory()
    mine = WorkOrderFactory(customer=me.customer)
    WorkOrderFactory(customer=someone_else.customer)

    response = api.as_user(me).get("/api/v1/work-orders/")

    assert response.status_code == 200
    assert ids(response) == {mine.id}


def test_a_customer_asking_for_another_customers_work_order_gets_404(api):
    me, someone_else = CustomerUserFactory(), CustomerUserFactory()
    theirs = WorkOrderFactory(customer=someone_else.customer)

    response = api.as_user(me).get(f"/api/v1/work-orders/{theirs.id}/")

    assert response.status_code == 404


def test_a_customer_sees_the_visits_of_their_own_work_orders_only(api):
    me, someone_else = CustomerUserFactory(), CustomerUserFactory()
    mine = VisitFactory(work_order__customer=me.customer)
    theirs = VisitFactory(work_order__customer=someone_else.customer)

    listed = api.as_user(me).get("/api/v1/visits/")
    other = api.get(f"/api/v1/visits/{theirs.id}/")

    assert ids(listed) == {mine.id}
    assert other.status_code == 404


def test_a_customer_cannot_take_lifecycle_steps_on_their_own_visit(api):
    me = CustomerUserFactory()
    mine = VisitFactory(work_order__customer=me.customer)

    response = api.as_user(me).post(
        f"/api/v1/visits/{mine.id}/actions/cancel/", {"reason": "changed my mind"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    mine.refresh_from_db()
    assert mine.state == "scheduled"


def test_a_technician_sees_work_orders_only_through_their_visits(
    api, technician, other_technician
):
    own = VisitFactory(technician=technician)
    VisitFactory(technician=other_technician)

    response = api.as_user(technician).get("/api/v1/work-orders/")

    assert ids(response) == {own.work_order_id}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/work-orders/", {"customer": 1, "kind": "repair"}),
        ("/api/v1/visits/", {}),
        ("/api/v1/technicians/", {}),
        ("/api/v1/customers/", {}),
    ],
)
def test_only_dispatchers_create_work_orders_visits_and_people(
    api, technician, path, body
):
    response = api.as_user(technician).post(path, body, format="json")

    assert response.status_code == 403


def test_a_technician_lists_only_their_own_technician_profile(api, technician):
    TechnicianFactory()

    response = api.as_user(technician).get("/api/v1/technicians/")

    assert [row["id"] for row in response.json()["results"]] == [technician.id]


def test_customers_are_listed_for_dispatchers_only(api, technician, dispatcher):
    CustomerUserFactory()

    assert api.as_user(technician).get("/api/v1/customers/").status_code == 403
    assert api.as_user(dispatcher).get("/api/v1/customers/").json()["count"] == 1
