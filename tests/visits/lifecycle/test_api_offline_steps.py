"""docs/rules.md#offline-steps over HTTP: `occurred_at` on the technician's
steps, the Device-Time header, the marks on the visit and its event, the
refusals (each a 400 that writes nothing) and idempotent replays."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from fieldservice.idempotency.models import IdempotencyRecord
from tests.factories import DispatcherFactory, WorkOrderFactory
from visits.lifecycle import services
from visits.models import Call, Visit, VisitEvent

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


def act(api, visit, step, body=None, **headers):
    return api.post(
        f"/api/v1/visits/{visit.id}/actions/{step}/",
        body or {},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


def device_time(moment: datetime) -> dict:
    return {"HTTP_DEVICE_TIME": moment.isoformat()}


def booked(technician, *, appointed_start: datetime, booked_at: datetime) -> Visit:
    dispatcher = DispatcherFactory()
    return services.visit_schedule(
        work_order=WorkOrderFactory(created_by=dispatcher),
        technician=technician,
        appointed_start=appointed_start,
        by=dispatcher,
        now=booked_at,
    )


@pytest.fixture
def appointed():
    """The appointed time: 40 minutes ago (10:00 when it is now 10:40)."""
    return (timezone.now() - 40 * MINUTE).replace(microsecond=0)


@pytest.fixture
def en_route(technician, appointed):
    """Booked yesterday; the technician set off online 20 minutes before."""
    visit = booked(
        technician,
        appointed_start=appointed,
        booked_at=appointed - timedelta(days=1),
    )
    services.visit_start_travel(visit=visit, by=technician, at=appointed - 20 * MINUTE)
    return visit


def written(visit) -> dict:
    """What a refusal must leave as it was."""
    return {
        "visit": Visit.objects.filter(pk=visit.pk).values().get(),
        "events": list(VisitEvent.objects.filter(visit=visit).values()),
        "calls": list(Call.objects.filter(visit=visit).values()),
        "idempotency": IdempotencyRecord.objects.count(),
    }


def received_at(response) -> datetime:
    return datetime.fromisoformat(response.json()["events"][-1]["data"]["received_at"])


def test_an_offline_arrival_five_minutes_after_the_appointment_is_on_time_and_marked(
    api, technician, en_route, appointed
):
    response = act(
        api.as_user(technician),
        en_route,
        "arrive",
        {"occurred_at": (appointed + 5 * MINUTE).isoformat()},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "arrived"
    assert datetime.fromisoformat(body["arrived_at"]) == appointed + 5 * MINUTE
    assert body["punctuality"] == "on_time"
    assert body["arrival_deviation_seconds"] == 300
    assert body["arrival_time_source"] == "device"
    event = body["events"][-1]
    assert event["kind"] == "arrive"
    assert datetime.fromisoformat(event["at"]) == appointed + 5 * MINUTE
    assert event["data"]["time_source"] == "device"
    assert datetime.fromisoformat(event["data"]["device_time"]) == (
        appointed + 5 * MINUTE
    )
    assert event["data"]["device_sent_at"] is None
    assert event["data"]["clock_offset_seconds"] is None
    assert received_at(response) - appointed >= 40 * MINUTE


def test_an_arrival_without_occurred_at_is_on_the_servers_clock(api, technician):
    visit = booked(
        technician,
        appointed_start=timezone.now() + 5 * MINUTE,
        booked_at=timezone.now() - timedelta(days=1),
    )
    services.visit_start_travel(visit=visit, by=technician)
    before = timezone.now()

    response = act(api.as_user(technician), visit, "arrive")

    body = response.json()
    assert body["arrival_time_source"] == "server"
    assert before <= datetime.fromisoformat(body["arrived_at"]) <= timezone.now()
    assert "time_source" not in body["events"][-1]["data"]


def test_a_phone_seven_minutes_slow_sending_device_time_is_corrected(
    api, technician, en_route, appointed
):
    """The technician arrived at 10:05 on the server's clock, 09:58 on the
    phone's; the phone sends at 10:33 on its clock (10:40 on the server's)."""
    slow = 7 * MINUTE
    phone_now = timezone.now() - slow

    response = act(
        api.as_user(technician),
        en_route,
        "arrive",
        {"occurred_at": (appointed + 5 * MINUTE - slow).isoformat()},
        **device_time(phone_now),
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    data = body["events"][-1]["data"]
    offset = received_at(response) - phone_now
    assert data["clock_offset_seconds"] == round(offset.total_seconds()) == 420
    assert datetime.fromisoformat(body["arrived_at"]) == (
        appointed + 5 * MINUTE - slow + offset
    )
    assert body["punctuality"] == "on_time"
    assert body["arrival_deviation_seconds"] == 300
    assert datetime.fromisoformat(data["device_time"]) == appointed - 2 * MINUTE


def test_a_step_exactly_the_clock_allowance_ahead_is_recorded_at_the_servers_time(
    api, technician, en_route
):
    """Device-Time makes the corrected time exact: occurred_at 300 s after the
    Device-Time is 300 s after the moment the server received the request."""
    phone_now = timezone.now()
    api.as_user(technician)
    ahead = act(
        api,
        en_route,
        "arrive",
        {"occurred_at": (phone_now + 301 * SECOND).isoformat(), "late_reason": "x"},
        **device_time(phone_now),
    )
    assert ahead.status_code == 400
    assert ahead.json()["code"] == "occurred_in_future"

    response = act(
        api,
        en_route,
        "arrive",
        {"occurred_at": (phone_now + 300 * SECOND).isoformat(), "late_reason": "x"},
        **device_time(phone_now),
    )

    assert response.status_code == 200, response.json()
    assert datetime.fromisoformat(response.json()["arrived_at"]) == received_at(
        response
    )


@pytest.mark.parametrize(
    ("occurred", "code"),
    [
        (lambda appointed: timezone.now() + 301 * SECOND, "occurred_in_future"),
        (
            lambda appointed: timezone.now() - timedelta(hours=12, minutes=1),
            "occurred_too_long_ago",
        ),
        (
            lambda appointed: appointed - 20 * MINUTE - SECOND,
            "occurred_before_previous_step",
        ),
    ],
    ids=["future", "too-old", "before-setting-off"],
)
def test_an_offline_arrival_out_of_bounds_is_a_400_that_writes_nothing(
    api, technician, en_route, appointed, occurred, code
):
    before = written(en_route)

    response = act(
        api.as_user(technician),
        en_route,
        "arrive",
        {"occurred_at": occurred(appointed).isoformat(), "late_reason": "x"},
        HTTP_IDEMPOTENCY_KEY=f"arrive-{code}",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"].startswith("The phone dates this step ")
    assert written(en_route) == before


def test_a_step_dated_before_the_last_record_says_which_record_it_is(
    api, technician, en_route, appointed
):
    response = act(
        api.as_user(technician),
        en_route,
        "arrive",
        {"occurred_at": (appointed - 25 * MINUTE).isoformat()},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["previous_step"] == "start_travel"
    assert datetime.fromisoformat(body["previous_step_at"]) == appointed - 20 * MINUTE
    local = timezone.localtime(appointed - 20 * MINUTE)
    assert f"(On my way, {local:%Y-%m-%d %H:%M:%S})" in body["detail"]


def test_the_maximum_age_follows_the_setting(api, technician, settings):
    visit = booked(
        technician,
        appointed_start=timezone.now() + timedelta(hours=1),
        booked_at=timezone.now() - timedelta(days=2),
    )
    tapped = (timezone.now() - timedelta(hours=13)).isoformat()
    api.as_user(technician)

    refused = act(api, visit, "start-travel", {"occurred_at": tapped})
    settings.OFFLINE_STEP_MAX_AGE_HOURS = 14
    accepted = act(api, visit, "start-travel", {"occurred_at": tapped})

    assert refused.status_code == 400
    assert refused.json()["code"] == "occurred_too_long_ago"
    assert "more than 12 hours ago" in refused.json()["detail"]
    assert accepted.status_code == 200


@pytest.mark.parametrize(
    "header", ["yesterday", "2026-11-23T10:40:00", "2026-13-01T00:00:00+08:00"]
)
def test_an_unreadable_device_time_is_a_400_that_writes_nothing(
    api, technician, en_route, appointed, header
):
    before = written(en_route)

    response = act(
        api.as_user(technician),
        en_route,
        "arrive",
        {"occurred_at": (appointed + 5 * MINUTE).isoformat()},
        HTTP_DEVICE_TIME=header,
        HTTP_IDEMPOTENCY_KEY="arrive-bad-header",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "device_time_invalid",
        "detail": "The Device-Time header must be the phone's date and time with "
        "its offset from UTC (ISO 8601), for example 2026-11-23T10:40:00+08:00.",
        "header": "Device-Time",
    }
    assert written(en_route) == before


def test_an_unreadable_device_time_is_refused_in_chinese(api, technician, en_route):
    response = api.as_user(technician).post(
        f"/api/v1/visits/{en_route.id}/actions/arrive/",
        {},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        HTTP_DEVICE_TIME="soon",
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Device-Time 请求头")


def test_occurred_at_without_an_offset_is_refused(api, technician, en_route):
    before = written(en_route)

    response = act(
        api.as_user(technician),
        en_route,
        "arrive",
        {"occurred_at": "2026-11-23T10:05:00"},
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "occurred_at": [
            "Give the time with its offset from UTC, for example "
            "2026-11-23T10:05:00+08:00."
        ]
    }
    assert written(en_route) == before


def test_a_replayed_offline_arrival_returns_the_first_answer(
    api, technician, en_route, appointed
):
    """The answer to the first sending was lost; the phone sends the same
    arrival again later, with a new Device-Time."""
    body = {"occurred_at": (appointed + 5 * MINUTE).isoformat()}
    api.as_user(technician)
    first = act(
        api,
        en_route,
        "arrive",
        body,
        HTTP_IDEMPOTENCY_KEY="arrive-1",
        **device_time(timezone.now()),
    )

    again = act(
        api,
        en_route,
        "arrive",
        body,
        HTTP_IDEMPOTENCY_KEY="arrive-1",
        **device_time(timezone.now() + 2 * MINUTE),
    )

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert VisitEvent.objects.filter(visit=en_route, kind="arrive").count() == 1


def test_a_dispatchers_step_takes_no_occurred_at(api, dispatcher, en_route):
    """Only the technician's own steps may be dated by the phone: a
    dispatcher's step ignores the field and is recorded at the server's time."""
    before = timezone.now()

    response = act(
        api.as_user(dispatcher),
        en_route,
        "cancel",
        {"reason": "Customer cancelled", "occurred_at": "2026-01-01T00:00:00+08:00"},
    )

    assert response.status_code == 200
    assert datetime.fromisoformat(response.json()["closed_at"]) >= before
