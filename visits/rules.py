"""The home-visit rules as pure decisions: no ORM, no request, no clock.

Each function answers one rule of shared/domain/home-visit-rules.md and has
direct unit tests at its boundaries (tests/visits/test_rules.py).
"""

import enum
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


class Punctuality(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True)
class ArrivalPunctuality:
    status: Punctuality
    # Signed distance from the appointed time: negative is early.
    deviation_seconds: int

    @property
    def deviation_minutes(self) -> int:
        """Whole minutes, rounded away from zero: 10 min 1 s late counts as 11."""
        minutes = math.ceil(abs(self.deviation_seconds) / 60)
        return minutes if self.deviation_seconds >= 0 else -minutes

    @property
    def is_reason_required(self) -> bool:
        """A late arrival must be explained (home-visit rules 3.1)."""
        return self.status is Punctuality.LATE


def arrival_punctuality(
    *, appointed: datetime, arrived: datetime, tolerance: timedelta
) -> ArrivalPunctuality:
    """Rule 3.1 (004:L200): arrival may differ from the appointed time by at most
    the tolerance (10 minutes by default). The boundary itself is on time."""
    if appointed.tzinfo is None or arrived.tzinfo is None:
        raise ValueError("appointed and arrived must be timezone-aware")
    if tolerance < timedelta(0):
        raise ValueError("tolerance cannot be negative")
    deviation = arrived - appointed
    if deviation > tolerance:
        status = Punctuality.LATE
    elif deviation < -tolerance:
        status = Punctuality.EARLY
    else:
        status = Punctuality.ON_TIME
    # Whole seconds, rounded toward zero: 10 min 0.4 s late is still 600 s.
    return ArrivalPunctuality(
        status=status, deviation_seconds=int(deviation.total_seconds())
    )


class LeaveProblem(enum.StrEnum):
    RETURNING_NOT_SAID = "returning_not_said"
    FIX_DEADLINE_REQUIRED = "fix_deadline_required"
    FIX_DEADLINE_NOT_IN_FUTURE = "fix_deadline_not_in_future"
    FIX_DEADLINE_WHEN_RETURNING = "fix_deadline_when_returning"


def temporary_leave_problems(
    *, is_returning: bool | None, fix_deadline: datetime | None, now: datetime
) -> list[LeaveProblem]:
    """Rules 6.1-6.3 (004:L367): the technician must tell the customer whether he
    will come back; if not, he commits to a deadline for the service to work
    (调通/修通时限), which must lie in the future. Returns what is wrong, if anything."""
    if is_returning is None:
        return [LeaveProblem.RETURNING_NOT_SAID]
    if is_returning:
        return [LeaveProblem.FIX_DEADLINE_WHEN_RETURNING] if fix_deadline else []
    if fix_deadline is None:
        return [LeaveProblem.FIX_DEADLINE_REQUIRED]
    if fix_deadline <= now:
        return [LeaveProblem.FIX_DEADLINE_NOT_IN_FUTURE]
    return []


# --- The conduct checklist ---------------------------------------------------

URBAN = "urban"  # 县(市、区)及以上
RURAL = "rural"  # 乡镇及农村


def item_is_required(*, is_required: bool, condition: str, area_tier: str) -> bool:
    """Rule 4.1 (004:L208) and its kin: an item may be required only for
    county/city/district-and-above customers ("urban_only"); for township and
    rural customers it is then optional, left to local custom."""
    if not is_required:
        return False
    if condition == "urban_only":
        return area_tier == URBAN
    return True


class MissingReason(enum.StrEnum):
    UNANSWERED = "unanswered"
    NOT_CONFIRMED = "not_confirmed"
    PHOTO_MISSING = "photo_missing"


@dataclass(frozen=True)
class ItemProgress:
    item_id: int
    kind: str  # confirm, photo, text, number, choice
    is_required: bool
    is_answered: bool
    value: object
    photo_count: int


def missing_items(items: list[ItemProgress]) -> list[tuple[int, MissingReason]]:
    """What keeps a visit from "work done": every required item must be answered;
    a required confirmation must be confirmed (true), and a photo item needs a
    photo. Optional items never block."""
    missing = []
    for item in items:
        if not item.is_required:
            continue
        if item.kind == "photo":
            if item.photo_count == 0:
                missing.append((item.item_id, MissingReason.PHOTO_MISSING))
        elif not item.is_answered:
            missing.append((item.item_id, MissingReason.UNANSWERED))
        elif item.kind == "confirm" and item.value is not True:
            missing.append((item.item_id, MissingReason.NOT_CONFIRMED))
    return missing


