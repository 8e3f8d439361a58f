"""The lifecycle's pure rules at their boundaries: punctuality (docs/rules.md#arrival-tolerance),
temporary leave (docs/rules.md#temporary-leave) and the bounds of a step time the
phone reports (docs/rules.md#offline-steps)."""

from datetime import UTC, datetime, timedelta

import pytest

from visits.lifecycle import rules
from visits.lifecycle.rules import (
    LeaveProblem,
    Punctuality,
    ReportedStepTime,
    ReportedTimeProblem,
    arrival_punctuality,
    judge_reported_step_time,
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


# --- A step time the phone reports (docs/rules.md#offline-steps) -------------

RECEIVED = datetime(2026, 11, 23, 2, 40, tzinfo=UTC)  # 10:40 in Shanghai
SECOND = timedelta(seconds=1)
SKEW = timedelta(seconds=300)
MAX_AGE = timedelta(hours=12)


def reported(occurred: datetime, previous: datetime | None = None):
    return judge_reported_step_time(
        occurred=occurred,
        now=RECEIVED,
        previous=previous,
        clock_skew=SKEW,
        max_age=MAX_AGE,
    )


def test_a_step_tapped_offline_is_recorded_at_the_time_the_phone_reports():
    tapped = RECEIVED - timedelta(minutes=35)

    assert reported(tapped, previous=tapped - timedelta(minutes=25)) == (
        ReportedStepTime(at=tapped)
    )


def test_a_step_exactly_the_clock_allowance_ahead_is_recorded_at_the_servers_time():
    assert reported(RECEIVED + SKEW) == ReportedStepTime(at=RECEIVED)


def test_a_step_one_second_beyond_the_clock_allowance_is_in_the_future():
    assert reported(RECEIVED + SKEW + SECOND) == ReportedStepTime(
        at=RECEIVED + SKEW + SECOND, problem=ReportedTimeProblem.IN_FUTURE
    )


def test_a_step_exactly_the_maximum_age_old_is_recorded():
    assert reported(RECEIVED - MAX_AGE) == ReportedStepTime(at=RECEIVED - MAX_AGE)


def test_a_step_one_second_older_than_the_maximum_age_is_too_long_ago():
    assert reported(RECEIVED - MAX_AGE - SECOND).problem is (
        ReportedTimeProblem.TOO_LONG_AGO
    )


def test_a_step_at_the_same_moment_as_the_previous_record_keeps_the_order():
    previous = RECEIVED - timedelta(minutes=10)

    assert reported(previous, previous=previous) == ReportedStepTime(at=previous)


def test_a_step_one_second_before_the_previous_record_is_refused():
    previous = RECEIVED - timedelta(minutes=10)

    assert reported(previous - SECOND, previous=previous) == ReportedStepTime(
        at=previous - SECOND, problem=ReportedTimeProblem.BEFORE_PREVIOUS_STEP
    )


def test_a_step_clamped_to_now_is_compared_with_the_previous_record_at_now():
    """Within the allowance ahead, the step counts as taken now: after a
    previous record made a moment ago, not refused for lying ahead of it."""
    previous = RECEIVED - SECOND

    assert reported(RECEIVED + SKEW, previous=previous) == ReportedStepTime(at=RECEIVED)


def test_a_reported_time_without_a_time_zone_is_a_programming_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        reported(datetime(2026, 11, 23, 10, 5))  # noqa: DTZ001


# --- Travel buffer (docs/rules.md#travel-buffer) ----------------------------------

NINE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
BUFFER = timedelta(minutes=30)


def clash_of_ten_to_eleven_with(start_minutes: int, length_minutes: int):
    """The clash of a window starting `start_minutes` after 09:00 with a visit
    booked 10:00-11:00, under a 30-minute buffer."""
    start = NINE + timedelta(minutes=start_minutes)
    return rules.schedule_clash(
        start=start,
        end=start + timedelta(minutes=length_minutes),
        other_start=NINE + HOUR,
        other_end=NINE + 2 * HOUR,
        buffer=BUFFER,
    )


@pytest.mark.parametrize(
    ("start_minutes", "length_minutes", "expected"),
    [
        (60, 60, rules.ClashKind.OVERLAP),  # the same window
        (119, 60, rules.ClashKind.OVERLAP),  # shares the last minute
        (0, 61, rules.ClashKind.OVERLAP),  # shares the first minute
        (120, 60, rules.ClashKind.TRAVEL_BUFFER),  # starts as it ends
        (149, 60, rules.ClashKind.TRAVEL_BUFFER),  # 29 minutes after its end
        (150, 60, None),  # exactly the buffer after its end
        (0, 31, rules.ClashKind.TRAVEL_BUFFER),  # ends 29 minutes before it starts
        (0, 30, None),  # ends exactly the buffer before it starts
    ],
)
def test_a_window_clashes_by_overlap_or_by_the_travel_buffer(
    start_minutes, length_minutes, expected
):
    assert clash_of_ten_to_eleven_with(start_minutes, length_minutes) == expected


def test_without_a_buffer_touching_windows_do_not_clash():
    assert (
        rules.schedule_clash(
            start=NINE,
            end=NINE + HOUR,
            other_start=NINE + HOUR,
            other_end=NINE + 2 * HOUR,
            buffer=timedelta(0),
        )
        is None
    )


def test_the_first_clash_told_is_an_overlap_before_a_buffer_clash():
    others = [
        ("buffer", NINE - HOUR, NINE - timedelta(minutes=10)),
        ("overlap-later", NINE + timedelta(minutes=50), NINE + 2 * HOUR),
        ("overlap", NINE + timedelta(minutes=30), NINE + HOUR),
    ]

    found = rules.first_clash(start=NINE, end=NINE + HOUR, others=others, buffer=BUFFER)

    assert found == ("overlap", rules.ClashKind.OVERLAP)


def test_no_clash_among_visits_far_enough_away():
    others = [
        ("a", NINE - 2 * HOUR, NINE - HOUR),
        ("b", NINE + 2 * HOUR, NINE + 3 * HOUR),
    ]

    assert (
        rules.first_clash(start=NINE, end=NINE + HOUR, others=others, buffer=BUFFER)
        is None
    )
