"""docs/rules.md#day-board: when the day board says a visit is late now or at
risk, at each boundary."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from visits.console.rules import board_flags

START = datetime(2026, 12, 7, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TOLERANCE = timedelta(minutes=10)
AT_RISK = timedelta(minutes=30)


def flags(state: str, now: datetime):
    return board_flags(
        state=state,
        appointed_start=START,
        arrival_tolerance=TOLERANCE,
        at_risk_before=AT_RISK,
        now=now,
    )


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return START.replace(hour=hour, minute=minute, second=second)


@pytest.mark.parametrize("state", ["scheduled", "en_route"])
def test_not_arrived_at_the_end_of_the_tolerance_is_not_yet_late(state):
    assert flags(state, at(9, 40)).is_late_now is False


@pytest.mark.parametrize("state", ["scheduled", "en_route"])
def test_not_arrived_one_second_past_the_tolerance_is_late_now(state):
    assert flags(state, at(9, 40, 1)).is_late_now is True


def test_eleven_minutes_past_the_start_and_not_on_the_way_is_late_now():
    assert flags("scheduled", at(9, 41)).is_late_now is True


@pytest.mark.parametrize(
    "state",
    [
        "arrived",
        "in_progress",
        "temporarily_left",
        "work_done",
        "signed_off",
        "closed",
        "cancelled",
        "no_show",
    ],
)
def test_a_visit_past_arrival_or_ended_is_never_late_now(state):
    result = flags(state, at(12, 0))
    assert (result.is_late_now, result.is_at_risk) == (False, False)


def test_the_tolerance_is_the_visits_own():
    result = board_flags(
        state="scheduled",
        appointed_start=START,
        arrival_tolerance=timedelta(minutes=20),
        at_risk_before=AT_RISK,
        now=at(9, 45),
    )
    assert result.is_late_now is False


def test_not_set_off_just_before_the_at_risk_window_is_not_at_risk():
    assert flags("scheduled", at(8, 59, 59)).is_at_risk is False


def test_not_set_off_exactly_at_risk_minutes_before_the_start_is_at_risk():
    assert flags("scheduled", at(9, 0)).is_at_risk is True


def test_not_set_off_at_the_end_of_the_tolerance_is_still_at_risk_not_late():
    result = flags("scheduled", at(9, 40))
    assert (result.is_late_now, result.is_at_risk) == (False, True)


def test_a_late_visit_is_not_also_at_risk():
    result = flags("scheduled", at(9, 40, 1))
    assert (result.is_late_now, result.is_at_risk) == (True, False)


def test_a_technician_on_the_way_is_never_at_risk():
    assert flags("en_route", at(9, 25)).is_at_risk is False


def test_the_at_risk_window_is_the_setting():
    result = board_flags(
        state="scheduled",
        appointed_start=START,
        arrival_tolerance=TOLERANCE,
        at_risk_before=timedelta(minutes=60),
        now=at(8, 30),
    )
    assert result.is_at_risk is True