# --- Calls and complaint clocks (rules 2, 10-12) -----------------------------------


def in_quiet_hours(
    moment: datetime, *, quiet_start: time, quiet_end: time, tz: tzinfo
) -> bool:
    """Whether `moment` falls in [quiet_start, quiet_end) on the local clock;
    the span may cross midnight (21:00-08:00)."""
    local = moment.astimezone(tz).time()
    if quiet_start <= quiet_end:
        return quiet_start <= local < quiet_end
    return local >= quiet_start or local < quiet_end


def next_allowed_time(
    moment: datetime, *, quiet_start: time, quiet_end: time, tz: tzinfo
) -> datetime:
    """`moment`, or the end of the quiet hours it falls in: nobody is called at night."""
    if not in_quiet_hours(moment, quiet_start=quiet_start, quiet_end=quiet_end, tz=tz):
        return moment
    local = moment.astimezone(tz)
    end = datetime.combine(local.date(), quiet_end, tzinfo=tz)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), quiet_end, tzinfo=tz)
    return end


class CallPurpose(enum.StrEnum):
    REMINDER_DAY_BEFORE = "reminder_day_before"
    REMINDER_BEFORE_ARRIVAL = "reminder_before_arrival"
    FOLLOW_UP = "follow_up"


def reminder_times(
    *,
    appointed: datetime,
    now: datetime,
    day_before_at: time,
    minutes_before: int,
    quiet_start: time,
    quiet_end: time,
    tz: tzinfo,
) -> dict[CallPurpose, datetime]:
    """When to call before a visit (rule 2: remind, confirm the time): the day
    before at `day_before_at`, and `minutes_before` the appointed time. A time
    in the quiet hours moves to their end; a reminder that would fall before
    `now` is made now, and one that would come only after the visit started is
    dropped, as is a day-before call that would land on the day itself."""
    local = appointed.astimezone(tz)
    wanted = {
        CallPurpose.REMINDER_DAY_BEFORE: datetime.combine(
            local.date() - timedelta(days=1), day_before_at, tzinfo=tz
        ),
        CallPurpose.REMINDER_BEFORE_ARRIVAL: appointed
        - timedelta(minutes=minutes_before),
    }
    times = {}
    for purpose, moment in wanted.items():
        moment = next_allowed_time(
            max(moment, now), quiet_start=quiet_start, quiet_end=quiet_end, tz=tz
        )
        if moment >= appointed:
            continue
        if (
            purpose is CallPurpose.REMINDER_DAY_BEFORE
            and moment.astimezone(tz).date() >= local.date()
        ):
            continue
        times[purpose] = moment
    # The same moment twice is one call too many: keep the nearer one.
    if len(set(times.values())) < len(times):
        times.pop(CallPurpose.REMINDER_DAY_BEFORE)
    return times


def follow_up_time(
    *, signed_at: datetime, at: time, quiet_start: time, quiet_end: time, tz: tzinfo
) -> datetime:
    """The follow-up call (回访): the day after sign-off at `at`, outside quiet hours."""
    local = signed_at.astimezone(tz)
    moment = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)
    return next_allowed_time(
        moment, quiet_start=quiet_start, quiet_end=quiet_end, tz=tz
    )


def retry_delay(
    attempt: int, *, base_seconds: int = 60, cap_seconds: int = 3600
) -> timedelta:
    """Exponential backoff after the `attempt`-th failed try (1, 2, ...)."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))


def is_working_day(
    day: date, *, holidays: set[date], working_weekends: set[date]
) -> bool:
    """Monday to Friday unless a public holiday; a weekend day the calendar
    makes a working day (调休) counts."""
    if day in working_weekends:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: datetime,
    days: int,
    *,
    holidays: set[date],
    working_weekends: set[date],
    tz: tzinfo,
) -> datetime:
    """The moment `days` working days after `start`, at the same local time
    (rule 11.6: a final answer within 7 working days)."""
    local = start.astimezone(tz)
    day, remaining = local.date(), days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays, working_weekends=working_weekends):
            remaining -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz)
