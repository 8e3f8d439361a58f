"""The visit lifecycle services: every step, who may take it, arrival punctuality,
temporary leaves, and the append-only event log."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import translation

from fieldservice.errors import InvalidInput, InvalidTransition, NotAllowed
from tests.visits.lifecycle.service_helpers import (
    ALLOWED_FROM,
    APPOINTED,
    BOOKED_AT,
    ILLEGAL,
    LEGAL,
    SHANGHAI,
    STEP_AT,
    S,
    T,
    book,
    drive,
    event_rows,
    minutes,
    permitted_actor,
    refused,
    set_arrival_tolerance,
    take,
    visit_in,
    visit_row,
    withdraw_checklists,
)
from visits.checklists.services import ChecklistIncomplete
from visits.lifecycle.rules import TRANSITIONS, Actor, VisitState
from visits.models import (
    ChecklistTemplate,
    LeaveReason,
    SignOff,
    TemporaryLeave,
    VisitEvent,
    VisitKind,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_checklist_in_force(db):
    """Visits here are booked without a checklist, so that "work done" depends on
    the lifecycle alone; the completion guard has its own test."""
    withdraw_checklists()


TARGET = {
    T.START_TRAVEL: S.EN_ROUTE,
    T.ARRIVE: S.ARRIVED,
    T.START_WORK: S.IN_PROGRESS,
    T.LEAVE: S.TEMPORARILY_LEFT,
    T.RETURN: S.IN_PROGRESS,
    T.FINISH_WORK: S.WORK_DONE,
    T.SIGN_OFF: S.SIGNED_OFF,
    T.CLOSE: S.CLOSED,
    T.CANCEL: S.CANCELLED,
    T.NO_SHOW: S.NO_SHOW,
}
ONLY_OWN_TECHNICIAN = [
    T.START_TRAVEL,
    T.ARRIVE,
    T.START_WORK,
    T.LEAVE,
    T.RETURN,
    T.FINISH_WORK,
    T.SIGN_OFF,  # the customer signs on the technician's phone (or by link)
]
ONLY_DISPATCHER = [T.CLOSE, T.CANCEL]
OWN_TECHNICIAN_OR_DISPATCHER = [T.NO_SHOW]


def source_state(transition: str) -> str:
    return next(state for state, steps in ALLOWED_FROM.items() if transition in steps)


def test_the_lifecycle_table_is_the_one_the_rules_describe():
    actor_of = {
        **dict.fromkeys(ONLY_OWN_TECHNICIAN, Actor.TECHNICIAN),
        **dict.fromkeys(ONLY_DISPATCHER, Actor.DISPATCHER),
        **dict.fromkeys(OWN_TECHNICIAN_OR_DISPATCHER, Actor.EITHER),
    }
    expected = {
        transition: (
            frozenset(state for state, step in LEGAL if step == transition),
            TARGET[transition],
            actor_of[transition],
        )
        for transition in T
    }

    assert expected == TRANSITIONS


# --- Every legal step --------------------------------------------------------

THE_LEAVE = "<id of the visit's temporary leave>"
THE_RECORD = "<SHA-256 of the visit's sign-off record>"


@dataclass(frozen=True)
class Step:
    from_state: str
    transition: str
    changes: dict  # visit fields the step sets, besides the state
    data: dict  # the event's details
    inputs: dict = field(default_factory=dict)
    by: str = "technician"
    is_returning: bool = True  # for a visit temporarily left

    def __str__(self) -> str:
        return f"{self.transition}-from-{self.from_state}-by-{self.by}"


def ended(transition: str, reason: str) -> dict:
    return {"closed_at": STEP_AT[transition], "ended_reason": reason}


STEPS = [
    Step(S.SCHEDULED, T.START_TRAVEL, {"en_route_at": STEP_AT[T.START_TRAVEL]}, {}),
    Step(
        S.EN_ROUTE,
        T.ARRIVE,
        changes={
            "arrived_at": STEP_AT[T.ARRIVE],
            "arrival_time_source": "server",
            "punctuality": "on_time",
            "arrival_deviation_seconds": 300,
            "late_reason": "",
        },
        data={"punctuality": "on_time", "deviation_seconds": 300, "late_reason": ""},
    ),
    Step(S.ARRIVED, T.START_WORK, {"work_started_at": STEP_AT[T.START_WORK]}, {}),
    Step(
        S.IN_PROGRESS,
        T.LEAVE,
        changes={},
        inputs={"reason": "fetch_materials", "is_returning": True, "note": " Cable "},
        data={
            "leave": THE_LEAVE,
            "reason": "fetch_materials",
            "is_returning": True,
            "fix_deadline": None,
            "note": "Cable",
        },
    ),
    Step(
        S.TEMPORARILY_LEFT,
        T.RETURN,
        changes={},
        data={"leave": THE_LEAVE, "away_seconds": 30 * 60},
    ),
    Step(S.IN_PROGRESS, T.FINISH_WORK, {"work_done_at": STEP_AT[T.FINISH_WORK]}, {}),
    Step(
        S.WORK_DONE,
        T.SIGN_OFF,
        changes={"signed_off_at": STEP_AT[T.SIGN_OFF]},
        inputs={"signer_name": " Wang Fang "},
        data={
            "signer_name": "Wang Fang",
            "channel": "technician_device",
            "record": 1,
            "record_sha256": THE_RECORD,
            "contested": [],
        },
        by="technician",
    ),
    Step(
        S.SIGNED_OFF,
        T.CLOSE,
        changes=ended(T.CLOSE, ""),
        data={"reason": ""},
        by="dispatcher",
    ),
    Step(
        S.TEMPORARILY_LEFT,
        T.CLOSE,
        changes=ended(T.CLOSE, "Return visit on Friday"),
        inputs={"note": " Return visit on Friday "},
        data={"reason": "Return visit on Friday"},
        by="dispatcher",
        is_returning=False,
    ),
    *(
        Step(
            state,
            T.CANCEL,
            changes=ended(T.CANCEL, "Customer is away"),
            inputs={"reason": " Customer is away "},
            data={"reason": "Customer is away"},
            by="dispatcher",
        )
        for state in (S.SCHEDULED, S.EN_ROUTE)
    ),
    *(
        Step(
            state,
            T.NO_SHOW,
            changes=ended(T.NO_SHOW, "Door locked"),
            inputs={"note": " Door locked "},
            data={"reason": "Door locked"},
            by=by,
        )
        for state in (S.EN_ROUTE, S.ARRIVED)
        for by in ("technician", "dispatcher")
    ),
]


def test_the_step_cases_cover_every_legal_step_and_each_permitted_actor():
    assert {(step.from_state, step.transition) for step in STEPS} == set(LEGAL)
    assert {step.transition for step in STEPS if step.by == "dispatcher"} == {
        *ONLY_DISPATCHER,
        *OWN_TECHNICIAN_OR_DISPATCHER,
    }


@pytest.mark.parametrize("step", STEPS, ids=str)
def test_a_legal_step_moves_the_visit_and_appends_one_event(
    step, dispatcher, technician
):
    # Given
    visit = book(dispatcher=dispatcher, technician=technician)
    drive(visit, step.from_state, dispatcher=dispatcher, is_returning=step.is_returning)
    actor = dispatcher if step.by == "dispatcher" else technician
    row_before, events_before = visit_row(visit), event_rows(visit)

    # When
    take(visit, step.transition, by=actor, **step.inputs)

    # Then
    assert visit_row(visit) == {
        **row_before,
        "state": TARGET[step.transition],
        **step.changes,
    }
    leave_id = TemporaryLeave.objects.filter(visit=visit).values_list("pk").first()
    data = {
        key: leave_id[0] if value == THE_LEAVE else value
        for key, value in step.data.items()
    }
    data = {
        key: SignOff.objects.get(visit=visit).snapshot_sha256
        if value == THE_RECORD
        else value
        for key, value in data.items()
    }
    assert event_rows(visit) == [
        *events_before,
        {
            "kind": step.transition,
            "from_state": step.from_state,
            "to_state": TARGET[step.transition],
            "at": STEP_AT[step.transition],
            "actor": actor.pk,
            "data": data,
        },
    ]


# --- Every illegal step ------------------------------------------------------

# The English refusal of each step and of each state: sentences, not labels.
STEP_SENTENCES = {
    T.START_TRAVEL: "Cannot set off for this visit:",
    T.ARRIVE: "Cannot arrive at this visit:",
    T.START_WORK: "Cannot start work on this visit:",
    T.LEAVE: "Cannot leave this visit temporarily:",
    T.RETURN: "Cannot return to this visit:",
    T.FINISH_WORK: "Cannot finish work on this visit:",
    T.SIGN_OFF: "Cannot sign off this visit:",
    T.CLOSE: "Cannot close this visit:",
    T.CANCEL: "Cannot cancel this visit:",
    T.NO_SHOW: "Cannot mark the customer not at home:",
}
STATE_SENTENCES = {
    S.SCHEDULED: "it is scheduled and nobody has set off yet.",
    S.EN_ROUTE: "the technician is on the way.",
    S.ARRIVED: "the technician has arrived.",
    S.IN_PROGRESS: "the work is in progress.",
    S.TEMPORARILY_LEFT: "the technician has left temporarily.",
    S.WORK_DONE: "the work is done and awaits the customer's sign-off.",
    S.SIGNED_OFF: "the customer has signed off.",
    S.CLOSED: "it is closed.",
    S.CANCELLED: "it is cancelled.",
    S.NO_SHOW: "the customer was not at home.",
}
STEP_LABELS = {
    T.START_TRAVEL: "On my way",
    T.ARRIVE: "Arrive",
    T.START_WORK: "Start work",
    T.LEAVE: "Leave temporarily",
    T.RETURN: "Return",
    T.FINISH_WORK: "Work done",
    T.SIGN_OFF: "Customer sign-off",
    T.CLOSE: "Close",
    T.CANCEL: "Cancel",
    T.NO_SHOW: "Customer not at home",
}


@pytest.mark.parametrize(
    ("state", "transition"),
    ILLEGAL,
    ids=[f"{transition}-from-{state}" for state, transition in ILLEGAL],
)
def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(
    state, transition, dispatcher, technician
):
    # Given
    visit = visit_in(state, dispatcher=dispatcher, technician=technician)
    by = permitted_actor(transition, visit=visit, dispatcher=dispatcher)

    # When / Then
    with (
        translation.override("en"),
        refused(InvalidTransition, code="invalid_transition") as caught,
    ):
        take(visit, transition, by=by)
    allowed = ", ".join(STEP_LABELS[step] for step in ALLOWED_FROM[state])
    assert str(caught.value.detail) == (
        f"{STEP_SENTENCES[transition]} {STATE_SENTENCES[state]} "
        + (f"Allowed now: {allowed}." if allowed else "No step is allowed now.")
    )
    assert caught.value.extra == {
        "state": state,
        "allowed_transitions": [step.replace("_", "-") for step in ALLOWED_FROM[state]],
    }


# --- Who may take a step -----------------------------------------------------

REFUSED_ACTORS = [
    *(
        (transition, outsider)
        for transition in ONLY_OWN_TECHNICIAN
        for outsider in ("dispatcher", "other_technician", "customer_user")
    ),
    *(
        (transition, outsider)
        for transition in ONLY_DISPATCHER
        for outsider in ("technician", "other_technician", "customer_user")
    ),
    *(
        (transition, outsider)
        for transition in OWN_TECHNICIAN_OR_DISPATCHER
        for outsider in ("other_technician", "customer_user")
    ),
]


@pytest.mark.parametrize(
    ("transition", "outsider"),
    REFUSED_ACTORS,
    ids=[f"{transition}-by-{outsider}" for transition, outsider in REFUSED_ACTORS],
)
def test_a_step_taken_by_someone_not_entitled_is_refused_and_changes_nothing(
    transition, outsider, request, dispatcher, technician
):
    # Given a visit where the step is allowed
    visit = visit_in(
        source_state(transition), dispatcher=dispatcher, technician=technician
    )
    by = request.getfixturevalue(outsider)

    # When / Then
    with refused(NotAllowed, code="not_allowed"):
        take(visit, transition, by=by)


# --- Input a step needs -------------------------------------------------------

MISSING_INPUT = {
    "sign-off-without-signer": (T.SIGN_OFF, {"signer_name": "  "}, "signer_required"),
    "cancel-without-reason": (T.CANCEL, {"reason": ""}, "reason_required"),
    "cancel-with-blank-reason": (T.CANCEL, {"reason": "  "}, "reason_required"),
    "time-without-time-zone": (
        T.START_TRAVEL,
        {"at": datetime(2026, 12, 7, 9, 0)},  # noqa: DTZ001
        "naive_datetime",
    ),
}


@pytest.mark.parametrize(
    ("transition", "inputs", "code"), MISSING_INPUT.values(), ids=MISSING_INPUT.keys()
)
def test_a_step_without_the_input_it_needs_is_refused_and_changes_nothing(
    transition, inputs, code, dispatcher, technician
):
    visit = visit_in(
        source_state(transition), dispatcher=dispatcher, technician=technician
    )
    by = permitted_actor(transition, visit=visit, dispatcher=dispatcher)

    with refused(InvalidInput, code=code):
        take(visit, transition, by=by, **inputs)


def test_work_is_not_done_while_required_checklist_items_are_missing(
    dispatcher, technician
):
    # Given a visit booked while the repair checklist was in force
    ChecklistTemplate.objects.filter(visit_kind=VisitKind.REPAIR).update(
        published_at=BOOKED_AT
    )
    visit = visit_in(S.IN_PROGRESS, dispatcher=dispatcher, technician=technician)
    required = list(
        visit.checklist.filter(is_required=True)
        .order_by("position", "id")
        .values_list("code", flat=True)
    )
    assert required

    # When / Then
    with refused(ChecklistIncomplete, code="checklist_incomplete") as caught:
        take(visit, T.FINISH_WORK, by=technician)
    assert [missing["code"] for missing in caught.value.extra["missing"]] == required


# --- Arrival (docs/rules.md#arrival-tolerance) ------------------------------------------------------


def en_route_visit(dispatcher, technician):
    return visit_in(S.EN_ROUTE, dispatcher=dispatcher, technician=technician)


def arrival(visit) -> dict:
    row = visit_row(visit)
    fields = ("state", "arrived_at", "punctuality", "arrival_deviation_seconds")
    return {name: row[name] for name in (*fields, "late_reason")}


def test_arriving_exactly_ten_minutes_after_the_appointment_is_on_time(
    dispatcher, technician
):
    visit = en_route_visit(dispatcher, technician)

    take(visit, T.ARRIVE, by=technician, at=APPOINTED + minutes(10))

    assert arrival(visit) == {
        "state": S.ARRIVED,
        "arrived_at": APPOINTED + minutes(10),
        "punctuality": "on_time",
        "arrival_deviation_seconds": 600,
        "late_reason": "",
    }


@pytest.mark.parametrize("late_reason", ["", "   "])
def test_arriving_ten_minutes_and_one_second_late_without_a_reason_records_nothing(
    late_reason, dispatcher, technician
):
    visit = en_route_visit(dispatcher, technician)
    late = APPOINTED + timedelta(minutes=10, seconds=1)

    with refused(InvalidInput, code="late_reason_required") as caught:
        take(visit, T.ARRIVE, by=technician, at=late, late_reason=late_reason)

    assert caught.value.extra == {"punctuality": "late", "deviation_minutes": 11}
    assert visit_row(visit)["state"] == S.EN_ROUTE


def test_arriving_late_with_a_reason_records_the_lateness_and_the_reason(
    dispatcher, technician
):
    visit = en_route_visit(dispatcher, technician)
    late = APPOINTED + timedelta(minutes=10, seconds=1)

    take(visit, T.ARRIVE, by=technician, at=late, late_reason=" Road closed ")

    assert arrival(visit) == {
        "state": S.ARRIVED,
        "arrived_at": late,
        "punctuality": "late",
        "arrival_deviation_seconds": 601,
        "late_reason": "Road closed",
    }
    assert event_rows(visit)[-1]["data"] == {
        "punctuality": "late",
        "deviation_seconds": 601,
        "late_reason": "Road closed",
    }


@pytest.mark.parametrize("late_reason", ["", "   "])
def test_arriving_ten_minutes_and_one_second_early_without_a_reason_records_nothing(
    late_reason, dispatcher, technician
):
    visit = en_route_visit(dispatcher, technician)
    early = APPOINTED - timedelta(minutes=10, seconds=1)

    with (
        refused(InvalidInput, code="early_reason_required") as english,
        translation.override("en"),
    ):
        take(visit, T.ARRIVE, by=technician, at=early, late_reason=late_reason)
    with (
        refused(InvalidInput, code="early_reason_required") as chinese,
        translation.override("zh-hans"),
    ):
        take(visit, T.ARRIVE, by=technician, at=early, late_reason=late_reason)

    assert str(english.value.detail) == "You are 11 minutes early: give the reason."
    assert str(chinese.value.detail) == "您早到了 11 分钟，请说明原因。"  # noqa: RUF001
    caught = english
    assert caught.value.extra == {"punctuality": "early", "deviation_minutes": -11}
    assert visit_row(visit)["state"] == S.EN_ROUTE


def test_arriving_early_with_a_reason_records_the_earliness_and_keeps_the_reason(
    dispatcher, technician
):
    visit = en_route_visit(dispatcher, technician)
    early = APPOINTED - timedelta(minutes=10, seconds=1)

    take(visit, T.ARRIVE, by=technician, at=early, late_reason=" Customer asked ")

    assert arrival(visit) == {
        "state": S.ARRIVED,
        "arrived_at": early,
        "punctuality": "early",
        "arrival_deviation_seconds": -601,
        "late_reason": "Customer asked",
    }
    assert event_rows(visit)[-1]["data"] == {
        "punctuality": "early",
        "deviation_seconds": -601,
        "late_reason": "Customer asked",
    }


def test_a_reason_given_for_an_arrival_on_time_is_not_kept(dispatcher, technician):
    visit = en_route_visit(dispatcher, technician)

    take(visit, T.ARRIVE, by=technician, at=APPOINTED, late_reason="Traffic")

    assert arrival(visit)["late_reason"] == ""
    assert event_rows(visit)[-1]["data"]["late_reason"] == ""


def test_arrival_is_judged_by_the_tolerance_agreed_at_booking_not_the_current_one(
    dispatcher, technician
):
    # Given a visit booked under a 20-minute tolerance, then the policy tightens
    set_arrival_tolerance(20)
    visit = en_route_visit(dispatcher, technician)
    set_arrival_tolerance(5)

    # When the technician comes 15 minutes late (late under 5 and under 10)
    take(visit, T.ARRIVE, by=technician, at=APPOINTED + minutes(15))

    # Then
    assert visit_row(visit)["arrival_tolerance_minutes"] == 20
    assert arrival(visit)["punctuality"] == "on_time"


# --- Temporary leave (docs/rules.md#temporary-leave) -----------------------------------------

LEAVE_AT = STEP_AT[T.LEAVE]
LEAVE_FIELDS = ("reason", "note", "is_returning", "fix_deadline", "left_at")


def leave_rows(visit) -> list[dict]:
    return list(
        TemporaryLeave.objects.filter(visit=visit)
        .order_by("id")
        .values(*LEAVE_FIELDS, "returned_at")
    )


def in_progress_visit(dispatcher, technician):
    return visit_in(S.IN_PROGRESS, dispatcher=dispatcher, technician=technician)


def test_leaving_and_saying_so_records_an_open_leave_that_will_be_returned_from(
    dispatcher, technician
):
    visit = in_progress_visit(dispatcher, technician)

    leave = take(
        visit,
        T.LEAVE,
        by=technician,
        reason=LeaveReason.FIND_CAUSE,
        is_returning=True,
        note="  Checking the cabinet  ",
    )

    assert leave_rows(visit) == [
        {
            "reason": "find_cause",
            "note": "Checking the cabinet",
            "is_returning": True,
            "fix_deadline": None,
            "left_at": LEAVE_AT,
            "returned_at": None,
        }
    ]
    assert leave.pk == TemporaryLeave.objects.get(visit=visit).pk
    assert visit_row(visit)["state"] == S.TEMPORARILY_LEFT


@pytest.mark.parametrize(
    ("fix_deadline", "as_text"),
    [
        (LEAVE_AT + timedelta(seconds=1), "2026-12-07T10:10:01+08:00"),
        (datetime(2026, 12, 8, 18, 0, tzinfo=SHANGHAI), "2026-12-08T18:00:00+08:00"),
    ],
)
def test_leaving_without_returning_commits_to_a_fix_deadline_in_the_future(
    fix_deadline, as_text, dispatcher, technician
):
    visit = in_progress_visit(dispatcher, technician)

    take(
        visit,
        T.LEAVE,
        by=technician,
        reason=LeaveReason.EQUIPMENT_ROOM_TEST,
        is_returning=False,
        fix_deadline=fix_deadline,
    )

    assert leave_rows(visit) == [
        {
            "reason": "equipment_room_test",
            "note": "",
            "is_returning": False,
            "fix_deadline": fix_deadline,
            "left_at": LEAVE_AT,
            "returned_at": None,
        }
    ]
    assert visit_row(visit)["state"] == S.TEMPORARILY_LEFT
    assert event_rows(visit)[-1]["data"]["fix_deadline"] == as_text


BAD_LEAVES = {
    "not-returning-without-deadline": (
        {"is_returning": False, "fix_deadline": None},
        "fix_deadline_required",
    ),
    "deadline-in-the-past": (
        {"is_returning": False, "fix_deadline": LEAVE_AT - timedelta(seconds=1)},
        "fix_deadline_not_in_future",
    ),
    "deadline-now": (
        {"is_returning": False, "fix_deadline": LEAVE_AT},
        "fix_deadline_not_in_future",
    ),
    "deadline-without-time-zone": (
        {"is_returning": False, "fix_deadline": datetime(2026, 12, 8, 18, 0)},  # noqa: DTZ001
        "naive_datetime",
    ),
    "returning-not-said": ({"is_returning": None}, "returning_not_said"),
    "deadline-when-returning": (
        {"is_returning": True, "fix_deadline": LEAVE_AT + timedelta(days=1)},
        "fix_deadline_when_returning",
    ),
    "unknown-reason": (
        {"reason": "lunch", "is_returning": True},
        "invalid_leave_reason",
    ),
}


@pytest.mark.parametrize(("inputs", "code"), BAD_LEAVES.values(), ids=BAD_LEAVES.keys())
def test_a_leave_that_breaks_the_rules_is_refused_and_the_visit_stays_in_progress(
    inputs, code, dispatcher, technician
):
    visit = in_progress_visit(dispatcher, technician)

    with refused(InvalidInput, code=code):
        take(visit, T.LEAVE, by=technician, **inputs)

    assert visit_row(visit)["state"] == S.IN_PROGRESS
    assert leave_rows(visit) == []


def test_returning_records_when_the_technician_came_back_on_the_open_leave(
    dispatcher, technician
):
    visit = visit_in(S.TEMPORARILY_LEFT, dispatcher=dispatcher, technician=technician)

    take(visit, T.RETURN, by=technician, at=LEAVE_AT + minutes(25))

    assert [row["returned_at"] for row in leave_rows(visit)] == [LEAVE_AT + minutes(25)]
    assert visit_row(visit)["state"] == S.IN_PROGRESS
    assert event_rows(visit)[-1]["data"]["away_seconds"] == 25 * 60


def test_a_second_leave_after_returning_is_a_new_leave_and_its_return_closes_it_only(
    dispatcher, technician
):
    # Given a technician who left and came back once
    visit = visit_in(S.TEMPORARILY_LEFT, dispatcher=dispatcher, technician=technician)
    take(visit, T.RETURN, by=technician, at=LEAVE_AT + minutes(10))

    # When he leaves and comes back again
    take(visit, T.LEAVE, by=technician, at=LEAVE_AT + minutes(20))
    take(visit, T.RETURN, by=technician, at=LEAVE_AT + minutes(50))

    # Then each leave keeps its own times
    times = [(row["left_at"], row["returned_at"]) for row in leave_rows(visit)]
    assert times == [
        (LEAVE_AT, LEAVE_AT + minutes(10)),
        (LEAVE_AT + minutes(20), LEAVE_AT + minutes(50)),
    ]


# Closing a visit left without return, with a note, is a legal step above.


@pytest.mark.parametrize("note", ["", "   "])
def test_closing_a_visit_left_without_return_needs_a_note_on_how_the_work_continues(
    note, dispatcher, technician
):
    visit = book(dispatcher=dispatcher, technician=technician)
    drive(visit, S.TEMPORARILY_LEFT, dispatcher=dispatcher, is_returning=False)

    with refused(InvalidInput, code="reason_required"):
        take(visit, T.CLOSE, by=dispatcher, note=note)

    assert visit_row(visit)["state"] == S.TEMPORARILY_LEFT


def test_closing_a_visit_while_the_technician_said_he_returns_is_refused(
    dispatcher, technician
):
    visit = visit_in(S.TEMPORARILY_LEFT, dispatcher=dispatcher, technician=technician)

    with refused(InvalidTransition, code="technician_returning"):
        take(visit, T.CLOSE, by=dispatcher, note="Book a return visit")

    assert visit_row(visit)["state"] == S.TEMPORARILY_LEFT


# --- The event log is append-only --------------------------------------------


@pytest.mark.parametrize(
    "change",
    [{"data": {"rewritten": True}}, {"to_state": VisitState.CLOSED}],
    ids=["data", "to_state"],
)
def test_the_database_refuses_to_update_a_visit_event(change, dispatcher, technician):
    visit = book(dispatcher=dispatcher, technician=technician)
    history = event_rows(visit)

    with pytest.raises(DatabaseError), transaction.atomic():
        VisitEvent.objects.filter(visit=visit).update(**change)

    assert event_rows(visit) == history


def test_the_database_refuses_to_delete_a_visit_event_on_postgresql(
    is_postgres, dispatcher, technician
):
    if not is_postgres:
        pytest.skip("SQLite keeps DELETE so that test databases can be flushed")
    visit = book(dispatcher=dispatcher, technician=technician)
    history = event_rows(visit)

    with pytest.raises(DatabaseError), transaction.atomic():
        VisitEvent.objects.filter(visit=visit).delete()

    assert event_rows(visit) == history
