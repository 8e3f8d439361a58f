"""GET /api/v1/console/board/: the day board over HTTP."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests.visits.console.board_helpers import populate_board
from tests.visits.lifecycle.service_helpers import APPOINTED, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """`clock(moment)` sets the server's time (timezone.now) to `moment`."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))

    return set_to


URL = "/api/v1/console/board/"
DAY = APPOINTED.date().isoformat()


def test_a_dispatcher_sees_each_technicians_visits_with_their_flags(
    api, dispatcher, technician, clock
):
    visit = book(dispatcher=dispatcher, technician=technician)

    clock(APPOINTED + timedelta(minutes=11))
    response = api.as_user(dispatcher).get(URL, {"day": DAY})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["day"] == DAY
    assert body["now"] == "2026-12-07T09:41:00+08:00"
    assert body["refresh_seconds"] == 15
    [row] = body["rows"]
    assert row["technician"] == {
        "id": technician.pk,
        "name": technician.display_name,
        "employee_number": technician.technician_profile.employee_number,
        "is_active": True,
    }
    [entry] = row["visits"]
    assert entry["id"] == visit.pk
    assert entry["work_order"] == {
        "id": visit.work_order.pk,
        "number": visit.work_order.number,
        "kind": "repair",
        "customer_name": visit.work_order.customer_name,
        "address": visit.work_order.address,
    }
    assert entry["state"] == "scheduled"
    assert entry["appointed_start"] == "2026-12-07T09:30:00+08:00"
    assert entry["expected_end"] == "2026-12-07T10:30:00+08:00"
    assert entry["arrived_at"] is None
    assert entry["work_done_at"] is None
    assert (entry["is_late_now"], entry["is_at_risk"]) == (True, False)
    assert entry["is_movable"] is True
    assert entry["leave"] is None
    assert (
        entry["has_contested_conduct"],
        entry["has_failed_call"],
        entry["has_open_complaint"],
    ) == (False, False, False)
    assert body["reschedule_requests"] == []
    assert body["return_visits"] == []


def test_the_day_defaults_to_today(api, dispatcher):
    response = api.as_user(dispatcher).get(URL)

    assert response.status_code == 200
    assert response.json()["day"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("day", ["2026-13-01", "tomorrow", "0001-01-01"])
def test_a_bad_day_is_a_400_with_its_code(api, dispatcher, day):
    response = api.as_user(dispatcher).get(URL, {"day": day})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_day"


def test_a_technician_may_not_read_the_board(api, technician):
    response = api.as_user(technician).get(URL)

    assert response.status_code == 403


def test_nobody_signed_in_may_not_read_the_board(api):
    assert api.get(URL).status_code in (401, 403)


def test_an_unchanged_board_answers_304_to_its_etag(api, dispatcher, technician, clock):
    book(dispatcher=dispatcher, technician=technician)
    api.as_user(dispatcher)
    clock(APPOINTED - timedelta(hours=2))
    first = api.get(URL, {"day": DAY})
    etag = first["ETag"]

    clock(APPOINTED - timedelta(hours=1))
    again = api.get(URL, {"day": DAY}, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_the_etag_changes_when_a_visit_turns_late(api, dispatcher, technician, clock):
    book(dispatcher=dispatcher, technician=technician)
    api.as_user(dispatcher)
    clock(APPOINTED + timedelta(minutes=10))
    etag = api.get(URL, {"day": DAY})["ETag"]

    clock(APPOINTED + timedelta(minutes=11))
    response = api.get(URL, {"day": DAY}, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["rows"][0]["visits"][0]["is_late_now"] is True


def test_the_etag_changes_when_a_visit_moves(api, dispatcher, technician, clock):
    visit = book(dispatcher=dispatcher, technician=technician)
    api.as_user(dispatcher)
    clock(APPOINTED - timedelta(days=1))
    etag = api.get(URL, {"day": DAY})["ETag"]
    visit.appointed_start += timedelta(hours=1)
    visit.save(update_fields=["appointed_start"])
    response = api.get(URL, {"day": DAY}, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200


@pytest.mark.parametrize("technicians", [10, 500])
def test_the_board_api_takes_the_same_queries_at_any_size(
    api, django_assert_num_queries, technicians
):
    dispatcher, _users, _visits = populate_board(
        technicians=technicians, visits_each=6, day=APPOINTED.date()
    )
    api.as_user(dispatcher)

    # The token's user, then the board's five reads.
    with django_assert_num_queries(6):
        response = api.get(URL, {"day": DAY})

    assert response.status_code == 200
    body = response.json()
    assert len(body["rows"]) == technicians
    assert sum(len(row["visits"]) for row in body["rows"]) == technicians * 6
    assert body["reschedule_requests"]


def test_a_visit_nobody_has_started_answers_as_the_schema_documents(
    api, dispatcher, technician, clock
):
    from drf_spectacular.generators import SchemaGenerator

    from tests.fieldservice.test_schema_truth import assert_answer_documented

    book(dispatcher=dispatcher, technician=technician)
    clock(APPOINTED - timedelta(hours=1))

    response = api.as_user(dispatcher).get(URL, {"day": DAY})

    [entry] = response.json()["rows"][0]["visits"]
    assert [entry["en_route_at"], entry["arrived_at"], entry["work_done_at"]] == [
        None,
        None,
        None,
    ]
    openapi = SchemaGenerator().get_schema(request=None, public=True)
    assert_answer_documented(openapi, "GET", f"{URL}?day={DAY}", response)
