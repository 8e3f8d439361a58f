"""The home-visit rules as pure decisions: no ORM, no request, no clock.

Each function answers one rule of shared/domain/home-visit-rules.md and has
direct unit tests at its boundaries (tests/visits/test_rules.py).
"""

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta


class Punctuality(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True)
class ArrivalPunctuality:
    status: Punctuality
    # Signed distance from the appointed time: negative is early.
    deviation_seconds: int

    @property
    def deviation_minutes(self) -> int:
        """Whole minutes, rounded away from zero: 10 min 1 s late counts as 11."""
        minutes = math.ceil(abs(self.deviation_seconds) / 60)
        return minutes if self.deviation_seconds >= 0 else -minutes

    @property
    def is_reason_required(self) -> bool:
        """A late arrival must be explained (home-visit rules 3.1)."""
        return self.status is Punctuality.LATE


def arrival_punctuality(
    *, appointed: datetime, arrived: datetime, tolerance: timedelta
) -> ArrivalPunctuality:
    """Rule 3.1 (004:L200): arrival may differ from the appointed time by at most
    the tolerance (10 minutes by default). The boundary itself is on time."""
    if appointed.tzinfo is None or arrived.tzinfo is None:
        raise ValueError("appointed and arrived must be timezone-aware")
    if tolerance < timedelta(0):
        raise ValueError("tolerance cannot be negative")
    deviation = arrived - appointed
    if deviation > tolerance:
        status = Punctuality.LATE
    elif deviation < -tolerance:
        status = Punctuality.EARLY
    else:
        status = Punctuality.ON_TIME
    # Whole seconds, rounded toward zero: 10 min 0.4 s late is still 600 s.
    return ArrivalPunctuality(
        status=status, deviation_seconds=int(deviation.total_seconds())
    )


class LeaveProblem(enum.StrEnum):
    RETURNING_NOT_SAID = "returning_not_said"
    FIX_DEADLINE_REQUIRED = "fix_deadline_required"
    FIX_DEADLINE_NOT_IN_FUTURE = "fix_deadline_not_in_future"
    FIX_DEADLINE_WHEN_RETURNING = "fix_deadline_when_returning"


def temporary_leave_problems(
    *, is_returning: bool | None, fix_deadline: datetime | None, now: datetime
) -> list[LeaveProblem]:
    """Rules 6.1-6.3 (004:L367): the technician must tell the customer whether he
    will come back; if not, he commits to a deadline for the service to work
    (调通/修通时限), which must lie in the future. Returns what is wrong, if anything."""
    if is_returning is None:
        return [LeaveProblem.RETURNING_NOT_SAID]
    if is_returning:
        return [LeaveProblem.FIX_DEADLINE_WHEN_RETURNING] if fix_deadline else []
    if fix_deadline is None:
        return [LeaveProblem.FIX_DEADLINE_REQUIRED]
    if fix_deadline <= now:
        return [LeaveProblem.FIX_DEADLINE_NOT_IN_FUTURE]
    return []


# --- The conduct checklist ---------------------------------------------------

URBAN = "urban"  # 县(市、区)及以上
RURAL = "rural"  # 乡镇及农村


def item_is_required(*, is_required: bool, condition: str, area_tier: str) -> bool:
    """Rule 4.1 (004:L208) and its kin: an item may be required only for
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
