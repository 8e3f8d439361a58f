"""The visit lifecycle as pure decisions: no Django, no database, no clock.

The states, the steps between them and who takes each step are written here
once; the models attach labels for people and the services apply the table.
Each rule cites docs/rules.md and has unit tests at its boundaries
(tests/visits/lifecycle/test_rules.py).
"""

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar


class VisitState(enum.StrEnum):
    SCHEDULED = "scheduled"
    EN_ROUTE = "en_route"
    ARRIVED = "arrived"
    IN_PROGRESS = "in_progress"
    TEMPORARILY_LEFT = "temporarily_left"
    WORK_DONE = "work_done"
    SIGNED_OFF = "signed_off"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Transition(enum.StrEnum):
    """A step of the lifecycle. The API names it with hyphens (`start-travel`)."""

    START_TRAVEL = "start_travel"
    ARRIVE = "arrive"
    START_WORK = "start_work"
    LEAVE = "leave"
    RETURN = "return"
    FINISH_WORK = "finish_work"
    SIGN_OFF = "sign_off"
    CLOSE = "close"
    CANCEL = "cancel"
    NO_SHOW = "no_show"


def step_name(transition: str) -> str:
    """The step as the API's URLs name it: `start_travel` -> `start-travel`."""
    return transition.replace("_", "-")


class Actor(enum.StrEnum):
    """Who may take a step: the visit's own technician, a dispatcher, or either."""

    TECHNICIAN = "technician"
    DISPATCHER = "dispatcher"
    EITHER = "either"


S = VisitState
# The visit lifecycle: transition -> (states it may start from, state it ends in, who).
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    Transition.START_TRAVEL: (frozenset({S.SCHEDULED}), S.EN_ROUTE, Actor.TECHNICIAN),
    Transition.ARRIVE: (frozenset({S.EN_ROUTE}), S.ARRIVED, Actor.TECHNICIAN),
    Transition.START_WORK: (frozenset({S.ARRIVED}), S.IN_PROGRESS, Actor.TECHNICIAN),
    Transition.LEAVE: (
        frozenset({S.IN_PROGRESS}),
        S.TEMPORARILY_LEFT,
        Actor.TECHNICIAN,
    ),
    Transition.RETURN: (
        frozenset({S.TEMPORARILY_LEFT}),
        S.IN_PROGRESS,
        Actor.TECHNICIAN,
    ),
    Transition.FINISH_WORK: (frozenset({S.IN_PROGRESS}), S.WORK_DONE, Actor.TECHNICIAN),
    # The customer signs: on the technician's phone, or through a link (no user).
    Transition.SIGN_OFF: (frozenset({S.WORK_DONE}), S.SIGNED_OFF, Actor.TECHNICIAN),
    # Closing after a leave without return hands the rest of the job to a return visit.
    Transition.CLOSE: (
        frozenset({S.SIGNED_OFF, S.TEMPORARILY_LEFT}),
        S.CLOSED,
        Actor.DISPATCHER,
    ),
    Transition.CANCEL: (
        frozenset({S.SCHEDULED, S.EN_ROUTE}),
        S.CANCELLED,
        Actor.DISPATCHER,
    ),
    Transition.NO_SHOW: (frozenset({S.EN_ROUTE, S.ARRIVED}), S.NO_SHOW, Actor.EITHER),
}
del S


def allowed_transitions(state: str) -> list[str]:
    """Steps a visit in `state` allows, whoever takes them, in the table's order."""
    return [
        name for name, (sources, _to, _actor) in TRANSITIONS.items() if state in sources
    ]


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
        """An arrival outside the tolerance, late or early, must be explained
        (docs/rules.md#arrival-tolerance)."""
        return self.status is not Punctuality.ON_TIME


def arrival_punctuality(
    *, appointed: datetime, arrived: datetime, tolerance: timedelta
) -> ArrivalPunctuality:
    """docs/rules.md#arrival-tolerance: arrival may differ from the appointed time by at most
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
    """docs/rules.md#temporary-leave: the technician must tell the customer whether he
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


