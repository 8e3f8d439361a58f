"""docs/rules.md#offline-steps through the services: a step the phone took
offline is recorded at the time it reports, corrected by the phone's measured
clock and marked as device-reported, within bounds; a refusal writes nothing."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from fieldservice.device_time import DeviceClock, ReportedTime
from fieldservice.errors import InvalidInput
from tests.visits.lifecycle.service_helpers import (
    SHANGHAI,
    book,
    event_rows,
    future_appointment,
    minutes,
    refused,
    visit_row,
    withdraw_checklists,
)
from visits.lifecycle import services
from visits.models import Call, LeaveReason, TemporaryLeave

pytestmark = pytest.mark.django_db

TEN = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # the appointed time
SET_OFF = TEN - minutes(20)
RECEIVED = TEN + minutes(40)  # the network is back


@pytest.fixture(autouse=True)
def _no_checklist_in_force(db):
    withdraw_checklists()


@pytest.fixture
def en_route(dispatcher, technician):
    """Booked for 10:00; the technician set off online at 09:40."""
    visit = book(dispatcher=dispatcher, technician=technician, appointed_start=TEN)
    services.visit_start_travel(visit=visit, by=technician, at=SET_OFF)
    return visit


def phone(
    occurred_at: datetime,
    *,
    received_at: datetime = RECEIVED,
    clock_behind: timedelta | None = None,
) -> ReportedTime:
    """A time the phone reports; with `clock_behind`, the request's Device-Time
    shows the phone's clock that much behind the server's."""
    sent_at = None if clock_behind is None else received_at - clock_behind
    return ReportedTime(
        occurred_at=occurred_at,
        clock=DeviceClock(received_at=received_at, sent_at=sent_at),
    )


def arrival(visit) -> dict:
    row = visit_row(visit)
    names = (
        "state",
        "arrived_at",
        "arrival_time_source",
        "punctuality",
        "arrival_deviation_seconds",
    )
    return {name: row[name] for name in names}


def calls(visit) -> list[dict]:
    return list(Call.objects.filter(visit=visit).order_by("pk").values())


def test_an_arrival_tapped_offline_at_ten_past_five_and_received_at_ten_forty_is_on_time(
    en_route, technician
):
    services.visit_arrive(
        visit=en_route, by=technician, reported=phone(TEN + minutes(5))
    )

    assert arrival(en_route) == {
        "state": "arrived",
        "arrived_at": TEN + minutes(5),
        "arrival_time_source": "device",
        "punctuality": "on_time",
        "arrival_deviation_seconds": 300,
    }
    assert event_rows(en_route)[-1]["at"] == TEN + minutes(5)
    assert event_rows(en_route)[-1]["data"] == {
        "punctuality": "on_time",
        "deviation_seconds": 300,
        "late_reason": "",
        "time_source": "device",
        "device_time": "2026-12-07T10:05:00+08:00",
        "device_sent_at": None,
        "clock_offset_seconds": None,
        "received_at": "2026-12-07T10:40:00+08:00",
    }


def test_an_arrival_from_a_phone_seven_minutes_slow_is_corrected_by_its_device_time(
    en_route, technician
):
    """The phone showed 09:58 when the technician arrived at 10:05, and 10:33
    when it sent the arrival at 10:40."""
    services.visit_arrive(
        visit=en_route,
        by=technician,
        reported=phone(TEN - minutes(2), clock_behind=minutes(7)),
    )

    assert arrival(en_route)["arrived_at"] == TEN + minutes(5)
    assert arrival(en_route)["arrival_deviation_seconds"] == 300
    data = event_rows(en_route)[-1]["data"]
    assert data["device_time"] == "2026-12-07T09:58:00+08:00"
    assert data["device_sent_at"] == "2026-12-07T10:33:00+08:00"
    assert data["clock_offset_seconds"] == 420


def test_an_arrival_sent_online_is_on_the_servers_clock(en_route, technician):
    services.visit_arrive(visit=en_route, by=technician, at=TEN + minutes(5))

    assert arrival(en_route)["arrival_time_source"] == "server"
    assert "time_source" not in event_rows(en_route)[-1]["data"]


def test_an_offline_arrival_late_by_its_own_time_still_needs_a_reason(
    en_route, technician
):
    """Judged on the time reported: 10:11 is late even if it reached the
    server only at 10:40."""
    before = calls(en_route)
    with refused(InvalidInput, code="late_reason_required"):
        services.visit_arrive(
            visit=en_route, by=technician, reported=phone(TEN + minutes(11))
        )
    assert calls(en_route) == before


@pytest.mark.parametrize(
    ("occurred_at", "code"),
    [
        (RECEIVED + timedelta(seconds=301), "occurred_in_future"),
        (RECEIVED - timedelta(hours=12, seconds=1), "occurred_too_long_ago"),
        (SET_OFF - timedelta(seconds=1), "occurred_before_previous_step"),
    ],
    ids=["future", "too-old", "before-setting-off"],
)
def test_an_offline_arrival_out_of_bounds_is_refused_and_writes_nothing(
    en_route, technician, occurred_at, code
):
    before = calls(en_route)

    with refused(InvalidInput, code=code):
        services.visit_arrive(
            visit=en_route, by=technician, reported=phone(occurred_at)
        )

    assert calls(en_route) == before


def test_the_clock_allowance_is_exact_at_its_boundary(en_route, technician):
    """300 s ahead of the server is recorded at the server's time; 301 s is not."""
    with refused(InvalidInput, code="occurred_in_future"):
        services.visit_arrive(
            visit=en_route,
            by=technician,
            late_reason="traffic",
            reported=phone(RECEIVED + timedelta(seconds=301)),
        )

    services.visit_arrive(
        visit=en_route,
        by=technician,
        late_reason="traffic",
        reported=phone(RECEIVED + timedelta(seconds=300)),
    )

    assert arrival(en_route)["arrived_at"] == RECEIVED
    assert event_rows(en_route)[-1]["at"] == RECEIVED


