"""The console's pure decisions: what the board highlights, how free
technicians are ranked, how close a clock is to running out."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# --- The day board: late now, at risk -----------------------------------------


# --- The booking assistant: ranking the free technicians ----------------------


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
