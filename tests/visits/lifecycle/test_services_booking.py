"""Opening work orders and booking, rescheduling and reassigning visits."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from accounts.models import AreaTier, TechnicianProfile
from fieldservice.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from tests.factories import (
    CustomerFactory,
    CustomerUserFactory,
    DispatcherFactory,
    TechnicianFactory,
    WorkOrderFactory,
)
from tests.visits.lifecycle.service_helpers import (
    APPOINTED,
    BOOKED_AT,
    SHANGHAI,
    S,
    book,
    drive,
    event_rows,
    minutes,
    refused,
    set_arrival_tolerance,
    visit_in,
    visit_row,
    withdraw_checklists,
)
from visits.lifecycle import services
from visits.lifecycle.rules import VisitState
from visits.models import Visit, VisitKind, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_checklist_in_force(db):
    """The checklist snapshot taken at booking is tested with the checklist."""
    withdraw_checklists()


NOW = BOOKED_AT
TOMORROW = timedelta(days=1)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The server clock, stopped at NOW for the services that read it themselves
    (reschedule, reassign, work-order numbers). Set `clock.now` to move it. Like
    the real clock it answers in UTC, so local-day logic is really exercised."""
    clock = SimpleNamespace(now=NOW)
    monkeypatch.setattr(timezone, "now", lambda: clock.now.astimezone(UTC))
    return clock


@pytest.fixture
def work_order(dispatcher):
    return WorkOrderFactory(created_by=dispatcher)


def sequences(work_order) -> list[int]:
    return list(work_order.visits.order_by("id").values_list("sequence", flat=True))


def as_instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def inactive_profile():
    technician = TechnicianFactory()
    TechnicianProfile.objects.filter(user=technician).update(is_active=False)
    return technician


# Users who cannot be given a visit, and the code of the refusal.
NOT_BOOKABLE = {
    "technician-marked-inactive": (inactive_profile, "technician_inactive"),
    "technician-login-disabled": (
        lambda: TechnicianFactory(is_active=False),
        "technician_inactive",
    ),
    "technician-without-profile": (
        lambda: TechnicianFactory(profile=None),
        "technician_inactive",
    ),
    "dispatcher": (DispatcherFactory, "not_a_technician"),
    "customer": (CustomerUserFactory, "not_a_technician"),
}
not_bookable = pytest.mark.parametrize(
    ("make_user", "code"), NOT_BOOKABLE.values(), ids=NOT_BOOKABLE.keys()
)


# --- Booking -----------------------------------------------------------------


def test_booking_records_a_scheduled_visit_with_the_company_arrival_tolerance(
    dispatcher, technician, work_order
):
    # Given
    set_arrival_tolerance(25)

    # When
    visit = services.visit_schedule(
        work_order=work_order,
        technician=technician,
        appointed_start=APPOINTED,
        by=dispatcher,
        expected_duration_minutes=90,
        now=BOOKED_AT,
    )

    # Then
    assert visit_row(visit) == {
        "id": visit.pk,
        "work_order_id": work_order.pk,
        "sequence": 1,
        "technician_id": technician.pk,
        "appointed_start": APPOINTED,
        "expected_duration_minutes": 90,
        "arrival_tolerance_minutes": 25,
        "checklist_template_id": None,
        "state": S.SCHEDULED,
        "en_route_at": None,
        "arrived_at": None,
        "arrival_time_source": "",
        "punctuality": "",
        "arrival_deviation_seconds": None,
        "late_reason": "",
        "work_started_at": None,
        "work_done_at": None,
        "signed_off_at": None,
        "closed_at": None,
        "ended_reason": "",
        "created_at": BOOKED_AT,
    }
    assert event_rows(visit) == [
        {
            "kind": "scheduled",
            "from_state": "",
            "to_state": S.SCHEDULED,
            "at": BOOKED_AT,
            "actor": dispatcher.pk,
            "data": {
                "appointed_start": "2026-12-07T09:30:00+08:00",
                "technician": technician.pk,
                "expected_duration_minutes": 90,
            },
        }
    ]


