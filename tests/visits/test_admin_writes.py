"""Writes in the dispatcher's admin: they go through the services, what a
signature covers stays as signed, and a refused change keeps what was typed."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from fieldservice.errors import Conflict
from tests.factories import VisitFactory, WorkOrderFactory
from tests.visits.lifecycle.service_helpers import database_rows
from visits.complaints import services as complaint_services
from visits.lifecycle import services
from visits.models import Complaint, WorkOrder

EMPTY_INLINES = {
    f"{prefix}-{count}": 0
    for prefix in ("checklist", "photos", "leaves", "events")
    for count in ("TOTAL_FORMS", "INITIAL_FORMS")
}

pytestmark = pytest.mark.django_db


def work_order_post(desk, order, description):
    return desk.post(
        f"/admin/visits/workorder/{order.id}/change/",
        {
            "description": description,
            "visits-TOTAL_FORMS": 0,
            "visits-INITIAL_FORMS": 0,
        },
    )


# --- What a signature covers (docs/rules.md#signed-record) -------------------------


def test_a_work_order_description_is_editable_until_a_customer_signs(desk):
    order = VisitFactory().work_order

    response = work_order_post(desk, order, "光猫更换后无法上网")

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.description == "光猫更换后无法上网"


def test_a_signed_work_order_shows_its_description_read_only(desk, signed_visit):
    order = signed_visit.work_order

    response = desk.get(f"/admin/visits/workorder/{order.id}/change/")

    assert response.status_code == 200
    assert 'name="description"' not in response.text


def test_a_forged_post_cannot_change_a_signed_description(desk, signed_visit):
    order = signed_visit.work_order
    before = WorkOrder.objects.filter(pk=order.pk).values().get()

    work_order_post(desk, order, "签收后改写的描述")

    assert WorkOrder.objects.filter(pk=order.pk).values().get() == before


def test_the_service_refuses_to_change_a_signed_description(desk, signed_visit):
    order = signed_visit.work_order

    with pytest.raises(Conflict) as refused:
        services.work_order_update_description(
            work_order=order, description="签收后改写的描述", by=desk.user
        )

    assert refused.value.code == "work_order_signed"
    order.refresh_from_db()
    assert order.description != "签收后改写的描述"


# --- A refused booking or move keeps what the dispatcher typed ----------------------


def local(value):
    return timezone.localtime(value)


def typed_values(response) -> dict:
    page = BeautifulSoup(response.content, "html.parser")
    form = page.find("form", id=lambda value: value and value.endswith("_form"))
    values = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("name") and field.get("type") not in ("hidden", "submit")
    }
    for select in form.find_all("select"):
        chosen = select.find("option", selected=True)
        values[select["name"]] = chosen["value"] if chosen else ""
    errors = [
        item.get_text(strip=True) for item in page.select(".errornote, .errorlist li")
    ]
    return {"values": values, "errors": errors}


def booking(order, technician, start, **extra):
    return {
        "work_order": order.id,
        "technician": technician.id,
        "appointed_start_0": local(start).strftime("%Y-%m-%d"),
        "appointed_start_1": local(start).strftime("%H:%M:%S"),
        "expected_duration_minutes": 90,
        **extra,
    }


@pytest.fixture
def busy_technician():
    """A technician with a visit tomorrow at 10:00 for an hour."""
    start = (timezone.localtime() + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    visit = VisitFactory(appointed_start=start)
    return visit.technician, start


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_booking_keeps_what_was_typed_and_writes_nothing(
    desk, busy_technician, language
):
    technician, start = busy_technician
    order = WorkOrderFactory()
    overlapping = start + timedelta(minutes=30)
    before = database_rows()

    response = desk.post(
        "/admin/visits/visit/add/",
        booking(order, technician, overlapping),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    page = typed_values(response)
    assert page["values"]["appointed_start_0"] == local(overlapping).strftime(
        "%Y-%m-%d"
    )
    assert page["values"]["appointed_start_1"] == local(overlapping).strftime(
        "%H:%M:%S"
    )
    assert page["values"]["expected_duration_minutes"] == "90"
    assert page["values"]["technician"] == str(technician.id)
    assert page["values"]["work_order"] == str(order.id)
    expected = "已有" if language == "zh-hans" else "already"
    assert any(expected in error for error in page["errors"]), page["errors"]
    assert database_rows() == before


def test_a_refused_move_keeps_what_was_typed_and_changes_nothing(desk, busy_technician):
    technician, start = busy_technician
    later = VisitFactory(
        technician=technician, appointed_start=start + timedelta(hours=3)
    )
    onto_the_other = start + timedelta(minutes=15)
    before = database_rows()

    response = desk.post(
        f"/admin/visits/visit/{later.id}/change/",
        {
            **booking(later.work_order, technician, onto_the_other),
            "reason": "客户改约",
            **EMPTY_INLINES,
        },
    )

    assert response.status_code == 200
    page = typed_values(response)
    assert page["values"]["appointed_start_1"] == local(onto_the_other).strftime(
        "%H:%M:%S"
    )
    assert page["values"]["reason"] == "客户改约"
    assert any("already" in error for error in page["errors"]), page["errors"]
    assert database_rows() == before


# --- Complaints are answered through their services -----------------------------


@pytest.fixture
def complaint(desk):
    visit = VisitFactory()
    return complaint_services.complaint_open(
        visit=visit,
        source="dispatcher",
        description="技术员没有穿鞋套",
        at=timezone.now() - timedelta(hours=1),
        by=desk.user,
    )


def complaint_post(desk, complaint, **fields):
    return desk.post(
        f"/admin/visits/complaint/{complaint.id}/change/",
        {"response": "", "resolution": "", **fields},
    )


def complaint_row(complaint) -> dict:
    return Complaint.objects.filter(pk=complaint.pk).values().get()


def test_answering_a_complaint_in_the_admin_stops_its_first_response_clock(
    desk, complaint
):
    response = complaint_post(desk, complaint, response="已致电客户道歉")

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "responded"
    assert complaint.response == "已致电客户道歉"
    assert complaint.first_responded_at is not None
    # Past the 48-hour deadline the escalation agrees: answered, not late.
    later = complaint.first_response_due_at + timedelta(hours=1)
    complaint_services.complaints_escalate_overdue(now=later)
    complaint.refresh_from_db()
    assert complaint.escalation_level == 0


def test_resolving_a_complaint_in_the_admin_records_both_clocks(desk, complaint):
    complaint_post(desk, complaint, resolution="更换技术员并回访")

    complaint.refresh_from_db()
    assert complaint.state == "resolved"
    assert complaint.resolved_at is not None
    assert complaint.first_responded_at == complaint.resolved_at


def test_a_complaint_text_state_and_clocks_cannot_be_posted(desk, complaint):
    before = complaint_row(complaint)

    complaint_post(
        desk,
        complaint,
        state="resolved",
        description="改写的投诉内容",
        first_responded_at_0="2020-01-01",
        first_responded_at_1="00:00:00",
        escalation_level=0,
    )

    assert complaint_row(complaint) == before


def test_a_resolved_complaint_shows_its_response_and_resolution_read_only(
    desk, complaint
):
    complaint_services.complaint_resolve(
        complaint=complaint, by=desk.user, resolution="已解决"
    )

    page = desk.get(f"/admin/visits/complaint/{complaint.id}/change/").text

    assert 'name="resolution"' not in page
    assert 'name="response"' not in page
    assert 'name="description"' not in page
    assert 'name="state"' not in page
