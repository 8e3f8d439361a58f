"""When customers are called: quiet hours, reminders, follow-up, retries."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from visits.calls.rules import (
    CallPurpose,
    follow_up_time,
    is_superseded,
    next_allowed_time,
    placing_time,
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


# --- Placing: the rules hold when the call would ring -------------------------

VISIT_AT_TEN = local(2026, 11, 24, 10, 0)


@pytest.mark.parametrize(
    ("purpose", "now", "expected"),
    [
        # the evening edge: 20:59:59 rings, 21:00 waits for 08:00
        (
            CallPurpose.FOLLOW_UP,
            local(2026, 11, 23, 20, 59, 59),
            local(2026, 11, 23, 20, 59, 59),
        ),
        (CallPurpose.FOLLOW_UP, local(2026, 11, 23, 21, 0), local(2026, 11, 24, 8, 0)),
        (CallPurpose.FOLLOW_UP, local(2026, 11, 23, 21, 10), local(2026, 11, 24, 8, 0)),
        # the morning edge: 07:59:59 waits, 08:00 rings
        (
            CallPurpose.FOLLOW_UP,
            local(2026, 11, 24, 7, 59, 59),
            local(2026, 11, 24, 8, 0),
        ),
        (CallPurpose.FOLLOW_UP, local(2026, 11, 24, 8, 0), local(2026, 11, 24, 8, 0)),
        # the 60-minute reminder of a 10:00 visit, late at night: at 08:00
        (
            CallPurpose.REMINDER_BEFORE_ARRIVAL,
            local(2026, 11, 24, 3, 0),
            local(2026, 11, 24, 8, 0),
        ),
        # the day-before reminder, late past 21:00: by 08:00 it is the visit's
        # day, where the 60-minute reminder does the reminding
        (CallPurpose.REMINDER_DAY_BEFORE, local(2026, 11, 23, 21, 10), None),
        (
            CallPurpose.REMINDER_DAY_BEFORE,
            local(2026, 11, 23, 20, 59, 59),
            local(2026, 11, 23, 20, 59, 59),
        ),
    ],
)
def test_a_call_due_in_quiet_hours_waits_for_their_end(purpose, now, expected):
    appointed = None if purpose is CallPurpose.FOLLOW_UP else VISIT_AT_TEN

    assert placing_time(purpose, now, appointed=appointed, **QUIET) == expected


def test_a_reminder_that_would_wait_past_the_visit_is_dropped():
    visit_at_eight = local(2026, 11, 24, 8, 0)

    assert (
        placing_time(
            CallPurpose.REMINDER_BEFORE_ARRIVAL,
            local(2026, 11, 24, 7, 0),
            appointed=visit_at_eight,
            **QUIET,
        )
        is None
    )


def test_quiet_hours_are_on_the_customers_clock():
    urumqi = ZoneInfo("Asia/Urumqi")  # two hours behind Beijing
    nine_pm_in_beijing = local(2026, 11, 23, 21, 10)

    assert (
        placing_time(
            CallPurpose.FOLLOW_UP,
            nine_pm_in_beijing,
            appointed=None,
            quiet_start=time(21, 0),
            quiet_end=time(8, 0),
            tz=urumqi,
        )
        == nine_pm_in_beijing
    )


@pytest.mark.parametrize(
    ("others_due", "expected"),
    [
        ([local(2026, 11, 24, 9, 0)], True),  # the later reminder is due too
        ([local(2026, 11, 24, 9, 0, 1)], False),  # not yet due
        ([local(2026, 11, 23, 17, 0)], False),  # an earlier one does not supersede
        ([], False),
    ],
)
def test_a_reminder_is_superseded_by_a_later_due_one(others_due, expected):
    day_before = local(2026, 11, 23, 18, 0)

    assert (
        is_superseded(day_before, others_due=others_due, now=local(2026, 11, 24, 9, 0))
        is expected
    )
