"""A day board of any size, written in bulk (for query counts and the
benchmark): `technicians` technicians with `visits_each` visits each on `day`,
in every state the board draws, with leaves, failed calls, complaints and
pending reschedule requests sprinkled over them."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import AreaTier, Customer, Role, TechnicianProfile, User
from visits.calls.models import Call, CallState, RescheduleRequest
from visits.complaints.models import Complaint, ComplaintState
from visits.models import TemporaryLeave, Visit, VisitKind, WorkOrder

STATES = ["closed", "signed_off", "in_progress", "en_route", "scheduled", "scheduled"]


def populate_board(*, technicians: int, visits_each: int, day, prefix: str = "b"):
    dispatcher = User.objects.create(
        username=f"{prefix}-dispatcher", role=Role.DISPATCHER, password="!"
    )
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}-tech{index:04d}",
            first_name=f"Tech{index:04d}",
            last_name="Board",
            role=Role.TECHNICIAN,
            password="!",
        )
        for index in range(technicians)
    )
    TechnicianProfile.objects.bulk_create(
        TechnicianProfile(
            user=user, employee_number=f"{prefix}{index:05d}", phone="13800000000"
        )
        for index, user in enumerate(users)
    )
    count = technicians * visits_each
    customers = Customer.objects.bulk_create(
        Customer(
            name=f"Customer {index}",
            phone=f"139{index:08d}",
            address=f"{index} Renmin Road",
            area_tier=AreaTier.URBAN,
        )
        for index in range(count)
    )
    now = timezone.now()
    orders = WorkOrder.objects.bulk_create(
        WorkOrder(
            number=f"WO{prefix}-{index:06d}",
            customer=customer,
            kind=VisitKind.REPAIR,
            customer_name=customer.name,
            customer_phone=customer.phone,
            address=customer.address,
            area_tier=customer.area_tier,
            created_by=dispatcher,
            created_at=now,
        )
        for index, customer in enumerate(customers)
    )
    start_of_day = timezone.make_aware(datetime.combine(day, time(8, 0)))
    visits = []
    for index, order in enumerate(orders):
        slot = index % visits_each
        visits.append(
            Visit(
                work_order=order,
                sequence=1,
                technician=users[index // visits_each],
                appointed_start=start_of_day + timedelta(hours=2 * slot),
                expected_duration_minutes=90,
                arrival_tolerance_minutes=10,
                state=STATES[slot % len(STATES)],
                created_at=now,
            )
        )
    visits = Visit.objects.bulk_create(visits)
    in_progress = [visit for visit in visits if visit.state == "in_progress"]
    TemporaryLeave.objects.bulk_create(
        TemporaryLeave(
            visit=visit,
            reason="fetch_materials",
            is_returning=True,
            left_at=visit.appointed_start + timedelta(minutes=30),
        )
        for visit in in_progress[::3]
    )
    Call.objects.bulk_create(
        Call(
            visit=visit,
            purpose="reminder_before_arrival",
            state=CallState.FAILED,
            due_at=visit.appointed_start - timedelta(hours=1),
            to_phone="13900000000",
            language="zh-hans",
        )
        for visit in visits[::7]
    )
    Complaint.objects.bulk_create(
        Complaint(
            visit=visit,
            source="dispatcher",
            state=ComplaintState.OPEN,
            opened_at=now,
            first_response_due_at=now + timedelta(hours=48),
            resolution_due_at=now + timedelta(days=9),
        )
        for visit in visits[::11]
    )
    RescheduleRequest.objects.bulk_create(
        RescheduleRequest(visit=visit, requested_at=now)
        for visit in visits[4::13]
        if visit.state == "scheduled"
    )
    return dispatcher, users, visits
