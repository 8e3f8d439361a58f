"""The calls' reactions to the visit lifecycle: the hooks it installs
(see visits.lifecycle.hooks; visits.apps installs them in order)."""

from visits.calls import services
from visits.lifecycle import hooks
from visits.lifecycle.hooks import Hook, VisitChange
from visits.lifecycle.rules import Transition


def _schedule_reminders(change: VisitChange) -> None:
    services.reminders_schedule(visit=change.visit, now=change.at)


def _move_reminders(change: VisitChange) -> None:
    services.reminders_move(visit=change.visit)
    services.reschedule_requests_handle(visit=change.visit, by=change.by, at=change.at)


def _cancel_reminders(change: VisitChange) -> None:
    # No reminder, and no notice of its time, for a visit that is over.
    services.calls_cancel(visit=change.visit, purposes=services.UNSENT_WHEN_OVER)


def _tell_customer(change: VisitChange) -> None:
    services.booking_notice_schedule(visit=change.visit, now=change.at)


def _schedule_follow_up(change: VisitChange) -> None:
    services.follow_up_schedule(visit=change.visit, signed_at=change.at)


HOOKS = (
    Hook(
        "calls: reminders for a booked visit",
        _schedule_reminders,
        after=frozenset({hooks.SCHEDULED}),
    ),
    Hook(
        "calls: reminders move with the visit, its reschedule requests are handled",
        _move_reminders,
        after=frozenset({hooks.RESCHEDULED}),
    ),
    Hook(
        "calls: no reminder for a visit that ended",
        _cancel_reminders,
        after=frozenset({Transition.CLOSE, Transition.CANCEL, Transition.NO_SHOW}),
    ),
    Hook(
        "calls: the follow-up call after sign-off",
        _schedule_follow_up,
        after=frozenset({Transition.SIGN_OFF}),
    ),
    Hook(
        "calls: the customer is told of a booking, a move or a reassignment",
        _tell_customer,
        after=frozenset({hooks.SCHEDULED, hooks.RESCHEDULED, hooks.REASSIGNED}),
    ),
)
