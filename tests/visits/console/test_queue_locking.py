"""Two dispatchers recording a call-back for the same failed call at the same
moment, on PostgreSQL: the call-back locks the visit and the call first, so
the second waits, sees the first and is refused; one reschedule request."""

import threading

import pytest
from django.db import transaction

from fieldservice.errors import Conflict
from tests.factories import DispatcherFactory, VisitFactory
from tests.visits.calls.test_locking import in_thread, until, waiting_for_a_lock
from tests.visits.console.test_queues import failed_call
from visits.calls import services as calls
from visits.models import RescheduleRequest, Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_call_backs_at_once_record_one_and_refuse_the_other():
    call = failed_call(VisitFactory())
    errors: list[Exception] = []
    holder_ready, release = threading.Event(), threading.Event()

    def hold_the_visit():
        with transaction.atomic():
            list(Visit.objects.select_for_update().filter(pk=call.visit_id))
            holder_ready.set()
            release.wait(30)

    holder = in_thread(errors, hold_the_visit)
    holder_ready.wait(30)
    dispatchers = [DispatcherFactory(), DispatcherFactory()]
    callers = [
        in_thread(
            errors,
            calls.call_record_call_back,
            call=call,
            by=dispatcher,
            outcome="reschedule_requested",
        )
        for dispatcher in dispatchers
    ]
    until(lambda: waiting_for_a_lock() >= 2, "both call-backs wait for the visit")
    release.set()
    for thread in (holder, *callers):
        thread.join(30)

    assert [type(error) for error in errors] == [Conflict]
    assert errors[0].code == "already_called_back"
    assert RescheduleRequest.objects.filter(call=call).count() == 1
    call.refresh_from_db()
    assert call.called_back_by in dispatchers
