"""Placing a call and moving its visit at the same moment, on PostgreSQL: both
lock the visit first and the call second (visits.calls.services call_place),
so they queue instead of deadlocking."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.factories import DispatcherFactory
from tests.visits.checklists.checklist_helpers import book
from visits.calls import services as calls
from visits.lifecycle import services
from visits.models import Call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def until(condition, what: str, seconds: float = 20) -> None:
    """Waits for `condition` (a state of the database, not a duration)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.02)


def in_thread(errors: list, function, **kwargs) -> threading.Thread:
    def run():
        try:
            function(**kwargs)
        except Exception as error:  # the test reports what the thread raised
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_placing_a_call_while_its_visit_is_rescheduled_does_not_deadlock(
    technician, settings
):
    settings.CALL_QUIET_HOURS = "00:00-00:00"  # the call may ring at any hour here
    visit = book(technician, minutes_ahead=3 * 24 * 60)
    call = Call.objects.get(visit=visit, purpose="reminder_before_arrival")
    Call.objects.filter(pk=call.pk).update(state="queued", claimed_at=timezone.now())
    dispatcher = DispatcherFactory()
    errors: list[Exception] = []
    holder_ready, release = threading.Event(), threading.Event()

    def hold_the_technician():
        """Holds the technician's row, which rescheduling locks after the
        visit: the reschedule then waits while holding the visit's lock."""
        with transaction.atomic():
            list(
                technician.__class__.objects.select_for_update().filter(
                    pk=technician.pk
                )
            )
            holder_ready.set()
            release.wait(30)

    holder = in_thread(errors, hold_the_technician)
    holder_ready.wait(30)
    moving = in_thread(
        errors,
        services.visit_reschedule,
        visit=visit,
        appointed_start=visit.appointed_start + timedelta(days=1),
        by=dispatcher,
        reason="客户改约",
    )
    until(lambda: waiting_for_a_lock() == 1, "the reschedule waits, visit locked")
    placing = in_thread(errors, calls.call_place, call_id=call.pk)
    until(lambda: waiting_for_a_lock() == 2, "the placing waits for the visit")

    release.set()
    for thread in (holder, moving, placing):
        thread.join(60)

    assert errors == []
    call.refresh_from_db()
    assert (call.state, call.attempts) == ("cancelled", 0)
    assert sorted(
        Call.objects.filter(visit=visit, state="scheduled").values_list(
            "purpose", flat=True
        )
    ) == ["booking_notice", "reminder_before_arrival", "reminder_day_before"]
