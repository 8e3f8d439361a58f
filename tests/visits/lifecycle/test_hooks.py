"""The lifecycle tells the packages that react to it through an explicit,
ordered list of hooks run inside the step's transaction."""

import pytest
from django.db import IntegrityError

from tests.visits.lifecycle.service_helpers import book
from visits.calls.models import Call
from visits.checklists.models import VisitChecklistItem
from visits.lifecycle import hooks
from visits.lifecycle.models import Visit, VisitEvent

pytestmark = pytest.mark.django_db


def test_the_hooks_are_installed_in_this_order():
    assert [
        (hook.name, sorted(hook.before), sorted(hook.after))
        for hook in hooks.installed()
    ] == [
        (
            "checklist: copy the current template onto a booked visit",
            [],
            ["scheduled"],
        ),
        (
            "checklist: refuse work done while a required item is missing",
            ["finish_work"],
            [],
        ),
        ("calls: reminders for a booked visit", [], ["scheduled"]),
        (
            "calls: reminders move with the visit, its reschedule requests are handled",
            [],
            ["rescheduled"],
        ),
        (
            "calls: no reminder for a visit that ended",
            [],
            ["cancel", "close", "no_show"],
        ),
        ("calls: the follow-up call after sign-off", [], ["sign_off"]),
        (
            "calls: the customer is told of a booking, a move or a reassignment",
            [],
            ["reassigned", "rescheduled", "scheduled"],
        ),
    ]


@pytest.fixture
def failing_hook_after_booking():
    """The installed hooks plus one that fails after the others ran."""
    installed = hooks.installed()

    def fail(change):
        raise IntegrityError("a reacting package failed")

    hooks.install(
        [*installed, hooks.Hook("fails", fail, after=frozenset({"scheduled"}))]
    )
    yield
    hooks.install(installed)


def test_a_booking_gets_its_checklist_and_reminders_from_the_hooks(
    dispatcher, technician
):
    visit = book(dispatcher=dispatcher, technician=technician)

    assert VisitChecklistItem.objects.filter(visit=visit).count() > 0
    assert sorted(
        Call.objects.filter(visit=visit).values_list("purpose", flat=True)
    ) == [
        "booking_notice",
        "reminder_before_arrival",
        "reminder_day_before",
    ]


def test_a_failing_hook_undoes_the_booking_and_what_the_other_hooks_wrote(
    failing_hook_after_booking, dispatcher, technician
):
    with pytest.raises(IntegrityError):
        book(dispatcher=dispatcher, technician=technician)

    assert Visit.objects.count() == 0
    assert VisitEvent.objects.count() == 0
    assert VisitChecklistItem.objects.count() == 0
    assert Call.objects.count() == 0


def test_hooks_run_in_the_order_installed(dispatcher, technician):
    installed = hooks.installed()
    seen = []
    hooks.install(
        [
            hooks.Hook(
                "first",
                lambda change: seen.append(("first", change.kind)),
                after=frozenset({"scheduled"}),
            ),
            hooks.Hook(
                "second",
                lambda change: seen.append(("second", change.kind)),
                after=frozenset({"scheduled"}),
            ),
        ]
    )
    try:
        book(dispatcher=dispatcher, technician=technician)
    finally:
        hooks.install(installed)

    assert seen == [("first", "scheduled"), ("second", "scheduled")]
