"""The access matrix's one fixture world: two technicians, two customers, a
dispatcher and an administrator, and for each side (A serving X, B serving Y)
visits in the states that make every route meaningful. Built through the
services and the phone's API, as users build it."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from tests.factories import CustomerUserFactory, DispatcherFactory, TechnicianFactory
from tests.signing import all_confirmed, sign
from tests.visits.checklists.checklist_helpers import answer_everything
from visits.calls.models import Call, RescheduleRequest
from visits.complaints import services as complaints
from visits.lifecycle import services as lifecycle
from visits.models import Complaint, Photo, Visit
from visits.signoffs import services as signoffs


@dataclass
class Side:
    technician: User
    customer_user: User
    scheduled: Visit = None  # type: ignore[assignment]
    working: Visit = None  # type: ignore[assignment]
    done: Visit = None  # type: ignore[assignment]
    signed: Visit = None  # type: ignore[assignment]
    used_token: str = ""
    unused_token: str = ""
    ids: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    dispatcher: User
    admin: User


def _book(side: Side, dispatcher: User, *, minutes_ahead: int) -> Visit:
    order = lifecycle.work_order_create(
        customer=side.customer_user.customer, kind="repair", by=dispatcher
    )
    return lifecycle.visit_schedule(
        work_order=order,
        technician=side.technician,
        appointed_start=timezone.now() + timedelta(minutes=minutes_ahead),
        by=dispatcher,
    )


def _steps(api: APIClient, visit: Visit, *steps: str) -> None:
    """Takes the steps; an early arrival gives its reason."""
    for step in steps:
        body = (
            {"late_reason": "booked early for the matrix"} if step == "arrive" else {}
        )
        if step == "arrive" and visit.appointed_start < timezone.now() + timedelta(
            minutes=5
        ):
            body = {}
        response = api.post(
            f"/api/v1/visits/{visit.id}/actions/{step}/", body, format="json"
        )
        assert response.status_code == 200, response.json()


def build_side(technician: User, customer_user: User, dispatcher: User) -> Side:
    side = Side(technician=technician, customer_user=customer_user)
    api = APIClient()
    api.force_authenticate(technician)
    side.scheduled = _book(side, dispatcher, minutes_ahead=24 * 60)
    side.working = _book(side, dispatcher, minutes_ahead=1)
    _steps(api, side.working, "start-travel", "arrive", "start-work")
    side.done = _book(side, dispatcher, minutes_ahead=150)
    _steps(api, side.done, "start-travel", "arrive", "start-work")
    answer_everything(api, side.done)
    _steps(api, side.done, "finish-work")
    _link, side.unused_token = signoffs.sign_off_link_create(
        visit=side.done, by=technician
    )
    side.signed = _book(side, dispatcher, minutes_ahead=300)
    _steps(api, side.signed, "start-travel", "arrive", "start-work")
    answer_everything(api, side.signed)
    _steps(api, side.signed, "finish-work")
    _link, side.used_token = signoffs.sign_off_link_create(
        visit=side.signed, by=technician
    )
    conduct = all_confirmed(side.signed)
    conduct[0].update(confirmed=False, comment="contested")
    sign(side.signed, link_token=side.used_token, conduct=conduct)
    complaints.complaint_file(
        visit=side.signed, by=customer_user, description="The tap still drips."
    )
    reminder = Call.objects.filter(visit=side.scheduled).first()
    RescheduleRequest.objects.create(
        visit=side.scheduled, call=reminder, requested_at=timezone.now()
    )
    for visit in (side.scheduled, side.working, side.done, side.signed):
        visit.refresh_from_db()
    visits = [side.scheduled, side.working, side.done, side.signed]
    side.ids = {
        "visit": {visit.id for visit in visits},
        "work_order": {visit.work_order_id for visit in visits},
        "photo": set(
            Photo.objects.filter(visit__in=visits).values_list("id", flat=True)
        ),
        "complaint": set(
            Complaint.objects.filter(visit__in=visits).values_list("id", flat=True)
        ),
        "call": set(Call.objects.filter(visit__in=visits).values_list("id", flat=True)),
        "reschedule_request": set(
            RescheduleRequest.objects.filter(visit__in=visits).values_list(
                "id", flat=True
            )
        ),
        "customer": {customer_user.customer.id},
        "technician": {technician.id},
    }
    return side


def build_world() -> World:
    dispatcher = DispatcherFactory(username="matrix-dispatcher")
    admin = User.objects.create_superuser(
        username="matrix-admin", password="admin-pass-1", role=Role.ADMIN
    )
    a = build_side(
        TechnicianFactory(username="matrix-tech-a"),
        CustomerUserFactory(username="matrix-customer-x"),
        dispatcher,
    )
    b = build_side(
        TechnicianFactory(username="matrix-tech-b"),
        CustomerUserFactory(username="matrix-customer-y"),
        dispatcher,
    )
    return World(a=a, b=b, dispatcher=dispatcher, admin=admin)
