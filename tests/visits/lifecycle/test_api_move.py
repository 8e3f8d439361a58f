"""POST /api/v1/visits/{id}/actions/move/: the day board's drag over HTTP."""

from datetime import timedelta

import pytest

from tests.factories import TechnicianFactory
from tests.visits.lifecycle import service_helpers
from tests.visits.lifecycle.service_helpers import database_rows, future_appointment

pytestmark = pytest.mark.django_db
# A move reads the real clock: the visit and its new time are always ahead.
APPOINTED = future_appointment()
LATER = (APPOINTED + timedelta(hours=3)).isoformat()


def book(**options):
    options.setdefault("appointed_start", APPOINTED)
    return service_helpers.book(**options)


def move(api, visit, body, **headers):
    return api.post(
        f"/api/v1/visits/{visit.id}/actions/move/", body, format="json", **headers
    )


@pytest.fixture
def visit(dispatcher, technician):
    return book(dispatcher=dispatcher, technician=technician)


def test_a_dispatcher_moves_a_visit_to_another_time_and_technician(
    api, dispatcher, visit, other_technician
):
    response = move(
        api.as_user(dispatcher),
        visit,
        {
            "appointed_start": LATER,
            "technician": other_technician.id,
            "reason": "客户改约",
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["appointed_start"] == LATER
    assert body["technician"]["id"] == other_technician.id
    moved = [e["kind"] for e in body["events"] if e["kind"] != "scheduled"]
    assert moved == ["rescheduled", "reassigned"]


def test_a_refused_move_says_why_and_changes_nothing(
    api, dispatcher, technician, visit
):
    book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=APPOINTED + timedelta(hours=3),
    )
    before = database_rows()

    response = move(
        api.as_user(dispatcher),
        visit,
        {"appointed_start": LATER, "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "technician_busy"
    assert response.json()["detail"].startswith(f"{technician} already has visit")
    assert database_rows() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"appointed_start": LATER}, "reason"),
        ({"appointed_start": "2026-13-45T99:00", "reason": "x"}, "appointed_start"),
        # Without its offset the time would be read on the server's clock.
        ({"appointed_start": "2026-12-07T12:30:00", "reason": "x"}, "appointed_start"),
        ({"technician": 999999, "reason": "x"}, "technician"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, dispatcher, visit, body, field):
    before = database_rows()

    response = move(api.as_user(dispatcher), visit, body)

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert database_rows() == before


def test_an_inactive_technician_is_refused(api, dispatcher, visit):
    newcomer = TechnicianFactory(is_active=False)

    response = move(
        api.as_user(dispatcher), visit, {"technician": newcomer.id, "reason": "x"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "technician_inactive"


def test_a_technician_may_not_move_his_visit(api, technician, visit):
    response = move(
        api.as_user(technician), visit, {"appointed_start": LATER, "reason": "x"}
    )

    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.appointed_start == APPOINTED


def test_a_replayed_move_answers_the_first_answer(api, dispatcher, visit):
    api.as_user(dispatcher)
    body = {"appointed_start": LATER, "reason": "x"}

    first = move(api, visit, body, HTTP_IDEMPOTENCY_KEY="move-1")
    again = move(api, visit, body, HTTP_IDEMPOTENCY_KEY="move-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert visit.events.filter(kind="rescheduled").count() == 1
