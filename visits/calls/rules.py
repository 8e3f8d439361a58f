"""When to call a customer, as pure decisions: quiet hours, reminder times,
the follow-up call and retry backoff. No Django, no database, no clock."""

import enum
from datetime import datetime, time, timedelta, tzinfo


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
    BOOKING_NOTICE = "booking_notice"


def notice_time(
    now: datetime, *, quiet_start: time, quiet_end: time, tz: tzinfo
) -> datetime:
    """docs/rules.md#booking-notice: the customer is told of a booking, a move
    or a reassignment at once, unless it is quiet hours on their clock: then
    at their end."""
    return next_allowed_time(now, quiet_start=quiet_start, quiet_end=quiet_end, tz=tz)


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
    """When to call before a visit (docs/rules.md#reminder-calls): the day
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
        if reminder_makes_sense(purpose, moment, appointed=appointed, tz=tz):
            times[purpose] = moment
    # The same moment twice is one call too many: keep the nearer one.
    if len(set(times.values())) < len(times):
        times.pop(CallPurpose.REMINDER_DAY_BEFORE)
    return times


def reminder_makes_sense(
    purpose: CallPurpose, moment: datetime, *, appointed: datetime, tz: tzinfo
) -> bool:
    """Whether a reminder rung at `moment` still reminds of anything: before
    the appointed time, and a day-before call not on the visit's own day."""
    if moment >= appointed:
        return False
    return not (
        purpose is CallPurpose.REMINDER_DAY_BEFORE
        and moment.astimezone(tz).date() >= appointed.astimezone(tz).date()
    )


def placing_time(
    purpose: CallPurpose,
    now: datetime,
    *,
    appointed: datetime | None,
    quiet_start: time,
    quiet_end: time,
    tz: tzinfo,
) -> datetime | None:
    """When a call due now may ring (docs/rules.md#reminder-calls): `now`
    outside the quiet hours, else their end on the customer's clock; None when
    a reminder would by then no longer make sense (it is dropped). A follow-up
    call (no `appointed`) is only ever moved."""
    moment = next_allowed_time(now, quiet_start=quiet_start, quiet_end=quiet_end, tz=tz)
    if purpose is CallPurpose.FOLLOW_UP or appointed is None:
        return moment
    if not reminder_makes_sense(purpose, moment, appointed=appointed, tz=tz):
        return None
    return moment


def is_superseded(
    due_at: datetime, *, others_due: list[datetime], now: datetime
) -> bool:
    """A reminder is superseded when a later reminder of the same visit is
    already due: ringing both (a worker started late, after an outage) would
    call the customer twice in a row, so only the latest is placed."""
    return any(due_at < other <= now for other in others_due)


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
