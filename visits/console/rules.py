"""The console's pure decisions: what the board highlights, how free
technicians are ranked, how close a clock is to running out."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from visits.lifecycle.rules import VisitState

# --- The day board: late now, at risk -----------------------------------------

# Nobody has reached the customer yet: the visit waits for its technician.
NOT_ARRIVED_STATES = frozenset({VisitState.SCHEDULED, VisitState.EN_ROUTE})


@dataclass(frozen=True)
class BoardFlags:
    is_late_now: bool
    is_at_risk: bool


def board_flags(
    *,
    state: str,
    appointed_start: datetime,
    arrival_tolerance: timedelta,
    at_risk_before: timedelta,
    now: datetime,
) -> BoardFlags:
    """What the day board highlights on one visit, as it happens
    (docs/rules.md#day-board):

    - **late now**: nobody has arrived yet (the visit is scheduled or en route)
      and `now` is past the appointed start plus the visit's arrival tolerance
      (strictly: at exactly start + tolerance the technician is still on time);
    - **at risk**: nobody has set off yet (scheduled), the visit is not late now,
      and `now` is at or after the appointed start minus `at_risk_before`
      (BOARD_AT_RISK_MINUTES): the travel time left is short.

    A visit en route is never at risk (someone is on the way); a visit that is
    late now is not also at risk. Once the technician arrives neither flag holds:
    the arrival's punctuality is recorded instead."""
    is_late_now = (
        state in NOT_ARRIVED_STATES and now > appointed_start + arrival_tolerance
    )
    is_at_risk = (
        state == VisitState.SCHEDULED
        and not is_late_now
        and now >= appointed_start - at_risk_before
    )
    return BoardFlags(is_late_now=is_late_now, is_at_risk=is_at_risk)


# --- The booking assistant: ranking the free technicians ----------------------


@dataclass(frozen=True)
class Candidate:
    """What the booking assistant weighs about one technician for a window."""

    technician_id: int
    name: str
    is_free: bool  # free for the whole window plus the travel buffer
    visits_that_day: int  # open visits already booked on the window's day
    arrivals_on_time: int  # arrivals judged on time, in the record's period
    arrivals_judged: int  # arrivals judged at all (early, on time or late)


def on_time_rate(on_time: int, judged: int) -> float | None:
    """Arrivals on time over arrivals judged; None with nothing judged yet."""
    if judged <= 0:
        return None
    return on_time / judged


def candidate_rank(candidate: Candidate) -> tuple:
    """docs/rules.md#booking-assistant: the order a dispatcher weighs
    technicians in for a wished window.

    1. Free technicians (for the whole visit plus the travel buffer) first.
    2. Fewest visits already booked that day: spread the load, and a light
       day leaves room for a job that overruns.
    3. Best on-time record (arrivals on time / arrivals judged over the
       record's period, the last 90 days). A technician with no judged
       arrival yet ranks after every technician with a record, whatever its
       rate: a known record is weighed, an unknown one is not guessed.
    4. Name (case-insensitive), then id, so the order never depends on the
       database's.
    """
    rate = on_time_rate(candidate.arrivals_on_time, candidate.arrivals_judged)
    return (
        not candidate.is_free,
        candidate.visits_that_day,
        rate is None,
        -(rate or 0.0),
        candidate.name.casefold(),
        candidate.technician_id,
    )


def rank_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates in the booking assistant's order (see candidate_rank)."""
    return sorted(candidates, key=candidate_rank)


# --- The queues: clocks due soon and overdue ------------------------------------


class ClockStatus(StrEnum):
    """Where a complaint clock stands (docs/rules.md#complaint-first-response,
    #complaint-resolution)."""

    MET = "met"  # done by the due time
    MISSED = "missed"  # done, but after the due time
    OVERDUE = "overdue"  # not done and past the due time
    DUE_SOON = "due_soon"  # not done, less than the due-soon hours left
    RUNNING = "running"  # not done, time enough left


@dataclass(frozen=True)
class ClockReading:
    status: ClockStatus
    # due_at minus the moment the clock stopped (done) or now (running):
    # negative when overdue or missed.
    seconds_left: int

    @property
    def is_stopped(self) -> bool:
        return self.status in (ClockStatus.MET, ClockStatus.MISSED)


def clock_status(
    *,
    due_at: datetime,
    done_at: datetime | None,
    now: datetime,
    due_soon_hours: int,
) -> ClockReading:
    """A complaint clock read at `now`. Done exactly at the due time is met; not
    done exactly at the due time is due soon (no time left, not yet past); with
    exactly `due_soon_hours` left it is still running."""
    if done_at is not None:
        left = due_at - done_at
        status = ClockStatus.MET if done_at <= due_at else ClockStatus.MISSED
    else:
        left = due_at - now
        if now > due_at:
            status = ClockStatus.OVERDUE
        elif left < timedelta(hours=due_soon_hours):
            status = ClockStatus.DUE_SOON
        else:
            status = ClockStatus.RUNNING
    return ClockReading(status=status, seconds_left=int(left.total_seconds()))


# How urgent a running clock is, most urgent first (the queue's order).
CLOCK_URGENCY = {
    ClockStatus.OVERDUE: 0,
    ClockStatus.DUE_SOON: 1,
    ClockStatus.RUNNING: 2,
    ClockStatus.MISSED: 3,
    ClockStatus.MET: 3,
}
