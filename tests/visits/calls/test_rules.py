"""When customers are called: quiet hours, reminders, follow-up, retries."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from visits.calls.rules import (
    CallPurpose,
    follow_up_time,
    next_allowed_time,
    reminder_times,
    retry_delay,
)

# --- Calls and complaint clocks ------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUIET = {"quiet_start": time(21, 0), "quiet_end": time(8, 0), "tz": SHANGHAI}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 11, 23, 20, 59, 59), local(2026, 11, 23, 20, 59, 59)),
        (local(2026, 11, 23, 21, 0), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 24, 2, 30), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 24, 7, 59, 59), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 24, 8, 0), local(2026, 11, 24, 8, 0)),
    ],
    ids=["just-before-21", "at-21", "at-night", "just-before-8", "at-8"],
)
def test_nobody_is_called_between_21_and_8(moment, expected):
    assert next_allowed_time(moment, **QUIET) == expected


def test_quiet_hours_follow_the_customers_time_zone():
    urumqi = ZoneInfo("Asia/Urumqi")  # two hours behind Beijing
    moment = local(2026, 11, 24, 9, 30)  # 07:30 in Urumqi

    moved = next_allowed_time(
        moment, quiet_start=time(21), quiet_end=time(8), tz=urumqi
    )

    assert moved == datetime(2026, 11, 24, 8, 0, tzinfo=urumqi)


def reminders(appointed, now):
    return reminder_times(
        appointed=appointed, now=now, day_before_at=time(18), minutes_before=60, **QUIET
    )


def test_a_visit_booked_days_ahead_gets_two_reminders():
    times = reminders(local(2026, 11, 26, 14, 0), now=local(2026, 11, 23, 10, 0))

    assert times == {
        CallPurpose.REMINDER_DAY_BEFORE: local(2026, 11, 25, 18, 0),
        CallPurpose.REMINDER_BEFORE_ARRIVAL: local(2026, 11, 26, 13, 0),
    }


def test_a_reminder_that_falls_at_night_moves_to_eight():
    times = reminders(local(2026, 11, 26, 8, 30), now=local(2026, 11, 23, 10, 0))

    assert times[CallPurpose.REMINDER_BEFORE_ARRIVAL] == local(2026, 11, 26, 8, 0)


def test_a_reminder_that_would_come_only_at_the_appointed_time_is_dropped():
    times = reminders(local(2026, 11, 26, 8, 0), now=local(2026, 11, 23, 10, 0))

    assert CallPurpose.REMINDER_BEFORE_ARRIVAL not in times
    assert times[CallPurpose.REMINDER_DAY_BEFORE] == local(2026, 11, 25, 18, 0)


def test_a_visit_booked_for_the_same_day_gets_one_reminder_now():
    now = local(2026, 11, 23, 10, 0)

    times = reminders(local(2026, 11, 23, 10, 40), now=now)

    assert times == {CallPurpose.REMINDER_BEFORE_ARRIVAL: now}


def test_a_visit_booked_at_night_for_the_next_morning_is_called_at_eight():
    times = reminders(local(2026, 11, 24, 9, 0), now=local(2026, 11, 23, 22, 30))

    assert times == {CallPurpose.REMINDER_BEFORE_ARRIVAL: local(2026, 11, 24, 8, 0)}


def test_the_follow_up_call_is_the_next_day_at_ten():
    moment = follow_up_time(signed_at=local(2026, 11, 23, 20, 50), at=time(10), **QUIET)

    assert moment == local(2026, 11, 24, 10, 0)


def test_retries_back_off_exponentially_up_to_an_hour():
    assert [retry_delay(attempt).total_seconds() for attempt in (1, 2, 3, 7, 8)] == [
        60,
        120,
        240,
        3600,
        3600,
    ]
