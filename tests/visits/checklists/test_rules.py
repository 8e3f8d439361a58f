"""The checklist's pure rules: which items are required and what is missing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from visits.checklists.rules import (
    EvidenceTimingProblem,
    ItemProgress,
    MissingReason,
    evidence_timing_problem,
    item_is_required,
    missing_items,
)

DAY, SECOND = timedelta(days=1), timedelta(seconds=1)

# --- The checklist (docs/rules.md#shoe-covers, #checklist-complete) ---------------------


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


# --- Evidence after arrival (docs/rules.md#evidence-after-arrival) -----------------

ARRIVED = datetime(2026, 11, 23, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
ON_SITE_STAGES = ["at_the_door", "in_the_home", "work", "clean_up", "departure", None]


def test_the_carry_list_is_evidence_before_arrival():
    assert (
        evidence_timing_problem(
            stage="before_departure", arrived_at=None, captured_at=ARRIVED - DAY
        )
        is None
    )


@pytest.mark.parametrize("stage", ON_SITE_STAGES)
def test_on_site_evidence_before_arrival_is_refused(stage):
    assert (
        evidence_timing_problem(stage=stage, arrived_at=None, captured_at=None)
        is EvidenceTimingProblem.NOT_ARRIVED
    )


@pytest.mark.parametrize("stage", ON_SITE_STAGES)
def test_on_site_evidence_captured_exactly_at_arrival_counts(stage):
    assert (
        evidence_timing_problem(stage=stage, arrived_at=ARRIVED, captured_at=ARRIVED)
        is None
    )


@pytest.mark.parametrize("stage", ON_SITE_STAGES)
def test_on_site_evidence_captured_one_second_before_arrival_is_refused(stage):
    assert (
        evidence_timing_problem(
            stage=stage, arrived_at=ARRIVED, captured_at=ARRIVED - SECOND
        )
        is EvidenceTimingProblem.CAPTURED_BEFORE_ARRIVAL
    )


def test_on_site_evidence_without_a_capture_time_counts_once_arrived():
    assert (
        evidence_timing_problem(
            stage="in_the_home", arrived_at=ARRIVED, captured_at=None
        )
        is None
    )


def test_every_stage_is_either_before_arrival_or_on_site():
    from visits.checklists.models import ChecklistStage

    assert set(ChecklistStage.values) == {"before_departure", *ON_SITE_STAGES} - {None}
