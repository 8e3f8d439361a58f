"""The console's pure decisions: what the board highlights, how free
technicians are ranked, how close a clock is to running out."""

from collections.abc import Iterable
from dataclasses import dataclass

# --- The day board: late now, at risk -----------------------------------------


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
