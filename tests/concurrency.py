"""Two writers at the same moment, on PostgreSQL, without sleeping on a guess.

`race(first=…, second=…)` runs `first` in a transaction in one thread and keeps
that transaction open; then runs `second` in another thread and waits until it
either waits for a row lock or has finished; then lets `first` commit. A service
that locks what it reads before deciding waits for `first` and decides on what
`first` committed. With its `select_for_update` removed it decides on the state
before `first` (and its write then overwrites `first`'s, or duplicates it): the
tests assert the outcome of the locked version, so they fail without the lock.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction

from tests.visits.calls.test_locking import until, waiting_for_a_lock


@dataclass
class Outcome:
    value: Any = None
    error: Exception | None = None


@dataclass
class Race:
    first: Outcome = field(default_factory=Outcome)
    second: Outcome = field(default_factory=Outcome)
    second_waited: bool = False


def _thread(outcome: Outcome, function: Callable[[], Any]) -> threading.Thread:
    def run():
        try:
            outcome.value = function()
        except Exception as error:  # the test asserts what each writer raised
            outcome.error = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def race(*, first: Callable[[], Any], second: Callable[[], Any]) -> Race:
    result = Race()
    done_first, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            try:
                return first()
            finally:
                done_first.set()
                release.wait(30)

    holder = _thread(result.first, hold)
    assert done_first.wait(30), "the first writer never finished its work"
    challenger = _thread(result.second, second)
    until(
        lambda: waiting_for_a_lock() >= 1 or not challenger.is_alive(),
        "the second writer waits for a lock or finishes",
    )
    result.second_waited = challenger.is_alive()
    release.set()
    holder.join(30)
    challenger.join(30)
    assert not holder.is_alive(), "the first writer hangs"
    assert not challenger.is_alive(), "the second writer hangs"
    return result
