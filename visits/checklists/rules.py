"""The conduct checklist as pure decisions: which items a visit requires and
what still keeps it from "work done". No Django, no database."""

import enum
from dataclasses import dataclass
from datetime import datetime

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


# docs/rules.md#evidence-after-arrival: what the technician carries is confirmed
# before leaving; everything else happens at the customer's home, so it is
# evidence only once he has arrived. A stage not named here waits for arrival.
STAGES_BEFORE_ARRIVAL = frozenset({"before_departure"})


class EvidenceTimingProblem(enum.StrEnum):
    NOT_ARRIVED = "not_arrived"
    CAPTURED_BEFORE_ARRIVAL = "captured_before_arrival"


def evidence_timing_problem(
    *, stage: str | None, arrived_at: datetime | None, captured_at: datetime | None
) -> EvidenceTimingProblem | None:
    """docs/rules.md#evidence-after-arrival: an answer or photo of an on-site stage
    (`stage` None: a photo of the visit, not of an item) is taken only once the
    technician has arrived, and, when the phone says when it captured it, not
    captured before the arrival the server recorded. Arrival itself is evidence."""
    if stage in STAGES_BEFORE_ARRIVAL:
        return None
    if arrived_at is None:
        return EvidenceTimingProblem.NOT_ARRIVED
    if captured_at is not None and captured_at < arrived_at:
        return EvidenceTimingProblem.CAPTURED_BEFORE_ARRIVAL
    return None
