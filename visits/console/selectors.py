"""Reads built for the console's screens, each in a number of queries that does
not grow with the rows."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Customer, Role, User
from fieldservice.phones import typed_phone_number
from visits.calls.models import NEEDS_CALL_BACK, Call, CallState, RescheduleRequest
from visits.checklists.models import ChecklistStage
from visits.checklists.selectors import checklist_items_for
from visits.complaints.models import Complaint, ComplaintState
from visits.console import rules
from visits.console.rules import Candidate, on_time_rate, rank_candidates
from visits.lifecycle import rules as lifecycle_rules
from visits.lifecycle.models import TemporaryLeave, Visit, WorkOrder
from visits.lifecycle.rules import ClashKind, Punctuality, VisitState
from visits.lifecycle.selectors import visit_detail_queryset
from visits.lifecycle.services import BUSY_STATES, OPEN_STATES
from visits.signoffs.models import ConductConfirmation, SignOff

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

# The on-time record the assistant weighs: arrivals in these last days.
ON_TIME_RECORD_DAYS = 90
# Visits that count in a technician's load for the day: all but those that
# did not happen.
NOT_LOAD = (VisitState.CANCELLED, VisitState.NO_SHOW)
CUSTOMER_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Clash:
    kind: ClashKind
    visit_id: int
    number: str
    appointed_start: datetime
    expected_end: datetime


@dataclass(frozen=True)
class TechnicianCandidate:
    """One technician for a wished window, as the booking assistant shows it."""

    technician: User
    candidate: Candidate  # what the ranking weighs (console.rules)
    booked_minutes: int  # minutes of the visits already booked that day
    clash: Clash | None  # why not free: the visit told first
    visited_before: bool  # had a visit of the work order already

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(
            self.candidate.arrivals_on_time, self.candidate.arrivals_judged
        )


def _bookable_technicians() -> QuerySet[User]:
    return User.objects.filter(
        role=Role.TECHNICIAN, is_active=True, technician_profile__is_active=True
    ).select_related("technician_profile")


def booking_candidates(
    *,
    start: datetime,
    minutes: int,
    work_order: WorkOrder | None = None,
    now: datetime | None = None,
) -> list[TechnicianCandidate]:
    """Every active technician for the window [start, start + minutes): free
    or not for the whole window plus the travel buffer (the booking's own rule,
    lifecycle.rules.first_clash, so what is shown free can be booked), that
    day's load and the on-time record, ranked by console.rules.rank_candidates.
    Three queries (and the work order's visits unless prefetched), however
    many technicians."""
    now = now or timezone.now()
    buffer = timedelta(minutes=settings.TRAVEL_BUFFER_MINUTES)
    end = start + timedelta(minutes=minutes)
    day = timezone.localtime(start).date()
    zone = timezone.get_current_timezone()
    day_start = datetime.combine(day, time.min, tzinfo=zone)
    day_end = day_start + timedelta(days=1)

    technicians = list(_bookable_technicians())
    # One read of the visits that can clash (a visit lasts at most a day) or
    # that load the day; split per technician in Python.
    visits = Visit.objects.filter(
        technician__in=_bookable_technicians().values("pk"),
        appointed_start__gt=min(start - timedelta(days=1) - buffer, day_start),
        appointed_start__lt=max(end + buffer, day_end),
    ).exclude(state__in=NOT_LOAD)
    by_technician: dict[int, list[Visit]] = {}
    for visit in visits.select_related("work_order").order_by("appointed_start"):
        by_technician.setdefault(visit.technician_id, []).append(visit)

    record = {
        row["technician"]: (row["on_time"], row["judged"])
        for row in Visit.objects.filter(
            technician__in=_bookable_technicians().values("pk"),
            arrived_at__gte=now - timedelta(days=ON_TIME_RECORD_DAYS),
            arrived_at__lte=now,
        )
        .exclude(punctuality="")
        .values("technician")
        .annotate(
            judged=Count("id"),
            on_time=Count("id", filter=Q(punctuality=Punctuality.ON_TIME)),
        )
    }
    visited: set[int] = set()
    if work_order is not None:
        # Read through the work order's visits (prefetched by the
        # lifecycle's work-order selector the API looks it up with).
        visited = {visit.technician_id for visit in work_order.visits.all()}

    results = []
    for technician in technicians:
        own = by_technician.get(technician.pk, [])
        found = lifecycle_rules.first_clash(
            start=start,
            end=end,
            others=[
                (visit, visit.appointed_start, visit.expected_end)
                for visit in own
                if visit.state in BUSY_STATES
            ],
            buffer=buffer,
        )
        that_day = [
            visit for visit in own if day_start <= visit.appointed_start < day_end
        ]
        on_time, judged = record.get(technician.pk, (0, 0))
        clash = None
        if found is not None:
            visit, kind = found
            clash = Clash(
                kind=kind,
                visit_id=visit.pk,
                number=str(visit),
                appointed_start=visit.appointed_start,
                expected_end=visit.expected_end,
            )
        results.append(
            TechnicianCandidate(
                technician=technician,
                candidate=Candidate(
                    technician_id=technician.pk,
                    name=technician.display_name,
                    is_free=found is None,
                    visits_that_day=len(that_day),
                    arrivals_on_time=on_time,
                    arrivals_judged=judged,
                ),
                booked_minutes=sum(v.expected_duration_minutes for v in that_day),
                clash=clash,
                visited_before=technician.pk in visited,
            )
        )
    order = {
        candidate.technician_id: index
        for index, candidate in enumerate(
            rank_candidates(result.candidate for result in results)
        )
    }
    return sorted(results, key=lambda result: order[result.technician.pk])


def _open_visit_of(work_order_ref) -> Exists:
    """A visit of the work order that still holds its next step (as
    lifecycle.services.visit_schedule decides): a new one cannot be booked."""
    return Exists(
        Visit.objects.filter(work_order=work_order_ref).filter(
            Q(state__in=OPEN_STATES)
            | Q(
                state=VisitState.TEMPORARILY_LEFT,
                leaves__returned_at__isnull=True,
                leaves__is_returning=True,
            )
        )
    )


def _open_work_orders() -> QuerySet[WorkOrder]:
    """Work orders not yet done (no visit signed off or closed), with whether
    a visit can be booked for them now."""
    done = Visit.objects.filter(
        work_order=OuterRef("pk"),
        state__in=(VisitState.SIGNED_OFF, VisitState.CLOSED),
    )
    return (
        WorkOrder.objects.annotate(
            has_open_visit=_open_visit_of(OuterRef("pk")), is_done=Exists(done)
        )
        .filter(is_done=False)
        .order_by("-created_at", "-id")
    )


def customers_with_open_work_orders(
    *, query: str = "", work_order_id: int | None = None
) -> list[tuple[Customer, list[WorkOrder]]]:
    """Customers whose name contains `query` or whose phone contains its
    digits (at least three), or the customer of one work order, each with its
    open work orders. A whole phone number is matched exactly on the E.164
    number (an index lookup, not a scan). Two queries, however many customers
    match."""
    customers = Customer.objects.all()
    number = typed_phone_number(query)
    if work_order_id is not None:
        customers = customers.filter(work_orders__pk=work_order_id)
    elif number is not None:
        customers = customers.filter(phone=number)
    else:
        query = query.strip()
        if not query:
            return []
        digits = re.sub(r"\D", "", query)
        matches = Q(name__icontains=query)
        if len(digits) >= 3:
            matches |= Q(phone__contains=digits)
        customers = customers.filter(matches)
    found = list(customers.order_by("name", "id")[:CUSTOMER_SEARCH_LIMIT])
    orders: dict[int, list[WorkOrder]] = {customer.pk: [] for customer in found}
    for order in _open_work_orders().filter(customer__in=found):
        orders[order.customer_id].append(order)
    return [(customer, orders[customer.pk]) for customer in found]


# --- The queues ---------------------------------------------------------------------

OPEN_COMPLAINT_STATES = (ComplaintState.OPEN, ComplaintState.RESPONDED)


def _visit_day(visit) -> str:
    return timezone.localtime(visit.appointed_start).date().isoformat()


def _clock(due_at: datetime, done_at: datetime | None, now: datetime) -> dict:
    reading = rules.clock_status(
        due_at=due_at,
        done_at=done_at,
        now=now,
        due_soon_hours=settings.COMPLAINT_DUE_SOON_HOURS,
    )
    return {
        "due_at": due_at,
        "done_at": done_at,
        "status": reading.status.value,
        "seconds_left": reading.seconds_left,
    }


def _visit_summary(visit) -> dict:
    work_order = visit.work_order
    return {
        "id": visit.id,
        "day": _visit_day(visit),
        "appointed_start": visit.appointed_start,
        "state": visit.state,
        "work_order": work_order.number,
        "customer_name": work_order.customer_name,
        "customer_phone": work_order.customer_phone,
        "technician": visit.technician.display_name,
    }


VISIT_JOINS = ("work_order", "technician")


def complaint_queue(*, now: datetime | None = None) -> list[dict]:
    """Open and responded complaints with both clocks read at `now`, most urgent
    first: overdue, then due soon, then running, each by the earliest due time
    of its running clocks. One query."""
    now = now or timezone.now()
    complaints = Complaint.objects.filter(
        state__in=OPEN_COMPLAINT_STATES
    ).select_related(
        *(f"visit__{join}" for join in VISIT_JOINS), "conduct_item", "call"
    )
    rows = []
    for complaint in complaints:
        first = _clock(
            complaint.first_response_due_at, complaint.first_responded_at, now
        )
        resolution = _clock(complaint.resolution_due_at, complaint.resolved_at, now)
        running = [clock for clock in (first, resolution) if clock["done_at"] is None]
        urgency = min(
            (rules.CLOCK_URGENCY[rules.ClockStatus(clock["status"])], clock["due_at"])
            for clock in running
        )
        rows.append(
            (
                urgency,
                complaint.id,
                {
                    "id": complaint.id,
                    "state": complaint.state,
                    "source": complaint.source,
                    "source_label": complaint.get_source_display(),
                    "description": complaint.description,
                    "rating": complaint.rating,
                    "contested_item": complaint.conduct_item.text
                    if complaint.conduct_item
                    else None,
                    "opened_at": complaint.opened_at,
                    "response": complaint.response,
                    "escalation_level": complaint.escalation_level,
                    "visit": _visit_summary(complaint.visit),
                    "first_response": first,
                    "resolution": resolution,
                },
            )
        )
    rows.sort(key=lambda row: row[:2])
    return [row[2] for row in rows]


def reschedule_request_queue(*, now: datetime | None = None) -> list[dict]:
    """Customers' requests for a new time not yet handled, oldest first."""
    now = now or timezone.now()
    requests = (
        RescheduleRequest.objects.filter(handled_at__isnull=True)
        .select_related(*(f"visit__{join}" for join in VISIT_JOINS))
        .order_by("requested_at", "id")
    )
    return [
        {
            "id": request.id,
            "requested_at": request.requested_at,
            "age_seconds": int((now - request.requested_at).total_seconds()),
            "visit": _visit_summary(request.visit),
        }
        for request in requests
    ]


def failed_call_queue() -> list[dict]:
    """Calls to follow up by hand (models.NEEDS_CALL_BACK), oldest first."""
    calls = (
        Call.objects.filter(NEEDS_CALL_BACK)
        .select_related(*(f"visit__{join}" for join in VISIT_JOINS))
        .order_by("ended_at", "due_at", "id")
    )
    return [
        {
            "id": call.id,
            "purpose": call.purpose,
            "purpose_label": call.get_purpose_display(),
            "state": call.state,
            "outcome": call.outcome,
            "outcome_label": call.get_outcome_display() if call.outcome else "",
            "to_phone": call.to_phone,
            "attempts": call.attempts,
            "last_error": call.last_error,
            "ended_at": call.ended_at,
            "visit": _visit_summary(call.visit),
        }
        for call in calls
    ]


def contested_conduct_queue() -> list[dict]:
    """Conduct items the customer contested at sign-off whose complaint, if
    any, is not resolved yet; newest sign-off first. Two queries."""
    items = (
        ConductConfirmation.objects.filter(is_confirmed=False)
        .exclude(complaints__state=ComplaintState.RESOLVED)
        .select_related(
            "sign_off", *(f"sign_off__visit__{join}" for join in VISIT_JOINS)
        )
        .prefetch_related(
            Prefetch("complaints", queryset=Complaint.objects.order_by("id"))
        )
        .order_by("-sign_off__signed_at", "id")
    )
    rows = []
    for item in items:
        complaint = next(iter(item.complaints.all()), None)
        rows.append(
            {
                "id": item.id,
                "code": item.code,
                "text": item.text,
                "comment": item.comment,
                "signed_at": item.sign_off.signed_at,
                "signer_name": item.sign_off.signer_name,
                "complaint": None
                if complaint is None
                else {"id": complaint.id, "state": complaint.state},
                "visit": _visit_summary(item.sign_off.visit),
            }
        )
    return rows


def queues(*, now: datetime | None = None) -> dict:
    """Every queue of the queues page. Five queries, whatever the rows."""
    now = now or timezone.now()
    return {
        "now": now,
        "complaints": complaint_queue(now=now),
        "reschedule_requests": reschedule_request_queue(now=now),
        "failed_calls": failed_call_queue(),
        "contested_conduct": contested_conduct_queue(),
    }


# --- A visit's page: its evidence -------------------------------------------------


def _sign_off_of(visit) -> SignOff | None:
    try:
        return visit.sign_off
    except SignOff.DoesNotExist:
        return None


def visit_evidence(user: User, pk: int) -> dict:
    """Everything a dispatcher reads about one visit: the visit with its leaves
    and event log, the checklist with answers and photos, calls, complaints and
    the sign-off with every conduct confirmation. A fixed number of queries
    (ten), whatever the visit holds; someone else's visit is a 404."""
    visit = get_object_or_404(
        visit_detail_queryset(user)
        .select_related("work_order__customer", "sign_off")
        .prefetch_related(
            Prefetch("calls", queryset=Call.objects.order_by("due_at", "id")),
            Prefetch(
                "complaints",
                queryset=Complaint.objects.select_related(
                    "visit__work_order", "conduct_item"
                ).order_by("opened_at", "id"),
            ),
            Prefetch(
                "sign_off__conduct",
                queryset=ConductConfirmation.objects.order_by("id"),
            ),
        ),
        pk=pk,
    )
    return {
        "visit": visit,
        "day": _visit_day(visit),
        "stages": [
            {"value": value, "label": label} for value, label in ChecklistStage.choices
        ],
        "checklist": list(checklist_items_for(visit)),
        "calls": list(visit.calls.all()),
        "complaints": list(visit.complaints.all()),
        "sign_off": _sign_off_of(visit),
    }
