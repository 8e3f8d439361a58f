"""The checklist's pure rules: which items are required and what is missing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from visits.checklists.rules import (
    EvidenceTimingProblem,
    ItemProblem,
    ItemProgress,
    MissingReason,
    evidence_timing_problem,
    item_is_required,
    missing_items,
    template_item_problems,
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


# --- Template items (docs/rules.md#checklist-templates) ---------------------------

GOOD_CHOICES = [
    {"value": "replaced", "zh": "更换", "en": "Replaced"},
    {"value": "repaired", "zh": "维修", "en": "Repaired"},
]


@pytest.mark.parametrize(
    ("kind", "choices", "min_value", "max_value", "expected"),
    [
        ("choice", GOOD_CHOICES, None, None, []),
        ("confirm", [], None, None, []),
        ("text", None, None, None, []),
        ("number", [], -30, 10, []),
        ("number", [], 5, 5, []),
        ("number", [], None, 10, []),
        ("choice", [], None, None, [ItemProblem.NO_CHOICES]),
        ("choice", {"a": "b"}, None, None, [ItemProblem.CHOICES_NOT_A_LIST]),
        ("choice", "a,b", None, None, [ItemProblem.CHOICES_NOT_A_LIST]),
        ("choice", None, None, None, [ItemProblem.CHOICES_NOT_A_LIST]),
        ("choice", ["a", "b"], None, None, [ItemProblem.CHOICE_NOT_AN_OBJECT]),
        (
            "choice",
            [*GOOD_CHOICES, {"value": "replaced", "zh": "又一个", "en": "Again"}],
            None,
            None,
            [ItemProblem.CHOICE_DUPLICATE],
        ),
        (
            "choice",
            [{"value": "  ", "zh": "空", "en": "Blank"}],
            None,
            None,
            [ItemProblem.CHOICE_VALUE_BLANK],
        ),
        (
            "choice",
            [{"value": 1, "zh": "一", "en": "One"}],
            None,
            None,
            [ItemProblem.CHOICE_VALUE_BLANK],
        ),
        (
            "choice",
            [{"value": "a", "zh": "", "en": "A"}],
            None,
            None,
            [ItemProblem.CHOICE_LABEL_BLANK],
        ),
        (
            "choice",
            [{"value": "a", "zh": "甲", "en": "A", "colour": "red"}],
            None,
            None,
            [ItemProblem.CHOICE_KEYS_UNKNOWN],
        ),
        ("confirm", GOOD_CHOICES, None, None, [ItemProblem.CHOICES_ON_OTHER_KIND]),
        ("number", [], 10, -30, [ItemProblem.RANGE_INVERTED]),
        ("text", [], 0, None, [ItemProblem.RANGE_ON_OTHER_KIND]),
        ("choice", GOOD_CHOICES, None, 3, [ItemProblem.RANGE_ON_OTHER_KIND]),
    ],
)
def test_malformed_template_items_are_named(
    kind, choices, min_value, max_value, expected
):
    assert (
        template_item_problems(
            kind=kind, choices=choices, min_value=min_value, max_value=max_value
        )
        == expected
    )


# --- Evidence after arrival (docs/rules.md#evidence-after-arrival) -----------------

ARRIVED = datetime(2026, 11, 23, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
ON_SITE_STAGES = ["at_the_door", "in_the_home", "work", "clean_up", "departure", None]
NOW, SKEW = ARRIVED + timedelta(hours=1), timedelta(minutes=5)


def timing(**facts):
    """The rule at NOW with a five-minute allowance for the phone's clock."""
    return evidence_timing_problem(now=NOW, clock_skew=SKEW, **facts)


def test_the_carry_list_is_evidence_before_arrival():
    assert (
        timing(stage="before_departure", arrived_at=None, captured_at=ARRIVED - DAY)
        is None
    )


@pytest.mark.parametrize("stage", ON_SITE_STAGES)
def test_on_site_evidence_before_arrival_is_refused(stage):
    assert (
        timing(stage=stage, arrived_at=None, captured_at=None)
        is EvidenceTimingProblem.NOT_ARRIVED
    )


@pytest.mark.parametrize("stage", ON_SITE_STAGES)
def test_on_site_evidence_captured_exactly_at_arrival_counts(stage):
    assert timing(stage=stage, arrived_at=ARRIVED, captured_at=ARRIVED) is None


@pytest.mark.parametrize("stage", ON_SITE_STAGES)
def test_on_site_evidence_captured_one_second_before_arrival_is_refused(stage):
    assert (
        timing(stage=stage, arrived_at=ARRIVED, captured_at=ARRIVED - SECOND)
        is EvidenceTimingProblem.CAPTURED_BEFORE_ARRIVAL
    )


def test_on_site_evidence_without_a_capture_time_counts_once_arrived():
    assert timing(stage="in_the_home", arrived_at=ARRIVED, captured_at=None) is None


@pytest.mark.parametrize("stage", ["before_departure", *ON_SITE_STAGES])
def test_a_capture_time_at_most_the_clock_allowance_ahead_counts(stage):
    assert timing(stage=stage, arrived_at=ARRIVED, captured_at=NOW + SKEW) is None


@pytest.mark.parametrize("stage", ["before_departure", *ON_SITE_STAGES])
def test_a_capture_time_beyond_the_clock_allowance_is_refused(stage):
    assert (
        timing(stage=stage, arrived_at=ARRIVED, captured_at=NOW + SKEW + SECOND)
        is EvidenceTimingProblem.CAPTURED_IN_FUTURE
    )


def test_every_stage_is_either_before_arrival_or_on_site():
    from visits.checklists.models import ChecklistStage

    assert set(ChecklistStage.values) == {"before_departure", *ON_SITE_STAGES} - {None}
