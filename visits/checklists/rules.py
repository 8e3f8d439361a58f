"""The conduct checklist as pure decisions: which items a visit requires and
what still keeps it from "work done". No Django, no database."""

import enum
from dataclasses import dataclass

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
