"""The booking assistant's endpoints: candidates for a window
(GET /api/v1/console/candidates/) and the customer search
(GET /api/v1/console/customers/), dispatchers only."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import (
    CustomerFactory,
    DispatcherFactory,
    TechnicianFactory,
    VisitFactory,
    WorkOrderFactory,
)
from visits.lifecycle import services
from visits.models import Visit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CANDIDATES = "/api/v1/console/candidates/"
CUSTOMERS = "/api/v1/console/customers/"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.TRAVEL_BUFFER_MINUTES = 30


def at(hour: int, minute: int = 0, days: int = 3) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(SHANGHAI).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def technician(first, last="", number=None):
    user = TechnicianFactory(first_name=first, last_name=last)
    if number:
        user.technician_profile.employee_number = number
        user.technician_profile.save(update_fields=["employee_number"])
    return user


def booked(user, start, minutes=60, state="scheduled"):
    visit = VisitFactory(
        technician=user, appointed_start=start, expected_duration_minutes=minutes
    )
    if state != "scheduled":
        Visit.objects.filter(pk=visit.pk).update(state=state)
    return visit


def arrivals(user, on_time: int, late: int = 0, early: int = 0, days_ago: int = 10):
    """Past visits of `user` arrived and judged; late ones with a reason."""
    arrived = timezone.now() - timedelta(days=days_ago)
    for punctuality, count in (("on_time", on_time), ("late", late), ("early", early)):
        for _ in range(count):
            visit = VisitFactory(technician=user, appointed_start=arrived)
            Visit.objects.filter(pk=visit.pk).update(
                state="closed",
                arrived_at=arrived,
                punctuality=punctuality,
                late_reason="traffic" if punctuality == "late" else "",
                arrival_time_source="server",
            )


def candidates(api, dispatcher, start, minutes=60, **more):
    return api.as_user(dispatcher).get(
        CANDIDATES, {"start": start.isoformat(), "minutes": minutes, **more}
    )


# --- Candidates -----------------------------------------------------------------------


def test_free_technicians_come_first_ranked_by_load_then_on_time_record(
    api, dispatcher
):
    window = at(14)
    technician("Light")  # free, no visit that day, no record
    steady = technician("Steady")  # free, one visit that day, 9/10 on time
    shaky = technician("Shaky")  # free, one visit that day, 1/2 on time
    busy = technician("Busy")  # an overlapping visit
    near = technician("Near")  # a visit ending 15 minutes before the window
    booked(steady, at(9))
    booked(shaky, at(9), minutes=90)
    arrivals(steady, on_time=9, late=1)
    arrivals(shaky, on_time=1, early=1)
    overlap = booked(busy, at(14, 30))
    too_close = booked(near, at(12, 45))

    response = candidates(api, dispatcher, window)

    assert response.status_code == 200
    rows = response.json()["technicians"]
    assert [row["name"] for row in rows] == ["Light", "Steady", "Shaky", "Busy", "Near"]
    by_name = {row["name"]: row for row in rows}
    assert [row["is_free"] for row in rows] == [True, True, True, False, False]
    assert by_name["Light"]["load"] == {"visits": 0, "minutes": 0}
    assert by_name["Light"]["on_time"] == {"rate": None, "on_time": 0, "judged": 0}
    assert by_name["Shaky"]["load"] == {"visits": 1, "minutes": 90}
    assert by_name["Steady"]["on_time"] == {"rate": 0.9, "on_time": 9, "judged": 10}
    assert by_name["Shaky"]["on_time"] == {"rate": 0.5, "on_time": 1, "judged": 2}
    assert by_name["Light"]["clash"] is None
    assert by_name["Busy"]["clash"] == {
        "kind": "overlap",
        "visit": overlap.pk,
        "number": str(overlap),
        "appointed_start": at(14, 30).isoformat(),
        "expected_end": at(15, 30).isoformat(),
    }
    assert by_name["Near"]["clash"]["kind"] == "travel_buffer"
    assert by_name["Near"]["clash"]["visit"] == too_close.pk
    assert response.json()["travel_buffer_minutes"] == 30


def test_exactly_the_travel_buffer_away_is_free_and_one_minute_less_is_not(
    api, dispatcher
):
    exact, short = technician("Exact"), technician("Short")
    booked(exact, at(12, 30))  # ends 13:30: the 14:00 window is 30 minutes on
    booked(short, at(12, 31))  # ends 13:31: 29 minutes

    rows = candidates(api, dispatcher, at(14)).json()["technicians"]

    assert {row["name"]: row["is_free"] for row in rows} == {
        "Exact": True,
        "Short": False,
    }


def test_visits_that_are_over_or_cancelled_neither_clash_nor_load(api, dispatcher):
    user = technician("Done")
    booked(user, at(14), state="cancelled")
    booked(user, at(10), state="closed")

    [row] = candidates(api, dispatcher, at(14)).json()["technicians"]

    assert row["is_free"] is True
    assert row["load"] == {"visits": 1, "minutes": 60}  # the closed one happened


def test_arrivals_older_than_ninety_days_are_not_in_the_record(api, dispatcher):
    user = technician("Veteran")
    arrivals(user, on_time=0, late=3, days_ago=91)
    arrivals(user, on_time=2, days_ago=89)

    [row] = candidates(api, dispatcher, at(14)).json()["technicians"]

    assert row["on_time"] == {"rate": 1.0, "on_time": 2, "judged": 2}


def test_inactive_technicians_are_not_candidates(api, dispatcher):
    technician("Active")
    gone = technician("Gone")
    gone.technician_profile.is_active = False
    gone.technician_profile.save(update_fields=["is_active"])

    rows = candidates(api, dispatcher, at(14)).json()["technicians"]

    assert [row["name"] for row in rows] == ["Active"]


def test_a_free_candidate_can_be_booked_and_a_busy_one_cannot(api, dispatcher):
    free, busy = technician("Free"), technician("Busy")
    booked(busy, at(14, 45))
    order = WorkOrderFactory()
    rows = candidates(api, dispatcher, at(14), work_order=order.id).json()[
        "technicians"
    ]
    ids = {row["name"]: row["id"] for row in rows}

    def book(user_id):
        return api.as_user(dispatcher).post(
            "/api/v1/visits/",
            {
                "work_order": order.id,
                "technician": user_id,
                "appointed_start": at(14).isoformat(),
                "expected_duration_minutes": 60,
            },
            format="json",
        )

    assert book(ids["Busy"]).status_code == 409
    assert book(ids["Free"]).status_code == 201
    assert Visit.objects.get(work_order=order).technician == free


def test_the_technician_who_visited_the_work_order_before_is_marked(api, dispatcher):
    before, other = technician("Before"), technician("Other")
    visit = booked(before, at(9, days=1))
    Visit.objects.filter(pk=visit.pk).update(state="temporarily_left")

    rows = candidates(api, dispatcher, at(14), work_order=visit.work_order_id).json()[
        "technicians"
    ]

    assert {row["name"]: row["visited_before"] for row in rows} == {
        "Before": True,
        "Other": False,
    }
    assert other


@pytest.mark.parametrize("count", [5, 50])
def test_candidates_take_the_same_queries_for_any_number_of_technicians(
    api, dispatcher, django_assert_num_queries, count
):
    for index in range(count):
        user = technician(f"T{index:03d}")
        booked(user, at(9 + index % 8))
        arrivals(user, on_time=1, late=index % 2)
    order = WorkOrderFactory()
    client = api.as_user(dispatcher)

    # the token, the work order with its visits, the technicians, their
    # visits, their record
    with django_assert_num_queries(6):
        response = client.get(
            CANDIDATES,
            {"start": at(14).isoformat(), "minutes": 60, "work_order": order.id},
        )

    assert len(response.json()["technicians"]) == count


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2030-01-07T14:00:00", "minutes": 60}, "start"),  # no offset
        ({"start": "tomorrow", "minutes": 60}, "start"),
        ({"minutes": 60}, "start"),
        ({"start": "2030-01-07T14:00:00+08:00", "minutes": 0}, "minutes"),
        ({"start": "2030-01-07T14:00:00+08:00", "minutes": -5}, "minutes"),
        ({"start": "2030-01-07T14:00:00+08:00", "minutes": 2000}, "minutes"),
        ({"start": "2020-01-07T14:00:00+08:00", "minutes": 60}, "start"),  # past
    ],
)
def test_a_bad_window_is_a_400_naming_the_field(api, dispatcher, query, field):
    response = api.as_user(dispatcher).get(CANDIDATES, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


def test_an_unknown_work_order_is_a_404(api, dispatcher):
    response = candidates(api, dispatcher, at(14), work_order=987_654)

    assert response.status_code == 404


@pytest.mark.parametrize("path", [CANDIDATES, CUSTOMERS])
def test_only_dispatchers_may_ask(api, technician, customer_user, path):
    query = {"start": at(14).isoformat(), "minutes": 60, "q": "Wang"}

    assert api.as_user(technician).get(path, query).status_code == 403
    assert api.as_user(customer_user).get(path, query).status_code == 403
    api.credentials()
    assert api.get(path, query).status_code in (401, 403)


# --- Customers -----------------------------------------------------------------------


def test_customers_are_found_by_part_of_the_name_with_their_open_work_orders(
    api, dispatcher
):
    wang = CustomerFactory(name="王小明", phone="+8613912345678")
    CustomerFactory(name="李雷", phone="+8613800000001")
    waiting = WorkOrderFactory(customer=wang, description="No signal")
    scheduled = WorkOrderFactory(customer=wang)
    VisitFactory(work_order=scheduled)
    done = WorkOrderFactory(customer=wang)
    Visit.objects.filter(pk=VisitFactory(work_order=done).pk).update(state="closed")

    response = api.as_user(dispatcher).get(CUSTOMERS, {"q": "小明"})

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["name"], row["phone"]) == (
        wang.id,
        "王小明",
        "+8613912345678",
    )
    assert [
        (order["number"], order["has_open_visit"]) for order in row["work_orders"]
    ] == [(scheduled.number, True), (waiting.number, False)]
    assert row["work_orders"][1]["description"] == "No signal"


@pytest.mark.parametrize("typed", ["139 1234", "12345678", "5678"])
def test_customers_are_found_by_digits_of_their_phone(api, dispatcher, typed):
    wang = CustomerFactory(name="Wang", phone="+8613912345678")
    CustomerFactory(name="Li", phone="+8613800000001")

    rows = api.as_user(dispatcher).get(CUSTOMERS, {"q": typed}).json()["results"]

    assert [row["id"] for row in rows] == [wang.id]


@pytest.mark.parametrize("typed", ["", "  ", "13"])
def test_an_empty_or_too_short_search_finds_nobody(api, dispatcher, typed):
    CustomerFactory(name="Wang", phone="+8613912345678")

    rows = api.as_user(dispatcher).get(CUSTOMERS, {"q": typed}).json()["results"]

    assert rows == []


def test_the_customer_of_a_work_order_is_found_by_its_id(api, dispatcher):
    order = WorkOrderFactory()
    WorkOrderFactory()

    rows = (
        api.as_user(dispatcher)
        .get(CUSTOMERS, {"work_order": order.id})
        .json()["results"]
    )

    assert [row["id"] for row in rows] == [order.customer_id]
    assert [o["id"] for o in rows[0]["work_orders"]] == [order.id]


@pytest.mark.parametrize("count", [3, 20])
def test_the_search_takes_the_same_queries_for_any_number_of_matches(
    api, dispatcher, django_assert_num_queries, count
):
    for index in range(count):
        customer = CustomerFactory(name=f"Zhang {index}")
        WorkOrderFactory(customer=customer)
        WorkOrderFactory(customer=customer)
    client = api.as_user(dispatcher)

    with django_assert_num_queries(3):  # the token, the customers, their orders
        response = client.get(CUSTOMERS, {"q": "zhang"})

    assert len(response.json()["results"]) == count


def test_a_return_visit_after_a_leave_without_return_can_be_booked(api, dispatcher):
    """A work order whose visit was left without return needs a new visit."""
    user = technician("Tech")
    order = WorkOrderFactory()
    visit = services.visit_schedule(
        work_order=order,
        technician=user,
        appointed_start=at(10, days=1),
        by=DispatcherFactory(),
    )
    Visit.objects.filter(pk=visit.pk).update(state="temporarily_left")
    visit.leaves.create(
        reason="find_cause",
        is_returning=False,
        fix_deadline=at(10, days=2),
        left_at=timezone.now(),
    )

    rows = (
        api.as_user(dispatcher)
        .get(CUSTOMERS, {"work_order": order.id})
        .json()["results"]
    )

    assert rows[0]["work_orders"][0]["has_open_visit"] is False
