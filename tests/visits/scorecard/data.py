"""Known scorecard data, built row by row so that every figure can be worked
out by hand (the expected values in the tests are written out, never computed).

November 2026 in Asia/Shanghai; the period is [2026-11-01, 2026-12-01).

Technician A (team 江汉一组):
  v1 Mon 2 Nov 09:00 closed, on time (+2 min). Required items: two confirms
     answered, one photo item with a photo, one photo item without. A sign-off
     with three conduct items, one contested. Follow-up rating 5.
  v2 Tue 3 Nov 09:00 work done, late +15 min. Required: one answered, one not;
     an optional answered item (not counted). Follow-up rating 2. A complaint
     answered in time and resolved late.
  v3 Wed 4 Nov 09:00 arrived, late +30 min; its unanswered required item does
     not count (work not done). A complaint still open, first response overdue,
     resolution not yet due.
  v4 Thu 5 Nov cancelled: not counted at all (even its complaint).
  v5 Tue 1 Dec 00:00 (exactly `to`): out. Late +60 min.
  v6 Sat 31 Oct 23:59: out.
  v7 Mon 30 Nov 23:59:59 scheduled: in (visits only).
Technician B (team 汉阳二组):
  v8 Tue 10 Nov 10:00 closed, early (-15 min). Follow-up rating 4.
Technician C: no team, no visits. Team 南区 has nobody.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Team
from tests.factories import TechnicianFactory, VisitFactory
from visits.calls.models import Call
from visits.checklists.models import ChecklistAnswer, Photo, VisitChecklistItem
from visits.complaints.models import Complaint
from visits.signoffs.models import ConductConfirmation, SignOff

FROM = "2026-11-01"
TO = "2026-12-01"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())


@dataclass
class Known:
    a: object
    b: object
    c: object
    east: Team
    west: Team
    south: Team
    visits: dict


def visit(technician, start, *, state="scheduled", deviation_minutes=None):
    fields = {}
    if deviation_minutes is not None:
        punctuality = (
            "late"
            if deviation_minutes > 10
            else "early"
            if deviation_minutes < -10
            else "on_time"
        )
        fields = {
            "arrived_at": start + timedelta(minutes=deviation_minutes),
            "arrival_time_source": "server",
            "punctuality": punctuality,
            "arrival_deviation_seconds": deviation_minutes * 60,
            "late_reason": "交通拥堵" if punctuality != "on_time" else "",
        }
    return VisitFactory(
        technician=technician, appointed_start=start, state=state, **fields
    )


def item(visit, code, *, kind="confirm", required=True, answered=False, photo=False):
    row = VisitChecklistItem.objects.create(
        visit=visit,
        code=code,
        stage="work",
        position=VisitChecklistItem.objects.filter(visit=visit).count(),
        text_zh=code,
        text_en=code,
        kind=kind,
        is_required=required,
    )
    if answered:
        ChecklistAnswer.objects.create(
            item=row,
            value=True,
            answered_by=visit.technician,
            received_at=visit.appointed_start,
        )
    if photo:
        Photo.objects.create(
            visit=visit,
            item=row,
            image=f"photos/{visit.id}/{code}.jpg",
            thumbnail=f"photos/{visit.id}/{code}.thumb.jpg",
            width=64,
            height=48,
            sha256=code.ljust(64, "0"),
            byte_size=1000,
            source_format="jpeg",
            uploaded_at=visit.appointed_start,
            uploaded_by=visit.technician,
        )
    return row


def sign_off(visit, *, contested: int, confirmed: int):
    record = SignOff.objects.create(
        visit=visit,
        number=visit.id,
        signed_at=visit.appointed_start + timedelta(hours=1),
        signer_name="陈静",
        channel="technician_device",
        consent_version="1",
        snapshot="{}",
        snapshot_sha256="0" * 64,
        signature="signatures/x.png",
        signature_sha256="0" * 64,
        previous_chain_hash="0" * 64,
        chain_hash=str(visit.id).rjust(64, "0"),
        has_contested_conduct=contested > 0,
        recorded_by=visit.technician,
    )
    visit.signed_off_at = record.signed_at
    visit.save(update_fields=["signed_off_at"])
    for index in range(contested + confirmed):
        ConductConfirmation.objects.create(
            sign_off=record,
            code=f"item-{index}",
            text="?",
            is_confirmed=index >= contested,
        )
    return record


def follow_up(visit, rating):
    return Call.objects.create(
        visit=visit,
        purpose="follow_up",
        state="completed",
        due_at=visit.appointed_start + timedelta(days=1),
        to_phone="+8613900000001",
        language="zh-hans",
        rating=rating,
    )


def complaint(
    visit, *, opened, responded=None, resolved=None, response_due, resolution_due
):
    return Complaint.objects.create(
        visit=visit,
        source="dispatcher",
        state="resolved" if resolved else "responded" if responded else "open",
        opened_at=opened,
        first_response_due_at=response_due,
        resolution_due_at=resolution_due,
        first_responded_at=responded,
        resolved_at=resolved,
    )


def known_data() -> Known:
    east = Team.objects.create(name="江汉一组")
    west = Team.objects.create(name="汉阳二组")
    south = Team.objects.create(name="南区")
    a = TechnicianFactory(first_name="伟", last_name="张", profile__team=east)
    b = TechnicianFactory(first_name="Emily", last_name="Carter", profile__team=west)
    c = TechnicianFactory(first_name="强", last_name="王")
    a.technician_profile.employee_number = "S-001"
    a.technician_profile.save()
    b.technician_profile.employee_number = "S-002"
    b.technician_profile.save()
    c.technician_profile.employee_number = "S-003"
    c.technician_profile.save()

    v1 = visit(a, local(2026, 11, 2, 9), state="closed", deviation_minutes=2)
    item(v1, "badge", answered=True)
    item(v1, "doorbell", answered=True)
    item(v1, "shoe-covers", kind="photo", photo=True)
    item(v1, "clean-up", kind="photo")
    sign_off(v1, contested=1, confirmed=2)
    follow_up(v1, 5)

    v2 = visit(a, local(2026, 11, 3, 9), state="work_done", deviation_minutes=15)
    item(v2, "badge", answered=True)
    item(v2, "note", kind="text")
    item(v2, "optional", required=False, answered=True)
    follow_up(v2, 2)
    complaint(
        v2,
        opened=local(2026, 11, 4, 9),
        responded=local(2026, 11, 5, 9),
        response_due=local(2026, 11, 6, 9),
        resolved=local(2026, 11, 20, 9),
        resolution_due=local(2026, 11, 13, 9),
    )

    v3 = visit(a, local(2026, 11, 4, 9), state="arrived", deviation_minutes=30)
    item(v3, "badge")
    now = timezone.now()
    complaint(
        v3,
        opened=now - timedelta(days=3),
        response_due=now - timedelta(days=1),
        resolution_due=now + timedelta(days=5),
    )

    v4 = visit(a, local(2026, 11, 5, 9), state="cancelled")
    complaint(
        v4,
        opened=local(2026, 11, 5, 10),
        response_due=local(2026, 11, 7, 10),
        resolution_due=local(2026, 11, 16, 10),
    )
    v5 = visit(a, local(2026, 12, 1, 0), state="arrived", deviation_minutes=60)
    v6 = visit(a, local(2026, 10, 31, 23, 59), state="scheduled")
    v7 = visit(a, local(2026, 11, 30, 23, 59, 59), state="scheduled")

    v8 = visit(b, local(2026, 11, 10, 10), state="closed", deviation_minutes=-15)
    follow_up(v8, 4)
    return Known(
        a=a,
        b=b,
        c=c,
        east=east,
        west=west,
        south=south,
        visits={
            "v1": v1,
            "v2": v2,
            "v3": v3,
            "v4": v4,
            "v5": v5,
            "v6": v6,
            "v7": v7,
            "v8": v8,
        },
    )


# What the figures of each group must be, worked out by hand from the story above.
A_FIGURES = {
    "visits": 4,
    "on_time_rate": 1 / 3,
    "late_arrivals": 2,
    "mean_lateness_minutes": 22.5,
    "worst_lateness_minutes": 30.0,
    "checklist_completion": 4 / 6,
    "evidence_rate": 0.5,
    "contested_items": 1,
    "contested_per_sign_off": 1.0,
    "satisfaction_mean": 3.5,
    "satisfied_share": 0.5,
    "complaints": 2,
    "complaints_per_hundred": 50.0,
    "first_response_compliance": 0.5,
    "resolution_compliance": 0.0,
}
B_FIGURES = {
    "visits": 1,
    "on_time_rate": 0.0,
    "late_arrivals": 0,
    "mean_lateness_minutes": None,
    "worst_lateness_minutes": None,
    "checklist_completion": None,
    "evidence_rate": None,
    "contested_items": 0,
    "contested_per_sign_off": None,
    "satisfaction_mean": 4.0,
    "satisfied_share": 1.0,
    "complaints": 0,
    "complaints_per_hundred": 0.0,
    "first_response_compliance": None,
    "resolution_compliance": None,
}
NOBODY_FIGURES = {
    "visits": 0,
    "on_time_rate": None,
    "late_arrivals": 0,
    "mean_lateness_minutes": None,
    "worst_lateness_minutes": None,
    "checklist_completion": None,
    "evidence_rate": None,
    "contested_items": 0,
    "contested_per_sign_off": None,
    "satisfaction_mean": None,
    "satisfied_share": None,
    "complaints": 0,
    "complaints_per_hundred": None,
    "first_response_compliance": None,
    "resolution_compliance": None,
}
