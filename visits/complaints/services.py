"""Write paths for complaints: opened from a poor follow-up call or filed by a
customer or dispatcher, answered and resolved against their clocks."""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.policies import require_dispatcher
from fieldservice.errors import Conflict, InvalidInput, InvalidTransition
from visits.complaints import policies, rules
from visits.complaints.models import (
    Complaint,
    ComplaintSource,
    ComplaintState,
    Holiday,
)
from visits.lifecycle.models import Visit
from visits.signoffs.models import ConductConfirmation

logger = logging.getLogger(__name__)


def working_calendar() -> tuple[set[date], set[date]]:
    holidays: set[date] = set()
    working_weekends: set[date] = set()
    for day, is_working_day in Holiday.objects.values_list("day", "is_working_day"):
        (working_weekends if is_working_day else holidays).add(day)
    return holidays, working_weekends


def complaint_open(
    *,
    visit: Visit,
    source: str,
    description: str,
    at: datetime | None = None,
    by: User | None = None,
    call=None,
    rating: int | None = None,
    conduct_item: ConductConfirmation | None = None,
) -> Complaint:
    """Opens a complaint with its clocks: a first response due within
    COMPLAINT_FIRST_RESPONSE_HOURS, a resolution within
    COMPLAINT_RESOLUTION_WORKING_DAYS working days. Linked to `conduct_item`,
    else to the first conduct item the customer contested at sign-off, if any."""
    at = at or timezone.now()
    holidays, working_weekends = working_calendar()
    contested = conduct_item or (
        ConductConfirmation.objects.filter(sign_off__visit=visit, is_confirmed=False)
        .order_by("id")
        .first()
    )
    return Complaint.objects.create(
        visit=visit,
        source=source,
        call=call,
        conduct_item=contested,
        description=description.strip(),
        rating=rating,
        opened_at=at,
        opened_by=by,
        first_response_due_at=at
        + timedelta(hours=settings.COMPLAINT_FIRST_RESPONSE_HOURS),
        resolution_due_at=rules.add_working_days(
            at,
            settings.COMPLAINT_RESOLUTION_WORKING_DAYS,
            holidays=holidays,
            working_weekends=working_weekends,
            tz=ZoneInfo(settings.TIME_ZONE),
        ),
    )


@transaction.atomic
def complaint_file(*, visit: Visit, by: User, description: str) -> Complaint:
    """A dispatcher or the customer files a complaint about a visit."""
    if not description.strip():
        raise InvalidInput(
            _("Say what the complaint is about."), code="description_required"
        )
    source = policies.complaint_source_for(by, visit)
    return complaint_open(visit=visit, source=source, description=description, by=by)


@transaction.atomic
def complaint_open_for_conduct(
    *, item: ConductConfirmation, by: User
) -> tuple[Complaint, bool]:
    """A dispatcher opens the complaint for a conduct item the customer contested
    at sign-off. Idempotent: the item's complaint if it has one (opened this way
    or by any complaint on the visit), else a new one. Returns (complaint,
    created). Refuses an item the customer confirmed (409)."""
    require_dispatcher(by)
    visit = Visit.objects.select_for_update().get(pk=item.sign_off.visit_id)
    if item.is_confirmed:
        raise Conflict(
            _("The customer confirmed this item: there is nothing to complain of."),
            code="conduct_confirmed",
        )
    existing = Complaint.objects.filter(conduct_item=item).order_by("id").first()
    if existing is not None:
        return existing, False
    description = item.text + (f": {item.comment}" if item.comment else "")
    complaint = complaint_open(
        visit=visit,
        source=ComplaintSource.DISPATCHER,
        description=description,
        by=by,
        conduct_item=item,
    )
    return complaint, True


@transaction.atomic
def complaint_respond(*, complaint: Complaint, by: User, response: str) -> Complaint:
    """The first response to the customer (within 48 h, docs/rules.md#complaint-first-response)."""
    require_dispatcher(by)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state != ComplaintState.OPEN:
        raise InvalidTransition(_("This complaint already has its first response."))
    if not response.strip():
        raise InvalidInput(_("Write the response."), code="response_required")
    complaint.state = ComplaintState.RESPONDED
    complaint.response = response.strip()
    complaint.first_responded_at = timezone.now()
    complaint.save(update_fields=["state", "response", "first_responded_at"])
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, by: User, resolution: str) -> Complaint:
    """The final resolution (docs/rules.md#complaint-resolution)."""
    require_dispatcher(by)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state == ComplaintState.RESOLVED:
        raise InvalidTransition(_("This complaint is already resolved."))
    if not resolution.strip():
        raise InvalidInput(_("Write the resolution."), code="resolution_required")
    now = timezone.now()
    complaint.state = ComplaintState.RESOLVED
    complaint.resolution = resolution.strip()
    complaint.resolved_at = now
    complaint.first_responded_at = complaint.first_responded_at or now
    complaint.save(
        update_fields=["state", "resolution", "resolved_at", "first_responded_at"]
    )
    return complaint


def complaints_escalate_overdue(*, now: datetime | None = None) -> int:
    """Flags complaints whose clock ran out: level 1 when the first response is
    late, level 2 when the resolution is late. Idempotent: a complaint is
    escalated once per level."""
    now = now or timezone.now()
    late_response = Complaint.objects.filter(
        state=ComplaintState.OPEN, first_response_due_at__lt=now, escalation_level__lt=1
    ).update(escalation_level=1, escalated_at=now)
    late_resolution = Complaint.objects.filter(
        state__in=(ComplaintState.OPEN, ComplaintState.RESPONDED),
        resolution_due_at__lt=now,
        escalation_level__lt=2,
    ).update(escalation_level=2, escalated_at=now)
    if late_response or late_resolution:
        logger.warning(
            "complaints escalated: %s with a late first response, %s with a late resolution",
            late_response,
            late_resolution,
        )
    return late_response + late_resolution
