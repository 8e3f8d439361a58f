"""Reads built for the console's screens, each in a number of queries that does
not grow with the rows."""

from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from visits.calls.models import NEEDS_CALL_BACK, Call, RescheduleRequest
from visits.checklists.models import ChecklistStage
from visits.checklists.selectors import checklist_items_for
from visits.complaints.models import Complaint, ComplaintState
from visits.console import rules
from visits.lifecycle.selectors import visit_detail_queryset
from visits.signoffs.models import ConductConfirmation, SignOff

# --- The day board ----------------------------------------------------------------


# --- The booking assistant --------------------------------------------------------


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
