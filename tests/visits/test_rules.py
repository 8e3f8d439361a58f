"""The pure home-visit rules, at their boundaries (home-visit-rules.md 3.1, 6.1-6.3)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from visits.rules import (
    CallPurpose,
    ItemProgress,
    LeaveProblem,
    MissingReason,
    Punctuality,
    add_working_days,
    arrival_punctuality,
    follow_up_time,
    item_is_required,
    missing_items,
    next_allowed_time,
    reminder_times,
    retry_delay,
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


def test_arriving_ten_minutes_and_one_second_early_is_early_without_a_reason():
    result = judge(-timedelta(minutes=10, seconds=1))

    assert result.status is Punctuality.EARLY
    assert result.deviation_minutes == -11
    assert result.is_reason_required is False


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


# --- The checklist (rules 4.1 and the completion guard) ---------------------


@pytest.mark.parametrize(
    ("is_required", "condition", "area_tier", "expected"),
    [
        (True, "urban_only", "urban", True),
        (True, "urban_only", "rural", False),
        (True, "always", "rural", True),
        (True, "always", "urban", True),
        (False, "always", "urban", False),
        (False, "urban_only", "urban", False),
    ],
)
def test_shoe_covers_are_required_for_city_customers_only(
    is_required, condition, area_tier, expected
):
    assert (
        item_is_required(
            is_required=is_required, condition=condition, area_tier=area_tier
        )
        is expected
    )


def progress(kind, *, required=True, answered=False, value=None, photos=0, item_id=1):
    return ItemProgress(
        item_id=item_id,
        kind=kind,
        is_required=required,
        is_answered=answered,
        value=value,
        photo_count=photos,
    )


def test_an_unanswered_required_item_is_missing():
    assert missing_items([progress("text")]) == [(1, MissingReason.UNANSWERED)]


def test_an_optional_item_never_blocks():
    assert (
        missing_items(
            [progress("photo", required=False), progress("text", required=False)]
        )
        == []
    )


def test_a_required_confirmation_must_be_confirmed():
    assert missing_items([progress("confirm", answered=True, value=False)]) == [
        (1, MissingReason.NOT_CONFIRMED)
    ]
    assert missing_items([progress("confirm", answered=True, value=True)]) == []


def test_a_photo_item_needs_at_least_one_photo():
    assert missing_items([progress("photo", photos=0)]) == [
        (1, MissingReason.PHOTO_MISSING)
    ]
    assert missing_items([progress("photo", photos=1)]) == []


def test_answered_text_number_and_choice_items_are_complete():
    items = [
        progress("text", answered=True, value="done", item_id=1),
        progress("number", answered=True, value=0, item_id=2),
        progress("choice", answered=True, value="line", item_id=3),
    ]

    assert missing_items(items) == []


def test_missing_items_keep_the_checklist_order():
    items = [
        progress("text", item_id=7),
        progress("photo", item_id=3),
        progress("confirm", item_id=5),
    ]

    assert [item_id for item_id, _reason in missing_items(items)] == [7, 3, 5]


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


def test_seven_working_days_skip_weekends_and_holidays_and_count_worked_weekends():
    friday = local(2026, 9, 25, 10, 0)  # National Day week follows
    holidays = {date(2026, 10, day) for day in range(1, 8)}
    working_weekends = {date(2026, 9, 27), date(2026, 10, 10)}  # 调休

    due = add_working_days(
        friday, 7, holidays=holidays, working_weekends=working_weekends, tz=SHANGHAI
    )

    # Sun 27 (worked), Mon 28, Tue 29, Wed 30, then Oct 1-7 off, Thu 8, Fri 9, Sat 10 (worked)
    assert due == local(2026, 10, 10, 10, 0)


def test_seven_working_days_from_a_plain_monday_end_on_the_next_wednesday():
    due = add_working_days(
        local(2026, 11, 23, 9, 0),
        7,
        holidays=set(),
        working_weekends=set(),
        tz=SHANGHAI,
    )

    assert due == local(2026, 12, 2, 9, 0)
