"""The complaint clocks as the queues read them: met, missed, overdue, due soon,
running, with the time left, at their boundaries."""

from datetime import UTC, datetime, timedelta

import pytest

from visits.console.rules import ClockStatus, clock_status

DUE = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def read(*, done_at=None, now=DUE, due_soon_hours=12):
    return clock_status(
        due_at=DUE, done_at=done_at, now=now, due_soon_hours=due_soon_hours
    )


def test_answered_exactly_at_the_due_time_is_met_with_no_time_left():
    reading = read(done_at=DUE, now=DUE + timedelta(days=3))

    assert (reading.status, reading.seconds_left) == (ClockStatus.MET, 0)


def test_answered_a_second_late_is_missed_by_a_second():
    reading = read(done_at=DUE + timedelta(seconds=1), now=DUE + timedelta(days=3))

    assert (reading.status, reading.seconds_left) == (ClockStatus.MISSED, -1)


def test_answered_early_is_met_with_the_margin_it_had():
    reading = read(done_at=DUE - timedelta(hours=30), now=DUE + timedelta(days=3))

    assert (reading.status, reading.seconds_left) == (ClockStatus.MET, 30 * 3600)


def test_a_clock_stopped_reads_the_same_whatever_the_time_now():
    early = read(done_at=DUE - timedelta(hours=1), now=DUE - timedelta(minutes=30))
    later = read(done_at=DUE - timedelta(hours=1), now=DUE + timedelta(days=30))

    assert early == later


def test_not_answered_at_the_due_time_is_due_soon_with_nothing_left():
    reading = read(now=DUE)

    assert (reading.status, reading.seconds_left) == (ClockStatus.DUE_SOON, 0)


def test_not_answered_a_second_after_the_due_time_is_overdue_by_a_second():
    reading = read(now=DUE + timedelta(seconds=1))

    assert (reading.status, reading.seconds_left) == (ClockStatus.OVERDUE, -1)


def test_overdue_by_two_days_says_so():
    reading = read(now=DUE + timedelta(days=2))

    assert (reading.status, reading.seconds_left) == (
        ClockStatus.OVERDUE,
        -2 * 24 * 3600,
    )


@pytest.mark.parametrize(
    ("left", "status"),
    [
        (timedelta(hours=12), ClockStatus.RUNNING),
        (timedelta(hours=12) - timedelta(seconds=1), ClockStatus.DUE_SOON),
        (timedelta(hours=12) + timedelta(seconds=1), ClockStatus.RUNNING),
        (timedelta(minutes=5), ClockStatus.DUE_SOON),
    ],
)
def test_due_soon_starts_when_less_than_the_due_soon_hours_are_left(left, status):
    reading = read(now=DUE - left)

    assert reading.status == status
    assert reading.seconds_left == int(left.total_seconds())


def test_the_due_soon_hours_are_a_parameter():
    assert read(now=DUE - timedelta(hours=20), due_soon_hours=24).status == (
        ClockStatus.DUE_SOON
    )
    assert read(now=DUE - timedelta(hours=20), due_soon_hours=12).status == (
        ClockStatus.RUNNING
    )