@pytest.mark.parametrize(
    ("first_state", "is_returning"),
    [
        (S.CLOSED, True),
        (S.TEMPORARILY_LEFT, False),
        (S.CANCELLED, True),
        (S.NO_SHOW, True),
    ],
    ids=["closed", "left-without-return", "cancelled", "no-show"],
)
def test_the_next_visit_of_a_work_order_is_number_two_once_the_first_is_over(
    first_state, is_returning, dispatcher, technician
):
    # Given
    first = book(dispatcher=dispatcher, technician=technician)
    drive(first, first_state, dispatcher=dispatcher, is_returning=is_returning)

    # When
    second = book(
        dispatcher=dispatcher,
        technician=technician,
        work_order=first.work_order,
        appointed_start=APPOINTED + TOMORROW,
    )

    # Then
    assert second.sequence == 2
    assert sequences(first.work_order) == [1, 2]


@pytest.mark.parametrize(
    "open_state", [S.SCHEDULED, S.EN_ROUTE, S.ARRIVED, S.IN_PROGRESS]
)
def test_a_work_order_with_an_open_visit_cannot_be_booked_again(
    open_state, dispatcher, technician, other_technician
):
    first = visit_in(open_state, dispatcher=dispatcher, technician=technician)

    with refused(InvalidInput, code="work_order_has_open_visit"):
        book(
            dispatcher=dispatcher,
            technician=other_technician,
            work_order=first.work_order,
            appointed_start=APPOINTED + TOMORROW,
        )


@pytest.mark.parametrize(
    "appointed_start",
    [BOOKED_AT, BOOKED_AT - timedelta(seconds=1)],
    ids=["now", "a-second-ago"],
)
def test_an_appointment_that_is_not_in_the_future_is_refused(
    appointed_start, dispatcher, technician, work_order
):
    with refused(InvalidInput, code="appointment_in_past"):
        book(
            dispatcher=dispatcher,
            technician=technician,
            work_order=work_order,
            appointed_start=appointed_start,
        )


def test_an_appointment_without_a_time_zone_is_refused(
    dispatcher, technician, work_order
):
    with refused(InvalidInput, code="naive_datetime"):
        book(
            dispatcher=dispatcher,
            technician=technician,
            work_order=work_order,
            appointed_start=datetime(2026, 12, 7, 9, 30),  # noqa: DTZ001
        )


@pytest.mark.parametrize("duration", [4, 24 * 60 + 1])
def test_a_visit_shorter_than_five_minutes_or_longer_than_a_day_is_refused(
    duration, dispatcher, technician, work_order
):
    with refused(InvalidInput, code="invalid_duration"):
        book(
            dispatcher=dispatcher,
            technician=technician,
            work_order=work_order,
            expected_duration_minutes=duration,
        )


@pytest.mark.parametrize("duration", [5, 24 * 60])
def test_a_visit_of_five_minutes_or_a_whole_day_can_be_booked(
    duration, dispatcher, technician
):
    visit = book(
        dispatcher=dispatcher,
        technician=technician,
        expected_duration_minutes=duration,
    )

    assert visit_row(visit)["expected_duration_minutes"] == duration


@not_bookable
def test_only_an_active_technician_can_be_booked(
    make_user, code, dispatcher, work_order
):
    user = make_user()

    with refused(InvalidInput, code=code):
        book(dispatcher=dispatcher, technician=user, work_order=work_order)


# Relative to a visit from 09:30 to 10:30: (start offset, duration) in minutes.
OVERLAPPING = {
    "same-slot": (0, 60),
    "starts-during-it": (30, 60),
    "ends-during-it": (-30, 60),
    "surrounds-it": (-30, 120),
    "inside-it": (15, 15),
    "shares-one-minute": (59, 60),
}
TOUCHING = {"starts-when-it-ends": (60, 60), "ends-when-it-starts": (-60, 60)}


@pytest.mark.parametrize(
    ("offset", "duration"), OVERLAPPING.values(), ids=OVERLAPPING.keys()
)
def test_a_technician_cannot_be_booked_for_overlapping_visits(
    offset, duration, dispatcher, technician, work_order
):
    book(dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="technician_busy"):
        book(
            dispatcher=dispatcher,
            technician=technician,
            work_order=work_order,
            appointed_start=APPOINTED + minutes(offset),
            expected_duration_minutes=duration,
        )


