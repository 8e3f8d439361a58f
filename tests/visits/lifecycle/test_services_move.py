"""visit_move: the day board's drag, a reschedule and/or a reassignment in one
transaction, refused as a whole (docs/rules.md#reschedule, #reassign)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from fieldservice.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from tests.factories import TechnicianFactory
from tests.visits.lifecycle import service_helpers
from tests.visits.lifecycle.service_helpers import (
    drive,
    event_rows,
    future_appointment,
    refused,
    withdraw_checklists,
)
from visits.calls.models import Call
from visits.lifecycle import services

pytestmark = pytest.mark.django_db
# A move reads the real clock: the visit and its new time are always ahead.
APPOINTED = future_appointment()
LATER = APPOINTED + timedelta(hours=3)


def book(**options):
    options.setdefault("appointed_start", APPOINTED)
    return service_helpers.book(**options)


def calls_of(visit):
    return list(Call.objects.filter(visit=visit).order_by("id").values())


@pytest.fixture
def visit(dispatcher, technician):
    withdraw_checklists()  # "work done" on the lifecycle alone
    return book(dispatcher=dispatcher, technician=technician)


def test_moving_to_another_time_reschedules_and_moves_the_reminders(
    visit, dispatcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_move(
            visit=visit, by=dispatcher, reason="客户改约", appointed_start=LATER
        )

    visit.refresh_from_db()
    assert visit.appointed_start == LATER
    [event] = [e for e in event_rows(visit) if e["kind"] != "scheduled"]
    assert event["kind"] == "rescheduled"
    assert event["data"]["reason"] == "客户改约"
    assert event["data"]["to"] == LATER.isoformat()
    pending = Call.objects.get(
        visit=visit, state="scheduled", purpose="reminder_before_arrival"
    )
    assert pending.due_at == LATER - timedelta(minutes=60)


def test_moving_to_another_technician_reassigns(visit, dispatcher, other_technician):
    services.visit_move(
        visit=visit, by=dispatcher, reason="原技术员请假", technician=other_technician
    )

    visit.refresh_from_db()
    assert visit.technician == other_technician
    assert visit.appointed_start == APPOINTED
    assert [e["kind"] for e in event_rows(visit)] == ["scheduled", "reassigned"]


def test_moving_time_and_technician_at_once_writes_both_events(
    visit, dispatcher, technician, other_technician
):
    services.visit_move(
        visit=visit,
        by=dispatcher,
        reason="换人换时间",
        appointed_start=LATER,
        technician=other_technician,
    )

    visit.refresh_from_db()
    assert (visit.appointed_start, visit.technician) == (LATER, other_technician)
    events = event_rows(visit)
    assert [e["kind"] for e in events] == ["scheduled", "rescheduled", "reassigned"]
    assert events[2]["data"] == {
        "from": technician.pk,
        "to": other_technician.pk,
        "reason": "换人换时间",
    }


def test_the_new_technician_needs_to_be_free_only_at_the_new_time(
    visit, dispatcher, other_technician
):
    book(dispatcher=dispatcher, technician=other_technician)  # busy at APPOINTED

    services.visit_move(
        visit=visit,
        by=dispatcher,
        reason="x",
        appointed_start=LATER,
        technician=other_technician,
    )

    visit.refresh_from_db()
    assert visit.technician == other_technician


def test_moving_onto_another_visit_is_refused_and_changes_nothing(
    visit, dispatcher, technician
):
    book(dispatcher=dispatcher, technician=technician, appointed_start=LATER)
    calls = calls_of(visit)

    with (
        translation.override("en"),
        refused(Conflict, code="technician_busy") as caught,
    ):
        services.visit_move(
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=LATER + timedelta(minutes=30),
        )

    assert str(caught.value.detail).startswith(f"{technician} already has visit")
    assert calls_of(visit) == calls


def test_moving_closer_than_the_travel_buffer_to_another_visit_is_refused(
    visit, dispatcher, technician, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    # The other visit ends at LATER + 60 min; 29 minutes later is too close.
    book(dispatcher=dispatcher, technician=technician, appointed_start=LATER)
    before = visit.appointed_start
    calls = calls_of(visit)

    with refused(Conflict, code="travel_buffer"):
        services.visit_move(
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=LATER + timedelta(minutes=60 + 29),
        )

    visit.refresh_from_db()
    assert visit.appointed_start == before
    assert calls_of(visit) == calls


def test_moving_onto_the_new_technicians_visit_is_refused_as_a_whole(
    visit, dispatcher, other_technician
):
    book(dispatcher=dispatcher, technician=other_technician, appointed_start=LATER)

    with refused(Conflict, code="technician_busy"):
        services.visit_move(
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=LATER,
            technician=other_technician,
        )


def test_moving_into_the_past_is_refused(visit, dispatcher):
    with refused(InvalidInput, code="appointment_in_past"):
        services.visit_move(
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=timezone.now() - timedelta(minutes=5),
        )


@pytest.mark.parametrize("inactive", ["user", "profile"])
def test_moving_to_an_inactive_technician_is_refused(visit, dispatcher, inactive):
    newcomer = TechnicianFactory()
    if inactive == "user":
        newcomer.is_active = False
        newcomer.save(update_fields=["is_active"])
    else:
        newcomer.technician_profile.is_active = False
        newcomer.technician_profile.save(update_fields=["is_active"])

    with refused(InvalidInput, code="technician_inactive"):
        services.visit_move(
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=LATER,
            technician=newcomer,
        )


def test_moving_to_someone_not_a_technician_is_refused(visit, dispatcher):
    with refused(InvalidInput, code="not_a_technician"):
        services.visit_move(
            visit=visit, by=dispatcher, reason="x", technician=dispatcher
        )


@pytest.mark.parametrize(
    "state", ["en_route", "arrived", "in_progress", "signed_off", "closed", "cancelled"]
)
def test_a_visit_under_way_or_ended_cannot_be_moved(dispatcher, technician, state):
    # Driven through the helpers' fixed day (its steps are dated on it).
    withdraw_checklists()
    visit = service_helpers.book(dispatcher=dispatcher, technician=technician)
    drive(visit, state, dispatcher=dispatcher)
    calls = calls_of(visit)

    with (
        translation.override("en"),
        refused(InvalidTransition, code="invalid_transition") as caught,
    ):
        services.visit_move(
            visit=visit, by=dispatcher, reason="x", appointed_start=LATER
        )

    assert str(caught.value.detail).startswith("Only a scheduled visit can be moved:")
    assert calls_of(visit) == calls


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_needs_a_reason(visit, dispatcher, reason):
    with refused(InvalidInput, code="reason_required"):
        services.visit_move(
            visit=visit, by=dispatcher, reason=reason, appointed_start=LATER
        )


def test_a_move_that_changes_nothing_is_refused(visit, dispatcher, technician):
    with refused(InvalidInput, code="nothing_to_move"):
        services.visit_move(
            visit=visit,
            by=dispatcher,
            reason="x",
            appointed_start=APPOINTED,
            technician=technician,
        )
    with refused(InvalidInput, code="nothing_to_move"):
        services.visit_move(visit=visit, by=dispatcher, reason="x")


def test_a_technician_cannot_move_a_visit(visit, technician):
    with refused(NotAllowed, code="not_allowed"):
        services.visit_move(
            visit=visit, by=technician, reason="x", appointed_start=LATER
        )
