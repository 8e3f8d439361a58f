"""The day board's read (visits/console/selectors.py board_for_day): who has a
row, what each visit carries, and the tray of work that needs a time."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import TechnicianFactory
from tests.signing import all_confirmed, sign
from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    start_work,
)
from tests.visits.checklists.checklist_helpers import (
    book as book_today,
)
from tests.visits.console.board_helpers import populate_board
from tests.visits.lifecycle.service_helpers import (
    APPOINTED,
    NOT_RETURNING,
    book,
    drive,
    take,
)
from visits.calls.models import Call, CallState, RescheduleRequest
from visits.complaints import services as complaints
from visits.console.selectors import board_for_day
from visits.lifecycle import services
from visits.lifecycle.rules import Transition
from visits.models import TemporaryLeave

pytestmark = pytest.mark.django_db
DAY = APPOINTED.date()


def at(hour, minute, second=0) -> datetime:
    return APPOINTED.replace(hour=hour, minute=minute, second=second)


def visits_of(board, technician):
    row = next(row for row in board.rows if row.technician.pk == technician.pk)
    return row.visits


def test_every_active_technician_has_a_row_and_an_inactive_one_only_with_visits(
    dispatcher, technician, other_technician
):
    inactive_idle = TechnicianFactory(is_active=False)
    inactive_busy = TechnicianFactory()
    book(dispatcher=dispatcher, technician=inactive_busy)
    inactive_busy.technician_profile.is_active = False
    inactive_busy.technician_profile.save(update_fields=["is_active"])

    board = board_for_day(DAY, at(8, 0))

    ids = {row.technician.pk: row.is_active for row in board.rows}
    assert ids == {
        technician.pk: True,
        other_technician.pk: True,
        inactive_busy.pk: False,
    }
    assert inactive_idle.pk not in ids


def test_a_row_holds_that_days_visits_in_time_order_and_no_other_day(
    dispatcher, technician
):
    later = book(dispatcher=dispatcher, technician=technician)
    earlier = book(
        dispatcher=dispatcher, technician=technician, appointed_start=at(7, 0)
    )
    book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=APPOINTED + timedelta(days=1),
    )

    visits = visits_of(board_for_day(DAY, at(6, 0)), technician)

    assert [entry.visit.pk for entry in visits] == [earlier.pk, later.pk]
    assert visits[1].visit.work_order.customer_name == later.work_order.customer_name


def test_a_visit_nobody_set_off_for_eleven_minutes_past_its_start_is_late_now(
    dispatcher, technician
):
    book(dispatcher=dispatcher, technician=technician)

    early, at_risk, on_the_edge, late = (
        visits_of(board_for_day(DAY, now), technician)[0]
        for now in (at(8, 59), at(9, 0), at(9, 40), at(9, 41))
    )

    assert (early.is_late_now, early.is_at_risk) == (False, False)
    assert (at_risk.is_late_now, at_risk.is_at_risk) == (False, True)
    assert (on_the_edge.is_late_now, on_the_edge.is_at_risk) == (False, True)
    assert (late.is_late_now, late.is_at_risk) == (True, False)


def test_the_at_risk_window_is_the_setting(dispatcher, technician, settings):
    book(dispatcher=dispatcher, technician=technician)
    settings.BOARD_AT_RISK_MINUTES = 60

    entry = visits_of(board_for_day(DAY, at(8, 30)), technician)[0]

    assert entry.is_at_risk is True


def test_a_visit_on_the_way_past_its_tolerance_is_late_and_one_arrived_is_not(
    dispatcher, technician, other_technician
):
    on_the_way = book(dispatcher=dispatcher, technician=technician)
    drive(on_the_way, "en_route", dispatcher=dispatcher)
    arrived = book(dispatcher=dispatcher, technician=other_technician)
    drive(arrived, "arrived", dispatcher=dispatcher)

    board = board_for_day(DAY, at(11, 0))

    assert visits_of(board, technician)[0].is_late_now is True
    assert visits_of(board, other_technician)[0].is_late_now is False
    assert visits_of(board, other_technician)[0].visit.arrived_at is not None


def test_a_leave_without_return_shows_its_fix_deadline(dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)
    drive(visit, "in_progress", dispatcher=dispatcher)
    take(visit, Transition.LEAVE, by=technician, **NOT_RETURNING)

    entry = visits_of(board_for_day(DAY, at(11, 0)), technician)[0]

    assert entry.leave is not None
    assert entry.leave.is_returning is False
    assert entry.leave.fix_deadline == NOT_RETURNING["fix_deadline"]


def test_a_returned_leave_is_not_shown(dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)
    drive(visit, "in_progress", dispatcher=dispatcher)
    take(visit, Transition.LEAVE, by=technician)
    take(visit, Transition.RETURN, by=technician)

    entry = visits_of(board_for_day(DAY, at(11, 0)), technician)[0]

    assert entry.leave is None


def test_a_failed_call_and_an_open_complaint_are_marked(dispatcher, technician):
    marked = book(dispatcher=dispatcher, technician=technician)
    quiet = book(
        dispatcher=dispatcher, technician=technician, appointed_start=at(14, 0)
    )
    marked.calls.filter(state=CallState.SCHEDULED).update(state=CallState.FAILED)
    quiet.calls.update(state=CallState.COMPLETED)
    complaints.complaint_file(visit=marked, by=dispatcher, description="Rude")
    resolved = complaints.complaint_file(visit=quiet, by=dispatcher, description="x")
    resolved.state = "resolved"
    resolved.save(update_fields=["state"])

    first, second = visits_of(board_for_day(DAY, at(8, 0)), technician)

    assert Call.objects.filter(visit=marked, state=CallState.FAILED).exists()
    assert (first.has_failed_call, first.has_open_complaint) == (True, True)
    assert (second.has_failed_call, second.has_open_complaint) == (False, False)


def test_a_responded_complaint_is_still_open_on_the_board(dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)
    complaint = complaints.complaint_file(visit=visit, by=dispatcher, description="x")
    complaints.complaint_respond(complaint=complaint, by=dispatcher, response="Sorry")

    entry = visits_of(board_for_day(DAY, at(8, 0)), technician)[0]

    assert entry.has_open_complaint is True


def test_contested_conduct_is_marked(api, technician):
    visit = book_today(technician)
    api.as_user(technician)
    start_work(api, visit)
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    visit.refresh_from_db()
    conduct = all_confirmed(visit)
    conduct[-1] = {**conduct[-1], "confirmed": False}
    sign(visit, by=technician, conduct=conduct)

    now = timezone.now()
    entry = visits_of(board_for_day(timezone.localdate(now), now), technician)[0]

    assert entry.has_contested_conduct is True


def test_the_tray_holds_pending_reschedule_requests_on_scheduled_visits(
    dispatcher, technician
):
    waiting = book(dispatcher=dispatcher, technician=technician)
    handled = book(
        dispatcher=dispatcher, technician=technician, appointed_start=at(12, 0)
    )
    under_way = book(
        dispatcher=dispatcher, technician=technician, appointed_start=at(15, 0)
    )
    requested = timezone.now()
    pending = RescheduleRequest.objects.create(visit=waiting, requested_at=requested)
    RescheduleRequest.objects.create(
        visit=handled, requested_at=requested, handled_at=requested
    )
    RescheduleRequest.objects.create(visit=under_way, requested_at=requested)
    drive(under_way, "en_route", dispatcher=dispatcher)

    board = board_for_day(DAY, at(8, 0))

    assert [request.pk for request in board.reschedule_requests] == [pending.pk]


def test_a_leave_without_return_puts_the_work_order_in_the_tray_until_rebooked(
    dispatcher, technician, other_technician
):
    visit = book(dispatcher=dispatcher, technician=technician)
    drive(visit, "in_progress", dispatcher=dispatcher)
    take(visit, Transition.LEAVE, by=technician, **NOT_RETURNING)
    returning = book(dispatcher=dispatcher, technician=other_technician)
    drive(returning, "in_progress", dispatcher=dispatcher)
    take(returning, Transition.LEAVE, by=other_technician)

    needed = board_for_day(DAY, at(11, 0)).return_visits

    assert [(entry.work_order.pk, entry.visit.pk) for entry in needed] == [
        (visit.work_order_id, visit.pk)
    ]
    assert needed[0].fix_deadline == NOT_RETURNING["fix_deadline"]

    services.visit_close(visit=visit, by=dispatcher, note="Return visit to book")
    follow_up = book(
        dispatcher=dispatcher,
        technician=technician,
        work_order=visit.work_order,
        appointed_start=APPOINTED + timedelta(days=1),
    )
    assert board_for_day(DAY, at(11, 0)).return_visits == []

    services.visit_cancel(visit=follow_up, by=dispatcher, reason="Customer away")
    assert [e.work_order.pk for e in board_for_day(DAY, at(11, 0)).return_visits] == [
        visit.work_order_id
    ]
    assert TemporaryLeave.objects.filter(is_returning=False).count() == 1


@pytest.mark.parametrize("technicians", [10, 500])
def test_the_board_takes_the_same_queries_at_any_size(
    django_assert_num_queries, technicians
):
    day = APPOINTED.date()
    populate_board(technicians=technicians, visits_each=6, day=day)

    with django_assert_num_queries(5):
        board = board_for_day(day, at(11, 0))

    assert len(board.rows) == technicians
    assert sum(len(row.visits) for row in board.rows) == technicians * 6
    assert board.reschedule_requests