@pytest.mark.parametrize(("offset", "duration"), TOUCHING.values(), ids=TOUCHING.keys())
def test_without_a_travel_buffer_visits_that_only_touch_can_be_booked(
    offset, duration, dispatcher, technician, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 0
    first = book(dispatcher=dispatcher, technician=technician)

    second = book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=APPOINTED + minutes(offset),
        expected_duration_minutes=duration,
    )

    assert list(Visit.objects.for_technician(technician).order_by("id")) == [
        first,
        second,
    ]


# --- Travel buffer (docs/rules.md#travel-buffer) ---------------------------------

# The booked visit runs 09:30-10:30 (60 minutes); the buffer is 30 minutes.
# (offset of the new visit's start from 09:30, its duration)
TOO_CLOSE = {
    "starts-29-minutes-after-it-ends": (60 + 29, 60),
    "ends-29-minutes-before-it-starts": (-60 - 29, 60),
    "starts-when-it-ends": (60, 60),
    "ends-when-it-starts": (-60, 60),
}
FAR_ENOUGH = {
    "starts-30-minutes-after-it-ends": (60 + 30, 60),
    "ends-30-minutes-before-it-starts": (-60 - 30, 60),
}


@pytest.mark.parametrize(
    ("offset", "duration"), TOO_CLOSE.values(), ids=TOO_CLOSE.keys()
)
def test_a_booking_less_than_the_travel_buffer_from_another_visit_is_refused(
    offset, duration, dispatcher, technician, work_order, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    first = book(dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="travel_buffer") as caught, translation.override("en"):
        book(
            dispatcher=dispatcher,
            technician=technician,
            work_order=work_order,
            appointed_start=APPOINTED + minutes(offset),
            expected_duration_minutes=duration,
        )

    assert caught.value.extra["clash"] == {
        "kind": "travel_buffer",
        "visit": first.pk,
        "number": str(first),
        "appointed_start": "2026-12-07T09:30:00+08:00",
        "expected_end": "2026-12-07T10:30:00+08:00",
    }
    assert "30 minutes must be left between visits for travel" in str(
        caught.value.detail
    )


@pytest.mark.parametrize(
    ("offset", "duration"), FAR_ENOUGH.values(), ids=FAR_ENOUGH.keys()
)
def test_a_booking_exactly_the_travel_buffer_from_another_visit_is_allowed(
    offset, duration, dispatcher, technician, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    book(dispatcher=dispatcher, technician=technician)

    second = book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=APPOINTED + minutes(offset),
        expected_duration_minutes=duration,
    )

    assert visit_row(second)["state"] == S.SCHEDULED


def test_an_overlap_is_told_before_a_buffer_clash_with_another_visit(
    dispatcher, technician, work_order, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    # 09:30-10:30, and 11:00-12:00 which the new visit overlaps
    book(dispatcher=dispatcher, technician=technician)
    later = book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=APPOINTED + minutes(90),
    )

    with refused(Conflict, code="technician_busy") as caught:
        book(
            dispatcher=dispatcher,
            technician=technician,
            work_order=work_order,
            appointed_start=APPOINTED + minutes(75),
            expected_duration_minutes=30,
        )

    assert caught.value.extra["clash"]["visit"] == later.pk


def test_rescheduling_within_the_travel_buffer_of_another_visit_is_refused(
    dispatcher, technician, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    book(dispatcher=dispatcher, technician=technician, appointed_start=NEW_START)
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="travel_buffer"):
        services.visit_reschedule(
            visit=visit,
            appointed_start=NEW_START - minutes(60 + 29),
            by=dispatcher,
            reason="Moved",
        )


def test_rescheduling_a_visit_next_to_its_own_old_time_ignores_itself(
    dispatcher, technician, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    visit = book(dispatcher=dispatcher, technician=technician)

    moved = services.visit_reschedule(
        visit=visit, appointed_start=APPOINTED + minutes(10), by=dispatcher, reason="x"
    )

    assert moved.appointed_start == APPOINTED + minutes(10)


def test_reassigning_within_the_travel_buffer_of_the_new_technicians_visit_is_refused(
    dispatcher, technician, other_technician, settings
):
    settings.TRAVEL_BUFFER_MINUTES = 30
    book(
        dispatcher=dispatcher,
        technician=other_technician,
        appointed_start=APPOINTED + minutes(60 + 29),
    )
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="travel_buffer"):
        services.visit_reassign(
            visit=visit, technician=other_technician, by=dispatcher, reason="Sick"
        )


@pytest.mark.parametrize(
    "state", [S.EN_ROUTE, S.ARRIVED, S.IN_PROGRESS, S.TEMPORARILY_LEFT]
)
def test_a_visit_under_way_still_holds_the_technicians_time(
    state, dispatcher, technician, work_order
):
    visit_in(state, dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="technician_busy"):
        book(dispatcher=dispatcher, technician=technician, work_order=work_order)


@pytest.mark.parametrize("state", [S.CLOSED, S.CANCELLED, S.NO_SHOW])
def test_a_visit_that_is_over_frees_the_technicians_time(state, dispatcher, technician):
    visit_in(state, dispatcher=dispatcher, technician=technician)

    visit = book(dispatcher=dispatcher, technician=technician)

    assert visit_row(visit)["state"] == S.SCHEDULED


def test_a_day_long_visit_booked_the_day_before_still_holds_the_technician(
    dispatcher, technician, work_order
):
    # Given a visit from 10:30 the day before until 10:30 on the day
    book(
        dispatcher=dispatcher,
        technician=technician,
        appointed_start=APPOINTED - timedelta(hours=23),
        expected_duration_minutes=24 * 60,
    )

    with refused(Conflict, code="technician_busy"):
        book(dispatcher=dispatcher, technician=technician, work_order=work_order)


# --- Rescheduling (改约) -------------------------------------------------------

NEW_START = datetime(2026, 12, 8, 14, 0, tzinfo=SHANGHAI)


def test_rescheduling_moves_the_visit_and_records_from_where_to_where_and_why(
    dispatcher, technician
):
    # Given
    visit = book(dispatcher=dispatcher, technician=technician)
    row_before, events_before = visit_row(visit), event_rows(visit)

    # When
    services.visit_reschedule(
        visit=visit,
        appointed_start=NEW_START,
        by=dispatcher,
        reason="  Customer at work  ",
        expected_duration_minutes=90,
    )

    # Then
    assert visit_row(visit) == {
        **row_before,
        "appointed_start": NEW_START,
        "expected_duration_minutes": 90,
    }
    *history, event = event_rows(visit)
    assert history == events_before
    data = event.pop("data")
    assert event == {
        "kind": "rescheduled",
        "from_state": S.SCHEDULED,
        "to_state": S.SCHEDULED,
        "at": NOW,
        "actor": dispatcher.pk,
    }
    assert {**data, "from": as_instant(data["from"]), "to": as_instant(data["to"])} == {
        "from": APPOINTED,
        "to": NEW_START,
        "reason": "Customer at work",
        "expected_duration_minutes": 90,
    }


def test_rescheduling_without_a_new_duration_keeps_the_old_one(dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)

    services.visit_reschedule(
        visit=visit, appointed_start=NEW_START, by=dispatcher, reason="Moved"
    )

    assert visit_row(visit)["expected_duration_minutes"] == 60
    assert event_rows(visit)[-1]["data"]["expected_duration_minutes"] == 60


def test_a_visit_can_be_moved_into_a_slot_overlapping_its_own_old_one(
    dispatcher, technician
):
    visit = book(dispatcher=dispatcher, technician=technician)

    services.visit_reschedule(
        visit=visit, appointed_start=APPOINTED + minutes(30), by=dispatcher, reason="x"
    )

    assert visit_row(visit)["appointed_start"] == APPOINTED + minutes(30)


NOT_SCHEDULED = [state for state in VisitState if state != S.SCHEDULED]


@pytest.mark.parametrize("state", NOT_SCHEDULED)
def test_only_a_scheduled_visit_can_be_rescheduled(state, dispatcher, technician):
    visit = visit_in(state, dispatcher=dispatcher, technician=technician)

    with refused(InvalidTransition, code="invalid_transition"):
        services.visit_reschedule(
            visit=visit, appointed_start=NEW_START, by=dispatcher, reason="Moved"
        )


@pytest.mark.parametrize("reason", ["", "   "])
def test_rescheduling_needs_a_reason(reason, dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(InvalidInput, code="reason_required"):
        services.visit_reschedule(
            visit=visit, appointed_start=NEW_START, by=dispatcher, reason=reason
        )


@pytest.mark.parametrize(
    "appointed_start", [NOW, NOW - timedelta(seconds=1)], ids=["now", "a-second-ago"]
)
def test_rescheduling_into_the_past_is_refused(appointed_start, dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(InvalidInput, code="appointment_in_past"):
        services.visit_reschedule(
            visit=visit, appointed_start=appointed_start, by=dispatcher, reason="x"
        )


def test_rescheduling_onto_another_visit_of_the_technician_is_refused(
    dispatcher, technician
):
    book(dispatcher=dispatcher, technician=technician, appointed_start=NEW_START)
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="technician_busy"):
        services.visit_reschedule(
            visit=visit,
            appointed_start=NEW_START + minutes(30),
            by=dispatcher,
            reason="Moved",
        )


# --- Reassigning -------------------------------------------------------------


def test_reassigning_gives_the_visit_to_another_technician_and_records_why(
    dispatcher, technician, other_technician
):
    # Given
    visit = book(dispatcher=dispatcher, technician=technician)
    row_before, events_before = visit_row(visit), event_rows(visit)

    # When
    services.visit_reassign(
        visit=visit, technician=other_technician, by=dispatcher, reason=" Sick "
    )

    # Then
    assert visit_row(visit) == {**row_before, "technician_id": other_technician.pk}
    assert event_rows(visit) == [
        *events_before,
        {
            "kind": "reassigned",
            "from_state": S.SCHEDULED,
            "to_state": S.SCHEDULED,
            "at": NOW,
            "actor": dispatcher.pk,
            "data": {
                "from": technician.pk,
                "to": other_technician.pk,
                "reason": "Sick",
            },
        },
    ]


@pytest.mark.parametrize("state", NOT_SCHEDULED)
def test_only_a_scheduled_visit_can_be_reassigned(
    state, dispatcher, technician, other_technician
):
    visit = visit_in(state, dispatcher=dispatcher, technician=technician)

    with refused(InvalidTransition, code="invalid_transition"):
        services.visit_reassign(
            visit=visit, technician=other_technician, by=dispatcher, reason="Sick"
        )


@pytest.mark.parametrize("reason", ["", "   "])
def test_reassigning_needs_a_reason(reason, dispatcher, technician, other_technician):
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(InvalidInput, code="reason_required"):
        services.visit_reassign(
            visit=visit, technician=other_technician, by=dispatcher, reason=reason
        )


def test_reassigning_to_the_same_technician_is_refused(dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(InvalidInput, code="same_technician"):
        services.visit_reassign(
            visit=visit, technician=technician, by=dispatcher, reason="Sick"
        )


def test_reassigning_to_a_technician_busy_at_that_time_is_refused(
    dispatcher, technician, other_technician
):
    book(
        dispatcher=dispatcher,
        technician=other_technician,
        appointed_start=APPOINTED + minutes(45),
    )
    visit = book(dispatcher=dispatcher, technician=technician)

    with refused(Conflict, code="technician_busy"):
        services.visit_reassign(
            visit=visit, technician=other_technician, by=dispatcher, reason="Sick"
        )


@not_bookable
def test_reassigning_to_someone_who_cannot_be_booked_is_refused(
    make_user, code, dispatcher, technician
):
    visit = book(dispatcher=dispatcher, technician=technician)
    user = make_user()

    with refused(InvalidInput, code=code):
        services.visit_reassign(visit=visit, technician=user, by=dispatcher, reason="x")


# --- Only dispatchers plan ---------------------------------------------------

DISPATCHER_ONLY = {
    "work_order_create": lambda given, by: services.work_order_create(
        customer=given.work_order.customer, kind=VisitKind.REPAIR, by=by
    ),
    "visit_schedule": lambda given, by: services.visit_schedule(
        work_order=given.work_order,
        technician=given.visit.technician,
        appointed_start=NEW_START,
        by=by,
        now=NOW,
    ),
    "visit_reschedule": lambda given, by: services.visit_reschedule(
        visit=given.visit, appointed_start=NEW_START, by=by, reason="Moved"
    ),
    "visit_reassign": lambda given, by: services.visit_reassign(
        visit=given.visit, technician=given.spare_technician, by=by, reason="Sick"
    ),
}


@pytest.mark.parametrize("action", DISPATCHER_ONLY.values(), ids=DISPATCHER_ONLY.keys())
@pytest.mark.parametrize("user", ["technician", "other_technician", "customer_user"])
def test_only_a_dispatcher_can_plan_work(
    action, user, request, dispatcher, technician, work_order
):
    # Given a booked visit, a work order without visits and a free technician
    given = SimpleNamespace(
        visit=book(dispatcher=dispatcher, technician=technician),
        work_order=work_order,
        spare_technician=TechnicianFactory(),
    )
    by = request.getfixturevalue(user)

    with refused(NotAllowed, code="not_allowed"):
        action(given, by)


# --- Work orders -------------------------------------------------------------

# 00:30 in Shanghai is still the previous day in UTC (16:30 on 3 December).
JUST_AFTER_MIDNIGHT = datetime(2026, 12, 4, 0, 30, tzinfo=SHANGHAI)


def open_work_order(customer, by, **options) -> WorkOrder:
    return services.work_order_create(
        customer=customer, kind=VisitKind.INSTALLATION, by=by, **options
    )


def test_work_order_numbers_count_up_within_a_local_day_and_restart_the_next(
    clock, dispatcher
):
    customer = CustomerFactory()
    numbers = []
    for now in (
        JUST_AFTER_MIDNIGHT,
        datetime(2026, 12, 4, 23, 59, 59, tzinfo=SHANGHAI),
        datetime(2026, 12, 5, 0, 0, tzinfo=SHANGHAI),
    ):
        clock.now = now
        numbers.append(open_work_order(customer, dispatcher).number)

    assert numbers == ["WO20261204-0001", "WO20261204-0002", "WO20261205-0001"]


def work_order_row(work_order) -> dict:
    return WorkOrder.objects.filter(pk=work_order.pk).values().get()


def test_a_work_order_copies_who_and_where_from_the_customer(clock, dispatcher):
    clock.now = JUST_AFTER_MIDNIGHT
    customer = CustomerFactory(
        name="李娜", phone="13912345678", address="解放大道 688 号", area_tier="rural"
    )

    work_order = open_work_order(customer, dispatcher, description="宽带新装")

    assert work_order_row(work_order) == {
        "id": work_order.pk,
        "number": "WO20261204-0001",
        "customer_id": customer.pk,
        "kind": "installation",
        "description": "宽带新装",
        "customer_name": "李娜",
        "customer_phone": "+8613912345678",  # kept in E.164
        "address": "解放大道 688 号",
        "area_tier": "rural",
        "created_by_id": dispatcher.pk,
        "created_at": JUST_AFTER_MIDNIGHT,
    }


def test_a_work_order_can_be_for_another_address_and_area_tier(dispatcher):
    customer = CustomerFactory(address="解放大道 688 号", area_tier=AreaTier.RURAL)

    work_order = open_work_order(
        customer, dispatcher, address="中山路 1 号", area_tier=AreaTier.URBAN
    )

    row = work_order_row(work_order)
    assert (row["address"], row["area_tier"]) == ("中山路 1 号", "urban")


def test_editing_the_customer_later_does_not_change_the_work_order(dispatcher):
    customer = CustomerFactory(
        name="李娜", phone="13912345678", address="解放大道 688 号", area_tier="rural"
    )
    work_order = open_work_order(customer, dispatcher)
    before = work_order_row(work_order)

    customer.name, customer.phone = "王芳", "13800000000"
    customer.address, customer.area_tier = "中山路 1 号", "urban"
    customer.save()

    assert work_order_row(work_order) == before


def test_an_unknown_work_order_kind_is_refused_and_uses_up_no_number(clock, dispatcher):
    clock.now = JUST_AFTER_MIDNIGHT
    customer = CustomerFactory()

    with refused(InvalidInput, code="invalid_kind"):
        services.work_order_create(customer=customer, kind="demolition", by=dispatcher)

    assert open_work_order(customer, dispatcher).number == "WO20261204-0001"
