"""The complaint clock's working calendar."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from visits.complaints.rules import add_working_days

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


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
