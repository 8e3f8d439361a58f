"""The booking assistant's ranking of technicians (docs/rules.md#booking-assistant)."""

import pytest

from visits.console.rules import Candidate, on_time_rate, rank_candidates


def candidate(name, *, free=True, load=0, on_time=0, judged=0, pk=None):
    return Candidate(
        technician_id=pk if pk is not None else hash(name) % 1000,
        name=name,
        is_free=free,
        visits_that_day=load,
        arrivals_on_time=on_time,
        arrivals_judged=judged,
    )


def names(candidates):
    return [c.name for c in rank_candidates(candidates)]


def test_free_technicians_come_before_busy_ones_whatever_their_load():
    assert names(
        [candidate("Busy", free=False), candidate("Free", load=5, on_time=1, judged=9)]
    ) == ["Free", "Busy"]


def test_fewer_visits_that_day_ranks_first():
    assert names(
        [
            candidate("Two", load=2, on_time=10, judged=10),
            candidate("None", load=0, on_time=1, judged=10),
            candidate("One", load=1, on_time=10, judged=10),
        ]
    ) == ["None", "One", "Two"]


def test_with_the_same_load_the_better_on_time_record_ranks_first():
    assert names(
        [
            candidate("Eighty", load=1, on_time=8, judged=10),
            candidate("Ninety", load=1, on_time=9, judged=10),
            candidate("Half", load=1, on_time=1, judged=2),
        ]
    ) == ["Ninety", "Eighty", "Half"]


def test_no_record_ranks_after_any_record_and_does_not_divide_by_zero():
    assert names(
        [
            candidate("New", load=1),
            candidate("Good", load=1, on_time=9, judged=10),
            candidate("Poor", load=1, on_time=0, judged=4),
        ]
    ) == ["Good", "Poor", "New"]


def test_equal_technicians_are_ordered_by_name_ignoring_case_then_id():
    assert names(
        [
            candidate("bob", on_time=1, judged=1, pk=2),
            candidate("Alice", on_time=1, judged=1, pk=3),
            candidate("Bob", on_time=1, judged=1, pk=1),
        ]
    ) == ["Alice", "Bob", "bob"]


def test_busy_technicians_are_ranked_among_themselves_by_the_same_rule():
    assert names(
        [
            candidate("Busy heavy", free=False, load=3),
            candidate("Busy light", free=False, load=1),
            candidate("Free", load=4),
        ]
    ) == ["Free", "Busy light", "Busy heavy"]


@pytest.mark.parametrize(
    ("on_time", "judged", "rate"),
    [(0, 0, None), (0, 4, 0.0), (3, 4, 0.75), (5, 5, 1.0)],
)
def test_the_on_time_rate(on_time, judged, rate):
    assert on_time_rate(on_time, judged) == rate
