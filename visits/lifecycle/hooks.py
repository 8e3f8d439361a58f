"""What the lifecycle tells the packages that react to it.

The lifecycle does not import the checklists or the calls. Instead, each step
runs the hooks installed for it, in the order they were installed, inside the
step's own transaction: a hook that raises refuses the step and nothing of it is
written. `before` hooks run once the visit is locked and the step is allowed,
before anything is written (the checklist refusing "work done"); `after` hooks
run once the step and its event are written (reminder calls for a booking).

The list is installed once, at start-up, by visits.apps in an explicit order;
`installed()` shows it. These are plain function calls, not Django signals: a
reader finds every reaction to a step here, and a failure rolls the step back.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# What happened to the visit, by its event kind: a lifecycle step
# (rules.Transition) or one of these.
SCHEDULED = "scheduled"
RESCHEDULED = "rescheduled"
REASSIGNED = "reassigned"


@dataclass(frozen=True)
class VisitChange:
    visit: Any  # visits.lifecycle.models.Visit, locked
    kind: str  # SCHEDULED, RESCHEDULED, REASSIGNED or a Transition
    at: datetime
    by: Any = None  # the user who acted; None for the system or a signing link


@dataclass(frozen=True)
class Hook:
    name: str
    run: Callable[[VisitChange], None]
    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()


_installed: list[Hook] = []


def install(hooks: Iterable[Hook]) -> None:
    """Installs the hooks, replacing any installed before. Called by visits.apps."""
    _installed[:] = list(hooks)


def installed() -> list[Hook]:
    return list(_installed)


def run_before(change: VisitChange) -> None:
    for hook in _installed:
        if change.kind in hook.before:
            hook.run(change)


def run_after(change: VisitChange) -> None:
    for hook in _installed:
        if change.kind in hook.after:
            hook.run(change)
