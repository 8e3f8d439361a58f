"""Shared by the service tests: fixed times, and a driver that takes a fresh visit
into any state through the services themselves, so each state is one users reach."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import CompanySettings
from fieldservice.errors import (
    ApplicationError,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
)
from tests.factories import WorkOrderFactory
from tests.signing import sign
from visits.checklists.services import ChecklistIncomplete
from visits.lifecycle import services
from visits.lifecycle.rules import TRANSITIONS, Actor, Transition, VisitState
from visits.models import (
    ChecklistTemplate,
    LeaveReason,
    TemporaryLeave,
    Visit,
    VisitChecklistItem,
    VisitEvent,
    WorkOrder,
    WorkOrderSequence,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPOINTED = datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI)
BOOKED_AT = APPOINTED - timedelta(days=2)


def future_appointment(*, hour: int = 9, minute: int = 30) -> datetime:
    """An appointment always ahead of the real clock, for tests of services and
    the API that read it (a move, a reschedule): the Monday at least two weeks
    after today in Shanghai, so a fixed date never slips into the past."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=14)
    day += timedelta(days=-day.weekday() % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


T = Transition
S = VisitState


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


# When each step is taken on the way through a visit: a plausible day, in order.
STEP_AT = {
    T.START_TRAVEL: APPOINTED - minutes(30),
    T.CANCEL: APPOINTED - minutes(20),
    T.ARRIVE: APPOINTED + minutes(5),
    T.START_WORK: APPOINTED + minutes(10),
    T.NO_SHOW: APPOINTED + minutes(15),
    T.LEAVE: APPOINTED + minutes(40),
    T.RETURN: APPOINTED + minutes(70),
    T.FINISH_WORK: APPOINTED + minutes(100),
    T.SIGN_OFF: APPOINTED + minutes(105),
    T.CLOSE: APPOINTED + minutes(120),
}


def sign_off(*, visit: Visit, by, at: datetime, signer_name: str) -> Visit:
    """The customer signs on the technician's phone (checklist withdrawn: no
    conduct questions)."""
    sign(visit, by=by, at=at, signer_name=signer_name, conduct=[])
    visit.refresh_from_db()
    return visit


SERVICE = {
    T.START_TRAVEL: services.visit_start_travel,
    T.ARRIVE: services.visit_arrive,
    T.START_WORK: services.visit_start_work,
    T.LEAVE: services.visit_leave,
    T.RETURN: services.visit_return,
    T.FINISH_WORK: services.visit_finish_work,
    T.SIGN_OFF: sign_off,
    T.CLOSE: services.visit_close,
    T.CANCEL: services.visit_cancel,
    T.NO_SHOW: services.visit_mark_no_show,
}

# Valid input for the steps that need more than the visit and the actor.
DEFAULT_INPUT = {
    T.LEAVE: {"reason": LeaveReason.FETCH_MATERIALS, "is_returning": True},
    T.SIGN_OFF: {"signer_name": "Wang Fang"},
    T.CANCEL: {"reason": "Customer asked to move the visit"},
}
NOT_RETURNING = {
    "reason": LeaveReason.EQUIPMENT_ROOM_TEST,
    "is_returning": False,
    "fix_deadline": APPOINTED + timedelta(days=1),
}

# The lifecycle as the rules describe it, written out independently of
# rules.TRANSITIONS: what each state allows, in the order the services list it.
ALLOWED_FROM = {
    S.SCHEDULED: [T.START_TRAVEL, T.CANCEL],
    S.EN_ROUTE: [T.ARRIVE, T.CANCEL, T.NO_SHOW],
    S.ARRIVED: [T.START_WORK, T.NO_SHOW],
    S.IN_PROGRESS: [T.LEAVE, T.FINISH_WORK],
    S.TEMPORARILY_LEFT: [T.RETURN, T.CLOSE],
    S.WORK_DONE: [T.SIGN_OFF],
    S.SIGNED_OFF: [T.CLOSE],
    S.CLOSED: [],
    S.CANCELLED: [],
    S.NO_SHOW: [],
}
LEGAL = [(state, step) for state, steps in ALLOWED_FROM.items() for step in steps]
ILLEGAL = [
    (state, step)
    for state in VisitState
    for step in Transition
    if step not in ALLOWED_FROM[state]
]

# The shortest way from a fresh booking to each state.
_TO_WORK = [T.START_TRAVEL, T.ARRIVE, T.START_WORK]
PATH = {
    S.SCHEDULED: [],
    S.EN_ROUTE: [T.START_TRAVEL],
    S.ARRIVED: [T.START_TRAVEL, T.ARRIVE],
    S.IN_PROGRESS: _TO_WORK,
    S.TEMPORARILY_LEFT: [*_TO_WORK, T.LEAVE],
    S.WORK_DONE: [*_TO_WORK, T.FINISH_WORK],
    S.SIGNED_OFF: [*_TO_WORK, T.FINISH_WORK, T.SIGN_OFF],
    S.CLOSED: [*_TO_WORK, T.FINISH_WORK, T.SIGN_OFF, T.CLOSE],
    S.CANCELLED: [T.CANCEL],
    S.NO_SHOW: [T.START_TRAVEL, T.NO_SHOW],
}


def withdraw_checklists() -> None:
    """Unpublishes every checklist template, so that visits booked afterwards have
    no checklist and "work done" depends on the lifecycle alone."""
    ChecklistTemplate.objects.update(published_at=None)


def book(
    *,
    dispatcher,
    technician,
    work_order: WorkOrder | None = None,
    appointed_start: datetime = APPOINTED,
    now: datetime = BOOKED_AT,
    **options,
) -> Visit:
    return services.visit_schedule(
        work_order=work_order or WorkOrderFactory(created_by=dispatcher),
        technician=technician,
        appointed_start=appointed_start,
        by=dispatcher,
        now=now,
        **options,
    )


def set_arrival_tolerance(tolerance_minutes: int) -> None:
    company = CompanySettings.load()
    company.arrival_tolerance_minutes = tolerance_minutes
    company.save(update_fields=["arrival_tolerance_minutes"])


def permitted_actor(transition: str, *, visit: Visit, dispatcher):
    """Someone allowed to take the step: the technician unless only a dispatcher may."""
    actor = TRANSITIONS[transition][2]
    return dispatcher if actor == Actor.DISPATCHER else visit.technician


def take(visit: Visit, transition: str, *, by, at: datetime | None = None, **inputs):
    """Takes one lifecycle step through its service, with valid input by default."""
    return SERVICE[transition](
        visit=visit,
        by=by,
        at=at or STEP_AT[transition],
        **{**DEFAULT_INPUT.get(transition, {}), **inputs},
    )


def drive(visit: Visit, state: str, *, dispatcher, is_returning: bool = True) -> Visit:
    """Takes a scheduled visit to `state` through the services. A temporary leave
    on the way is one the technician returns from unless `is_returning` is False."""
    for transition in PATH[state]:
        inputs = NOT_RETURNING if transition == T.LEAVE and not is_returning else {}
        by = permitted_actor(transition, visit=visit, dispatcher=dispatcher)
        take(visit, transition, by=by, **inputs)
    visit.refresh_from_db()
    assert visit.state == state
    return visit


def visit_in(state: str, *, dispatcher, technician, **booking) -> Visit:
    visit = book(dispatcher=dispatcher, technician=technician, **booking)
    return drive(visit, state, dispatcher=dispatcher)


def database_rows() -> dict[str, list[dict]]:
    """Every row the services write, to show that a refusal wrote nothing."""
    models = (
        WorkOrderSequence,
        WorkOrder,
        Visit,
        VisitChecklistItem,
        TemporaryLeave,
        VisitEvent,
    )
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in models
    }


def visit_row(visit: Visit) -> dict:
    return Visit.objects.filter(pk=visit.pk).values().get()


def event_rows(visit: Visit) -> list[dict]:
    return list(
        VisitEvent.objects.filter(visit=visit)
        .order_by("id")
        .values("kind", "from_state", "to_state", "at", "actor", "data")
    )


STATUS = {
    InvalidInput: 400,
    InvalidTransition: 409,
    NotAllowed: 403,
    ChecklistIncomplete: 409,
    Conflict: 409,
}


@contextmanager
def refused(
    error: type[ApplicationError], *, code: str
) -> Iterator[pytest.ExceptionInfo]:
    """Expects the block to raise exactly `error` with `code`, and the database to
    be as it was before: no row changed, no event, leave or visit written."""
    before = database_rows()
    with pytest.raises(error) as caught:
        yield caught
    assert type(caught.value) is error
    assert caught.value.code == code
    assert caught.value.status_code == STATUS[error]
    assert database_rows() == before
