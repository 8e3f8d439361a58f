"""Two dispatchers dragging two visits onto the same technician's same slot at
the same moment, on PostgreSQL: visit_move checks the new technician's time
under his row's lock (_check_technician_free), so one move wins and the other
is refused, never both."""

import threading
from datetime import timedelta

import pytest
from django.db import transaction

from accounts.models import User
from fieldservice.errors import Conflict
from tests.factories import DispatcherFactory, TechnicianFactory
from tests.visits.calls.test_locking import in_thread, until, waiting_for_a_lock
from tests.visits.lifecycle.service_helpers import book, future_appointment
from visits.lifecycle import services
from visits.models import Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_moves_onto_the_same_slot_at_once_let_only_one_through():
    dispatcher = DispatcherFactory()
    target = TechnicianFactory()
    # A move reads the real clock: the visits and the slot are always ahead.
    appointed = future_appointment()
    first, second = (
        book(
            dispatcher=dispatcher,
            technician=TechnicianFactory(),
            appointed_start=appointed,
        )
        for _ in range(2)
    )
    slot = appointed + timedelta(hours=4)
    errors: list[Exception] = []
    holder_ready, release = threading.Event(), threading.Event()

    def hold_the_target():
        with transaction.atomic():
            list(User.objects.select_for_update().filter(pk=target.pk))
            holder_ready.set()
            release.wait(30)

    holder = in_thread(errors, hold_the_target)
    holder_ready.wait(30)
    moves = [
        in_thread(
            errors,
            services.visit_move,
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=slot,
            technician=target,
        )
        for visit in (first, second)
    ]
    until(lambda: waiting_for_a_lock() >= 2, "both moves wait for the technician")
    release.set()
    for thread in (holder, *moves):
        thread.join(30)

    assert [type(error) for error in errors] == [Conflict]
    assert errors[0].code == "technician_busy"
    assert Visit.objects.filter(technician=target, appointed_start=slot).count() == 1
