"""The lifecycle's pure rules at their boundaries: punctuality (docs/rules.md#arrival-tolerance)
and temporary leave (docs/rules.md#temporary-leave)."""

from datetime import UTC, datetime, timedelta

import pytest

from visits.lifecycle.rules import (
    LeaveProblem,
    Punctuality,
    arrival_punctuality,
    temporary_leave_problems,
)

APPOINTED = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
TEN_MINUTES = timedelta(minutes=10)


def judge(offset: timedelta, tolerance: timedelta = TEN_MINUTES):
    return arrival_punctuality(
        appointed=APPOINTED, arrived=APPOINTED + offset, tolerance=tolerance
    )


def test_arriving_exactly_at_the_appointed_time_is_on_time():
    result = judge(timedelta(0))

    assert result.status is Punctuality.ON_TIME
    assert result.deviation_seconds == 0
    assert result.deviation_minutes == 0
    assert result.is_reason_required is False


def test_arriving_exactly_ten_minutes_late_is_on_time():
    result = judge(timedelta(minutes=10))

    assert result.status is Punctuality.ON_TIME
    assert result.deviation_seconds == 600
    assert result.is_reason_required is False


def test_arriving_ten_minutes_and_one_second_late_is_late_and_needs_a_reason():
    result = judge(timedelta(minutes=10, seconds=1))

    assert result.status is Punctuality.LATE
    assert result.deviation_seconds == 601
    assert result.deviation_minutes == 11
    assert result.is_reason_required is True


def test_arriving_eleven_minutes_late_is_late_by_eleven_minutes():
    result = judge(timedelta(minutes=11))

    assert result.status is Punctuality.LATE
    assert result.deviation_minutes == 11


def test_arriving_exactly_ten_minutes_early_is_on_time():
    result = judge(-timedelta(minutes=10))

    assert result.status is Punctuality.ON_TIME
    assert result.deviation_seconds == -600


def test_arriving_ten_minutes_and_one_second_early_is_early_and_needs_a_reason():
    result = judge(-timedelta(minutes=10, seconds=1))

    assert result.status is Punctuality.EARLY
    assert result.deviation_minutes == -11
    assert result.is_reason_required is True


def test_arriving_exactly_ten_minutes_early_needs_no_reason():
    assert judge(-timedelta(minutes=10)).is_reason_required is False


def test_the_tolerance_comes_from_the_visit_not_a_constant():
    assert judge(timedelta(minutes=12), tolerance=timedelta(minutes=15)).status is (
        Punctuality.ON_TIME
    )
    assert (
        judge(timedelta(minutes=6), tolerance=timedelta(minutes=5)).status
        is Punctuality.LATE
    )


def test_zero_tolerance_makes_one_second_late_late():
    assert (
        judge(timedelta(seconds=1), tolerance=timedelta(0)).status is Punctuality.LATE
    )
    assert judge(timedelta(0), tolerance=timedelta(0)).status is Punctuality.ON_TIME


def test_punctuality_compares_instants_across_time_zones():
    shanghai = APPOINTED.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))

    result = arrival_punctuality(
        appointed=shanghai,
        arrived=APPOINTED + timedelta(minutes=5),
        tolerance=TEN_MINUTES,
    )

    assert result.status is Punctuality.ON_TIME
    assert result.deviation_seconds == 300


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        arrival_punctuality(
            appointed=APPOINTED.replace(tzinfo=None),
            arrived=APPOINTED,
            tolerance=TEN_MINUTES,
        )


def test_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="negative"):
        judge(timedelta(0), tolerance=-TEN_MINUTES)


NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def test_leaving_without_saying_whether_returning_is_a_problem():
    assert temporary_leave_problems(is_returning=None, fix_deadline=None, now=NOW) == [
        LeaveProblem.RETURNING_NOT_SAID
    ]


def test_leaving_and_returning_needs_no_deadline():
    assert temporary_leave_problems(is_returning=True, fix_deadline=None, now=NOW) == []


def test_a_returning_leave_does_not_take_a_fix_deadline():
    problems = temporary_leave_problems(
        is_returning=True, fix_deadline=NOW + timedelta(hours=1), now=NOW
    )

    assert problems == [LeaveProblem.FIX_DEADLINE_WHEN_RETURNING]


def test_not_returning_requires_a_committed_fix_deadline():
    assert temporary_leave_problems(is_returning=False, fix_deadline=None, now=NOW) == [
        LeaveProblem.FIX_DEADLINE_REQUIRED
    ]


def test_a_fix_deadline_at_this_very_moment_is_not_in_the_future():
    assert temporary_leave_problems(is_returning=False, fix_deadline=NOW, now=NOW) == [
        LeaveProblem.FIX_DEADLINE_NOT_IN_FUTURE
    ]


def test_a_fix_deadline_in_the_past_is_refused():
    problems = temporary_leave_problems(
        is_returning=False, fix_deadline=NOW - timedelta(days=1), now=NOW
    )

    assert problems == [LeaveProblem.FIX_DEADLINE_NOT_IN_FUTURE]


def test_a_fix_deadline_one_second_ahead_is_accepted():
    problems = temporary_leave_problems(
        is_returning=False, fix_deadline=NOW + timedelta(seconds=1), now=NOW
    )

    assert problems == []
