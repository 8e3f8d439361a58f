"""The checklist's reactions to the visit lifecycle: the hooks it installs
(see visits.lifecycle.hooks; visits.apps installs them in order)."""

from visits.checklists import services
from visits.lifecycle import hooks
from visits.lifecycle.hooks import Hook, VisitChange
from visits.lifecycle.rules import Transition


def _take_snapshot(change: VisitChange) -> None:
    services.checklist_snapshot_take(visit=change.visit)


def _guard_completion(change: VisitChange) -> None:
    services.checklist_guard_completion(visit=change.visit)


HOOKS = (
    Hook(
        "checklist: copy the current template onto a booked visit",
        _take_snapshot,
        after=frozenset({hooks.SCHEDULED}),
    ),
    Hook(
        "checklist: refuse work done while a required item is missing",
        _guard_completion,
        before=frozenset({Transition.FINISH_WORK}),
    ),
)