class TimeSource(enum.StrEnum):
    """Whose clock a recorded step time comes from."""

    SERVER = "server"  # the server's, when the request arrived
    DEVICE = "device"  # the phone's, when the technician tapped (sent later)


class ReportedTimeProblem(enum.StrEnum):
    IN_FUTURE = "occurred_in_future"
    TOO_LONG_AGO = "occurred_too_long_ago"
    BEFORE_PREVIOUS_STEP = "occurred_before_previous_step"


@dataclass(frozen=True)
class ReportedStepTime:
    """The judgement of a step time reported by the phone: the time to record,
    or what is wrong with it."""

    at: datetime
    problem: ReportedTimeProblem | None = None


def judge_reported_step_time(
    *,
    occurred: datetime,
    now: datetime,
    previous: datetime | None,
    clock_skew: timedelta,
    max_age: timedelta,
) -> ReportedStepTime:
    """docs/rules.md#offline-steps: a step the phone took offline is recorded at
    the time it reports (already corrected by the phone's measured clock), if

    - it is not more than `clock_skew` ahead of `now` (then the clock is wrong);
      within the skew it is recorded at `now`, so no record lies in the future;
    - it is at most `max_age` before `now` (the boundary itself is accepted);
    - it is not before `previous`, the visit's last recorded step or event
      (equal is accepted): steps keep the order they happened in, and the
      visit as it stands (its appointed time, its technician) is the visit as
      it stood then.
    """
    if occurred.tzinfo is None or now.tzinfo is None:
        raise ValueError("occurred and now must be timezone-aware")
    if occurred > now + clock_skew:
        return ReportedStepTime(at=occurred, problem=ReportedTimeProblem.IN_FUTURE)
    at = min(occurred, now)
    if now - at > max_age:
        return ReportedStepTime(at=at, problem=ReportedTimeProblem.TOO_LONG_AGO)
    if previous is not None and at < previous:
        return ReportedStepTime(at=at, problem=ReportedTimeProblem.BEFORE_PREVIOUS_STEP)
    return ReportedStepTime(at=at)


# --- Travel buffer (docs/rules.md#travel-buffer) --------------------------------


Key = TypeVar("Key")


class ClashKind(enum.StrEnum):
    """How a wished window clashes with one of the technician's open visits."""

    OVERLAP = "overlap"  # the two windows share time
    TRAVEL_BUFFER = "travel_buffer"  # no overlap, but less than the buffer apart


def schedule_clash(
    *,
    start: datetime,
    end: datetime,
    other_start: datetime,
    other_end: datetime,
    buffer: timedelta,
) -> ClashKind | None:
    """docs/rules.md#travel-buffer: a window [start, end) and another visit's
    [other_start, other_end) overlap when they share any time; otherwise they
    clash on the buffer when less than `buffer` lies between one's end and the
    other's start, in either order. Exactly `buffer` apart is free."""
    if other_start < end and other_end > start:
        return ClashKind.OVERLAP
    if other_start < end + buffer and other_end > start - buffer:
        return ClashKind.TRAVEL_BUFFER
    return None


def first_clash(
    *,
    start: datetime,
    end: datetime,
    others: Iterable[tuple[Key, datetime, datetime]],
    buffer: timedelta,
) -> tuple[Key, ClashKind] | None:
    """The clash to tell first among `others` (key, start, end): an overlap
    before a buffer clash, then the earliest other visit."""
    found = []
    for key, other_start, other_end in others:
        kind = schedule_clash(
            start=start,
            end=end,
            other_start=other_start,
            other_end=other_end,
            buffer=buffer,
        )
        if kind is not None:
            found.append((kind is not ClashKind.OVERLAP, other_start, key, kind))
    if not found:
        return None
    _is_buffer, _start, key, kind = min(found, key=lambda item: item[:2])
    return key, kind
