"""The console's pure decisions: what the board highlights, how free
technicians are ranked, how close a clock is to running out."""

from dataclasses import dataclass
from datetime import datetime, timedelta

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


# --- The queues: clocks due soon and overdue ------------------------------------
