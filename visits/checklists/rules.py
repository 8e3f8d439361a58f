"""The conduct checklist as pure decisions: which items a visit requires and
what still keeps it from "work done". No Django, no database."""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from visits.lifecycle.rules import VisitState

URBAN = "urban"  # 县(市、区)及以上
RURAL = "rural"  # 乡镇及农村


def item_is_required(*, is_required: bool, condition: str, area_tier: str) -> bool:
    """docs/rules.md#shoe-covers and its kin: an item may be required only for
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


# Answers and photos are taken until the customer signs.
ANSWERABLE_STATES = frozenset(
    {
        VisitState.SCHEDULED,
        VisitState.EN_ROUTE,
        VisitState.ARRIVED,
        VisitState.IN_PROGRESS,
        VisitState.TEMPORARILY_LEFT,
        VisitState.WORK_DONE,
    }
)


def is_answerable(state: str) -> bool:
    """Whether a visit in `state` still takes checklist answers and photos."""
    return state in ANSWERABLE_STATES


class ItemProblem(enum.StrEnum):
    """What makes a template item unanswerable or misleading (docs/rules.md#checklist-templates)."""

    CHOICES_NOT_A_LIST = "choices_not_a_list"
    NO_CHOICES = "no_choices"
    CHOICE_NOT_AN_OBJECT = "choice_not_an_object"
    CHOICE_VALUE_BLANK = "choice_value_blank"
    CHOICE_LABEL_BLANK = "choice_label_blank"
    CHOICE_KEYS_UNKNOWN = "choice_keys_unknown"
    CHOICE_DUPLICATE = "choice_duplicate"
    CHOICES_ON_OTHER_KIND = "choices_on_other_kind"
    RANGE_ON_OTHER_KIND = "range_on_other_kind"
    RANGE_INVERTED = "range_inverted"


CHOICE_KEYS = frozenset({"value", "zh", "en"})


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def template_item_problems(
    *, kind: str, choices: object, min_value: object, max_value: object
) -> list[ItemProblem]:
    """Everything wrong with one template item as an administrator entered it.

    A choice item needs a list of {"value", "zh", "en"} objects whose values are
    non-blank, distinct strings with a label in both languages; other kinds have
    no choices. Only number items have a range, and its minimum is at most its
    maximum. `min_value`/`max_value` are numbers or None."""
    problems: list[ItemProblem] = []
    if kind == "choice":
        if not isinstance(choices, list):
            return [ItemProblem.CHOICES_NOT_A_LIST]
        if not choices:
            problems.append(ItemProblem.NO_CHOICES)
        seen: set[str] = set()
        for choice in choices:
            if not isinstance(choice, dict):
                problems.append(ItemProblem.CHOICE_NOT_AN_OBJECT)
                continue
            if set(choice) - CHOICE_KEYS:
                problems.append(ItemProblem.CHOICE_KEYS_UNKNOWN)
            value = choice.get("value")
            if not _is_text(value):
                problems.append(ItemProblem.CHOICE_VALUE_BLANK)
            elif value.strip() in seen:  # type: ignore[union-attr]  # checked text
                problems.append(ItemProblem.CHOICE_DUPLICATE)
            else:
                seen.add(value.strip())  # type: ignore[union-attr]  # checked text
            if not (_is_text(choice.get("zh")) and _is_text(choice.get("en"))):
                problems.append(ItemProblem.CHOICE_LABEL_BLANK)
    elif choices not in (None, [], ""):
        problems.append(ItemProblem.CHOICES_ON_OTHER_KIND)
    if kind == "number":
        if (
            min_value is not None and max_value is not None and min_value > max_value  # type: ignore[operator]  # numbers
        ):
            problems.append(ItemProblem.RANGE_INVERTED)
    elif min_value is not None or max_value is not None:
        problems.append(ItemProblem.RANGE_ON_OTHER_KIND)
    return list(dict.fromkeys(problems))


# docs/rules.md#evidence-after-arrival: what the technician carries is confirmed
# before leaving; everything else happens at the customer's home, so it is
# evidence only once he has arrived. A stage not named here waits for arrival.
STAGES_BEFORE_ARRIVAL = frozenset({"before_departure"})


class EvidenceTimingProblem(enum.StrEnum):
    NOT_ARRIVED = "not_arrived"
    CAPTURED_BEFORE_ARRIVAL = "captured_before_arrival"
    CAPTURED_IN_FUTURE = "captured_in_future"


def evidence_timing_problem(
    *,
    stage: str | None,
    arrived_at: datetime | None,
    captured_at: datetime | None,
    now: datetime,
    clock_skew: timedelta,
) -> EvidenceTimingProblem | None:
    """docs/rules.md#evidence-after-arrival: an answer or photo of an on-site stage
    (`stage` None: a photo of the visit, not of an item) is taken only once the
    technician has arrived, and, when the phone says when it captured it, not
    captured before the arrival the server recorded. Arrival itself is evidence.
    Whatever the stage, nothing is captured after it is received: a capture time
    more than `clock_skew` ahead of `now` comes from a wrong clock."""
    if captured_at is not None and captured_at > now + clock_skew:
        return EvidenceTimingProblem.CAPTURED_IN_FUTURE
    if stage in STAGES_BEFORE_ARRIVAL:
        return None
    if arrived_at is None:
        return EvidenceTimingProblem.NOT_ARRIVED
    if captured_at is not None and captured_at < arrived_at:
        return EvidenceTimingProblem.CAPTURED_BEFORE_ARRIVAL
    return None
