from datetime import date

import pytest

from fieldservice.errors import InvalidInput
from tests.visits.scorecard.data import (
    A_FIGURES,
    B_FIGURES,
    NOBODY_FIGURES,
    known_data,
)
from visits.scorecard import selectors
from visits.scorecard.selectors import Period, Scope

NOVEMBER = Scope(Period(date(2026, 11, 1), date(2026, 12, 1)))


def figures_of(row):
    return {name: row[name] for name in A_FIGURES}


def assert_figures(actual, expected):
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        assert actual[name] == (pytest.approx(value) if value is not None else None), (
            name
        )


@pytest.mark.django_db
def test_figures_per_technician_over_a_month():
    known = known_data()

    rows = selectors.scorecard_by_technician(NOVEMBER)

    assert [row["name"] for row in rows] == ["张伟", "Emily Carter", "王强"]
    assert rows[0]["team_name"] == "江汉一组"
    assert rows[0]["employee_number"] == "S-001"
    assert rows[2]["team"] is None
    assert rows[0]["technician"] == known.a.pk
    assert_figures(figures_of(rows[0]), A_FIGURES)
    assert_figures(figures_of(rows[1]), B_FIGURES)
    assert_figures(figures_of(rows[2]), NOBODY_FIGURES)


@pytest.mark.django_db
def test_a_visit_at_exactly_the_end_of_the_period_is_out_and_one_at_the_start_is_in():
    known_data()

    # [31 Oct, 1 Nov): only v6 (31 Oct 23:59). [1 Dec, 2 Dec): only v5 (1 Dec 00:00).
    october_last_day = selectors.scorecard_by_technician(
        Scope(Period(date(2026, 10, 31), date(2026, 11, 1)))
    )
    december_first_day = selectors.scorecard_by_technician(
        Scope(Period(date(2026, 12, 1), date(2026, 12, 2)))
    )

    assert october_last_day[0]["visits"] == 1
    assert october_last_day[0]["on_time_rate"] is None
    assert december_first_day[0]["visits"] == 1
    assert december_first_day[0]["worst_lateness_minutes"] == 60.0


@pytest.mark.django_db
def test_figures_per_team():
    known = known_data()

    rows = selectors.scorecard_by_team(NOVEMBER)

    # Ordered by name; the team without technicians has no rates; technician C
    # has no visits, so there is no "no team" row.
    assert [row["name"] for row in rows] == sorted(["江汉一组", "汉阳二组", "南区"])
    by_team = {row["team"]: row for row in rows}
    assert_figures(figures_of(by_team[known.east.pk]), A_FIGURES)
    assert_figures(figures_of(by_team[known.west.pk]), B_FIGURES)
    assert_figures(figures_of(by_team[known.south.pk]), NOBODY_FIGURES)


@pytest.mark.django_db
def test_team_filter_keeps_only_its_technicians():
    known = known_data()

    rows = selectors.scorecard_by_technician(
        Scope(NOVEMBER.period, team_id=known.west.pk)
    )

    assert [row["name"] for row in rows] == ["Emily Carter"]


@pytest.mark.django_db
def test_weekly_trend_has_every_week_of_the_period():
    known_data()

    rows = selectors.scorecard_by_week(NOVEMBER)

    assert [row["week"] for row in rows] == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]
    visits = [row["visits"] for row in rows]
    # v1-v3 in the week of 2 Nov, v8 in that of 9 Nov, v7 (30 Nov 23:59:59
    # Shanghai time, still Monday there) in the last.
    assert visits == [0, 3, 1, 0, 0, 1]
    assert rows[1]["on_time_rate"] == pytest.approx(1 / 3)
    assert rows[1]["satisfaction_mean"] == 3.5
    assert rows[1]["complaints_per_hundred"] == pytest.approx(200 / 3)
    assert rows[2]["on_time_rate"] == 0.0
    assert rows[0]["on_time_rate"] is None


@pytest.mark.django_db
def test_overall_figures_are_all_visits_together():
    known_data()

    overall = selectors.scorecard_overall(NOVEMBER)

    assert overall["visits"] == 5
    assert overall["on_time_rate"] == 0.25  # 1 of 4 judged arrivals
    assert overall["satisfaction_mean"] == pytest.approx(11 / 3)  # 5, 2, 4
    assert overall["complaints_per_hundred"] == 40.0


@pytest.mark.django_db
def test_technician_filter():
    known = known_data()

    rows = selectors.scorecard_by_week(Scope(NOVEMBER.period, technician_id=known.b.pk))

    assert [row["visits"] for row in rows] == [0, 0, 1, 0, 0, 0]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2026, 11, 1), date(2026, 11, 1), "period_empty"),
        (date(2025, 1, 1), date(2026, 1, 3), "period_too_long"),
    ],
)
def test_bad_periods_are_refused_with_a_code(start, end, code):
    with pytest.raises(InvalidInput) as refusal:
        selectors.period_checked(start, end)
    assert refusal.value.code == code