def test_the_maximum_age_is_read_when_the_step_is_taken(en_route, technician, settings):
    settings.OFFLINE_STEP_MAX_AGE_HOURS = 1
    occurred = TEN + minutes(5)

    with refused(InvalidInput, code="occurred_too_long_ago"):
        services.visit_arrive(
            visit=en_route,
            by=technician,
            reported=phone(
                occurred, received_at=occurred + timedelta(hours=1, seconds=1)
            ),
        )


def test_a_step_dated_before_a_reschedule_made_while_offline_is_refused(
    dispatcher, technician
):
    """The technician set off offline for 10:00; meanwhile the dispatcher moved
    the visit. Setting off before the move would put the visit on the way
    while it was being rescheduled: refused, naming the move."""
    # A reschedule reads the real clock: the visit is always ahead of it.
    ten = future_appointment(hour=10, minute=0)
    visit = book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=ten,
        now=timezone.now() - timedelta(days=1),
    )
    services.visit_reschedule(
        visit=visit,
        appointed_start=ten + timedelta(hours=4),
        by=dispatcher,
        reason="Customer asked for the afternoon",
    )
    moved_at = event_rows(visit)[-1]["at"]

    with (
        translation.override("en"),
        refused(InvalidInput, code="occurred_before_previous_step") as caught,
    ):
        services.visit_start_travel(
            visit=visit,
            by=technician,
            reported=phone(moved_at - minutes(10), received_at=moved_at + minutes(30)),
        )

    assert caught.value.extra["previous_step"] == "rescheduled"
    assert str(caught.value.detail).startswith("The phone dates this step ")
    assert "before the visit's last record (Rescheduled, " in str(caught.value.detail)


def test_a_return_dated_before_the_leave_is_refused_and_one_after_it_is_recorded(
    en_route, technician
):
    services.visit_arrive(visit=en_route, by=technician, at=TEN + minutes(5))
    services.visit_start_work(visit=en_route, by=technician, at=TEN + minutes(10))
    services.visit_leave(
        visit=en_route,
        by=technician,
        reason=LeaveReason.FETCH_MATERIALS,
        is_returning=True,
        reported=phone(TEN + minutes(40), received_at=TEN + minutes(90)),
    )

    with refused(InvalidInput, code="occurred_before_previous_step"):
        services.visit_return(
            visit=en_route,
            by=technician,
            reported=phone(TEN + minutes(39), received_at=TEN + minutes(90)),
        )
    services.visit_return(
        visit=en_route,
        by=technician,
        reported=phone(TEN + minutes(70), received_at=TEN + minutes(90)),
    )

    leave = TemporaryLeave.objects.get(visit=en_route)
    assert (leave.left_at, leave.returned_at) == (TEN + minutes(40), TEN + minutes(70))
    events = event_rows(en_route)
    assert [event["kind"] for event in events[-2:]] == ["leave", "return"]
    assert events[-1]["data"]["away_seconds"] == 1800
    assert events[-1]["data"]["time_source"] == "device"
    assert events[-2]["data"]["time_source"] == "device"


def test_a_step_takes_a_trusted_time_or_a_reported_one_not_both(en_route, technician):
    with pytest.raises(ValueError, match="not both"):
        services.visit_arrive(
            visit=en_route,
            by=technician,
            at=TEN,
            reported=phone(TEN + minutes(5)),
        )
