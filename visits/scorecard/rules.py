"""The scorecard's pure decisions: how counts become figures, and which periods
may be asked for (docs/rules.md#service-scorecard).

A rate whose denominator is zero has no value (None): "no arrivals judged" is
not "0 % on time". No Django here: the selectors count in the database and hand
the counts to these functions.
"""

import enum
from dataclasses import dataclass
from datetime import date, timedelta

# A period longer than this is refused: a year and a leap day.
MAX_PERIOD_DAYS = 366
# Follow-up ratings from this up count as satisfied (4 and 5 of 1-5).
SATISFIED_RATING_AT_LEAST = 4


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator as a fraction 0-1, or None without a denominator."""
    if not denominator:
        return None
    return (numerator or 0) / denominator


def per_hundred(count: int | None, visits: int | None) -> float | None:
    """Occurrences per hundred visits, or None when there were no visits."""
    if not visits:
        return None
    return 100 * (count or 0) / visits


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes, None kept."""
    if seconds is None:
        return None
    return seconds / 60


class PeriodProblem(enum.StrEnum):
    EMPTY = "period_empty"  # from is not before to
    TOO_LONG = "period_too_long"


def period_problem(start: date, end: date) -> PeriodProblem | None:
    """What is wrong with the period [start, end), if anything."""
    if start >= end:
        return PeriodProblem.EMPTY
    if end - start > timedelta(days=MAX_PERIOD_DAYS):
        return PeriodProblem.TOO_LONG
    return None


def month_period(month: date) -> tuple[date, date]:
    """The calendar month holding `month`, as [first day, first day of the next)."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def previous_month(today: date) -> date:
    """The first day of the month before the one holding `today`."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Counts:
    """What the database counts for one group (a technician, a team, a week)."""

    visits: int = 0
    arrivals_judged: int = 0
    arrivals_on_time: int = 0
    late_arrivals: int = 0
    late_seconds_mean: float | None = None
    late_seconds_worst: int | None = None
    required_items: int = 0
    answered_items: int = 0  # required items other than photos, answered
    photo_items: int = 0
    photo_items_with_photo: int = 0
    sign_offs: int = 0
    contested_items: int = 0
    ratings: int = 0
    rating_mean: float | None = None
    ratings_satisfied: int = 0
    complaints: int = 0
    responses_judged: int = 0
    responses_in_time: int = 0
    resolutions_judged: int = 0
    resolutions_in_time: int = 0


# The figures, in the order the API, the CSV and the PDF list them.
FIGURES = (
    "visits",
    "on_time_rate",
    "late_arrivals",
    "mean_lateness_minutes",
    "worst_lateness_minutes",
    "checklist_completion",
    "evidence_rate",
    "contested_items",
    "contested_per_sign_off",
    "satisfaction_mean",
    "satisfied_share",
    "complaints",
    "complaints_per_hundred",
    "first_response_compliance",
    "resolution_compliance",
)


def figures(counts: Counts) -> dict[str, float | int | None]:
    """The scorecard's figures from one group's counts."""
    return {
        "visits": counts.visits,
        "on_time_rate": rate(counts.arrivals_on_time, counts.arrivals_judged),
        "late_arrivals": counts.late_arrivals,
        "mean_lateness_minutes": minutes(counts.late_seconds_mean),
        "worst_lateness_minutes": minutes(counts.late_seconds_worst),
        # A required item is done when answered, a photo item when it has a photo.
        "checklist_completion": rate(
            counts.answered_items + counts.photo_items_with_photo, counts.required_items
        ),
        "evidence_rate": rate(counts.photo_items_with_photo, counts.photo_items),
        "contested_items": counts.contested_items,
        "contested_per_sign_off": (
            counts.contested_items / counts.sign_offs if counts.sign_offs else None
        ),
        "satisfaction_mean": counts.rating_mean if counts.ratings else None,
        "satisfied_share": rate(counts.ratings_satisfied, counts.ratings),
        "complaints": counts.complaints,
        "complaints_per_hundred": per_hundred(counts.complaints, counts.visits),
        "first_response_compliance": rate(
            counts.responses_in_time, counts.responses_judged
        ),
        "resolution_compliance": rate(
            counts.resolutions_in_time, counts.resolutions_judged
        ),
    }


def week_starts(start: date, end: date) -> list[date]:
    """The Mondays of the ISO weeks that overlap [start, end), in order."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks
