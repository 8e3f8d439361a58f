from datetime import date

import pytest

from visits.scorecard import rules
from visits.scorecard.rules import Counts, PeriodProblem


def test_a_rate_without_a_denominator_has_no_value():
    assert rules.rate(0, 0) is None
    assert rules.rate(None, None) is None


def test_a_rate_is_a_fraction():
    assert rules.rate(1, 4) == 0.25
    assert rules.rate(0, 3) == 0.0


def test_per_hundred_visits_needs_visits():
    assert rules.per_hundred(2, 0) is None
    assert rules.per_hundred(0, 7) == 0.0
    assert rules.per_hundred(3, 150) == 2.0


def test_minutes_from_seconds_keep_none():
    assert rules.minutes(None) is None
    assert rules.minutes(90) == 1.5


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (date(2026, 11, 1), date(2026, 12, 1), None),
        (date(2026, 11, 1), date(2026, 11, 1), PeriodProblem.EMPTY),
        (date(2026, 11, 2), date(2026, 11, 1), PeriodProblem.EMPTY),
        (date(2024, 1, 1), date(2025, 1, 1), None),  # 366 days, a leap year
        (date(2025, 1, 1), date(2026, 1, 3), PeriodProblem.TOO_LONG),  # 367 days
    ],
)
def test_period_problems(start, end, problem):
    assert rules.period_problem(start, end) == problem


def test_month_period_and_previous_month():
    assert rules.month_period(date(2026, 12, 15)) == (
        date(2026, 12, 1),
        date(2027, 1, 1),
    )
    assert rules.month_period(date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert rules.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert rules.previous_month(date(2026, 3, 31)) == date(2026, 2, 1)


def test_week_starts_are_the_mondays_overlapping_the_period():
    # 2026-11-01 is a Sunday: its week starts on Monday 26 October.
    assert rules.week_starts(date(2026, 11, 1), date(2026, 11, 17)) == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert rules.week_starts(date(2026, 11, 2), date(2026, 11, 9)) == [
        date(2026, 11, 2)
    ]


def test_figures_of_nothing_are_counts_of_zero_and_rates_of_none():
    figures = rules.figures(Counts())
    assert figures["visits"] == 0
    assert figures["complaints"] == 0
    assert figures["on_time_rate"] is None
    assert figures["contested_per_sign_off"] is None
    assert figures["satisfaction_mean"] is None
    assert figures["complaints_per_hundred"] is None
    assert list(figures) == list(rules.FIGURES)


def test_figures_from_counts():
    figures = rules.figures(
        Counts(
            visits=200,
            arrivals_judged=160,
            arrivals_on_time=120,
            late_arrivals=30,
            late_seconds_mean=1230.0,
            late_seconds_worst=5400,
            required_items=1000,
            answered_items=680,
            photo_items=300,
            photo_items_with_photo=270,
            sign_offs=150,
            contested_items=3,
            ratings=80,
            rating_mean=4.25,
            ratings_satisfied=60,
            complaints=5,
            responses_judged=4,
            responses_in_time=3,
            resolutions_judged=2,
            resolutions_in_time=2,
        )
    )
    assert figures == {
        "visits": 200,
        "on_time_rate": 0.75,
        "late_arrivals": 30,
        "mean_lateness_minutes": 20.5,
        "worst_lateness_minutes": 90.0,
        "checklist_completion": 0.95,
        "evidence_rate": 0.9,
        "contested_items": 3,
        "contested_per_sign_off": 0.02,
        "satisfaction_mean": 4.25,
        "satisfied_share": 0.75,
        "complaints": 5,
        "complaints_per_hundred": 2.5,
        "first_response_compliance": 0.75,
        "resolution_compliance": 1.0,
    }
