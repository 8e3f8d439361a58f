"""Complaint clocks as pure decisions: the working calendar. No Django."""

from datetime import date, datetime, timedelta, tzinfo


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
    (docs/rules.md#complaint-resolution)."""
    local = start.astimezone(tz)
    day, remaining = local.date(), days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays, working_weekends=working_weekends):
            remaining -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz)
