"""Reads built for the console's screens, each in a number of queries that does
not grow with the rows."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q

from accounts.models import Role, User
from visits.calls.models import Call, CallState, RescheduleRequest
from visits.complaints.models import Complaint, ComplaintState
from visits.console import rules
from visits.lifecycle.models import TemporaryLeave, Visit, WorkOrder
from visits.lifecycle.rules import VisitState
from visits.signoffs.models import SignOff

# --- The day board ----------------------------------------------------------------


@dataclass(frozen=True)
class BoardLeave:
    """A temporary leave still open on a visit: whether the technician said he
    returns and, if not, the fix deadline he committed to."""

    is_returning: bool
    fix_deadline: datetime | None
    left_at: datetime


@dataclass
class BoardVisit:
    visit: Visit
    is_late_now: bool
    is_at_risk: bool
    leave: BoardLeave | None
    has_contested_conduct: bool
    has_failed_call: bool
    has_open_complaint: bool

    @property
    def is_movable(self) -> bool:
        """Only a visit nobody has set off for can be moved or reassigned."""
        return self.visit.state == VisitState.SCHEDULED


@dataclass
class BoardRow:
    technician: User
    is_active: bool
    visits: list[BoardVisit] = field(default_factory=list)


@dataclass(frozen=True)
class ReturnVisitNeeded:
    """A work order whose last visit was left without return: it needs a new
    visit booked, by the fix deadline the technician committed to."""

    work_order: WorkOrder
    visit: Visit
    fix_deadline: datetime | None


@dataclass
class Board:
    day: date
    now: datetime
    rows: list[BoardRow]
    reschedule_requests: list[RescheduleRequest]
    return_visits: list[ReturnVisitNeeded]


# A later visit of a work order answers an earlier leave without return unless it
# ended without any work (cancelled, or nobody at home).
_ENDED_WITHOUT_WORK = (VisitState.CANCELLED, VisitState.NO_SHOW)


# What the board draws of a visit and its work order: loading only these keeps
# 3,000 rows cheap to build (the description and the signed fields stay behind).
_BOARD_VISIT_FIELDS = (
    "technician_id",
    "state",
    "appointed_start",
    "expected_duration_minutes",
    "arrival_tolerance_minutes",
    "en_route_at",
    "arrived_at",
    "punctuality",
    "work_done_at",
    "work_order__id",
    "work_order__number",
    "work_order__kind",
    "work_order__customer_name",
    "work_order__address",
)


def _board_visits(day: date):
    """The day's visits, each with its markers computed in the same query."""
    return (
        Visit.objects.on_day(day)
        .select_related("work_order")
        .only(*_BOARD_VISIT_FIELDS)
        .annotate(
            board_has_contested_conduct=Exists(
                SignOff.objects.filter(visit=OuterRef("pk"), has_contested_conduct=True)
            ),
            board_has_failed_call=Exists(
                Call.objects.filter(visit=OuterRef("pk"), state=CallState.FAILED)
            ),
            board_has_open_complaint=Exists(
                Complaint.objects.filter(
                    visit=OuterRef("pk"),
                    state__in=[ComplaintState.OPEN, ComplaintState.RESPONDED],
                )
            ),
        )
        .prefetch_related(
            Prefetch(
                "leaves",
                queryset=TemporaryLeave.objects.filter(
                    returned_at__isnull=True
                ).order_by("-left_at", "-id"),
                to_attr="board_open_leaves",
            )
        )
        .order_by("appointed_start", "id")
    )


def _board_technicians(day: date):
    """Every active technician, plus any inactive one with visits that day."""
    active = Q(is_active=True, technician_profile__is_active=True)
    with_visits = Q(pk__in=Visit.objects.on_day(day).values("technician"))
    return (
        User.objects.filter(role=Role.TECHNICIAN)
        .filter(active | with_visits)
        .select_related("technician_profile")
        .order_by("last_name", "first_name", "id")
    )


def pending_reschedule_requests():
    """Customers' requests for a new time not handled yet, on visits still
    scheduled (a visit moved, reassigned away from nobody or ended needs none)."""
    return (
        RescheduleRequest.objects.filter(
            handled_at__isnull=True, visit__state=VisitState.SCHEDULED
        )
        .select_related("visit__work_order", "visit__technician")
        .order_by("requested_at", "id")
    )


def return_visits_needed() -> list[ReturnVisitNeeded]:
    """Work orders with a visit the technician left without return
    (docs/rules.md#temporary-leave) and no later visit that is open or was
    carried out (a cancelled or no-show return visit still leaves it needed)."""
    answered = Visit.objects.filter(
        work_order=OuterRef("visit__work_order"),
        sequence__gt=OuterRef("visit__sequence"),
    ).exclude(state__in=_ENDED_WITHOUT_WORK)
    leaves = (
        TemporaryLeave.objects.filter(is_returning=False)
        .exclude(Exists(answered))
        .exclude(visit__state__in=_ENDED_WITHOUT_WORK)
        .select_related("visit__work_order", "visit__technician")
        .order_by("fix_deadline", "id")
    )
    needed: dict[int, ReturnVisitNeeded] = {}
    for leave in leaves:
        work_order = leave.visit.work_order
        needed.setdefault(
            work_order.pk,
            ReturnVisitNeeded(
                work_order=work_order,
                visit=leave.visit,
                fix_deadline=leave.fix_deadline,
            ),
        )
    return list(needed.values())


def board_for_day(day: date, now: datetime) -> Board:
    """The day board: one row per technician (every active one, and an inactive
    one who still has visits that day) with the day's visits in time order,
    each flagged late now / at risk (docs/rules.md#day-board) and marked with
    its open leave, contested conduct, failed call and open complaint; and the
    tray of work that needs a time. Five queries, whatever the counts."""
    at_risk_before = timedelta(minutes=settings.BOARD_AT_RISK_MINUTES)
    rows = {
        technician.pk: BoardRow(
            technician=technician,
            is_active=technician.is_active
            and getattr(technician, "technician_profile", None) is not None
            and technician.technician_profile.is_active,
        )
        for technician in _board_technicians(day)
    }
    for visit in _board_visits(day):
        flags = rules.board_flags(
            state=visit.state,
            appointed_start=visit.appointed_start,
            arrival_tolerance=visit.arrival_tolerance,
            at_risk_before=at_risk_before,
            now=now,
        )
        open_leaves = visit.board_open_leaves
        leave = (
            BoardLeave(
                is_returning=open_leaves[0].is_returning,
                fix_deadline=open_leaves[0].fix_deadline,
                left_at=open_leaves[0].left_at,
            )
            if open_leaves
            else None
        )
        row = rows.get(visit.technician_id)
        if row is None:  # a non-technician holding a visit: not on the board
            continue
        row.visits.append(
            BoardVisit(
                visit=visit,
                is_late_now=flags.is_late_now,
                is_at_risk=flags.is_at_risk,
                leave=leave,
                has_contested_conduct=visit.board_has_contested_conduct,
                has_failed_call=visit.board_has_failed_call,
                has_open_complaint=visit.board_has_open_complaint,
            )
        )
    return Board(
        day=day,
        now=now,
        rows=list(rows.values()),
        reschedule_requests=list(pending_reschedule_requests()),
        return_visits=return_visits_needed(),
    )


# --- The booking assistant --------------------------------------------------------


# --- The queues ---------------------------------------------------------------------


# --- A visit's page: its evidence -------------------------------------------------
