"""Complaint clocks and who may file one, through the services
(docs/rules.md#complaint-first-response, #complaint-resolution)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldservice.errors import NotAllowed
from tests.factories import (
    CustomerUserFactory,
    DispatcherFactory,
    VisitFactory,
)
from tests.visits.console.test_queues import contested_item
from visits.complaints import services
from visits.complaints.models import Complaint, Holiday

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)  # a Monday
SECOND = timedelta(seconds=1)


@pytest.fixture
def complaint(settings):
    settings.COMPLAINT_FIRST_RESPONSE_HOURS = 48
    settings.COMPLAINT_RESOLUTION_WORKING_DAYS = 7
    return services.complaint_open(
        visit=VisitFactory(), source="dispatcher", description="来晚了", at=OPENED
    )


def level(complaint) -> int:
    complaint.refresh_from_db()
    return complaint.escalation_level


def test_the_first_response_is_due_48_hours_after_opening(complaint):
    assert complaint.first_response_due_at == OPENED + timedelta(hours=48)


def test_the_resolution_is_due_seven_working_days_later_at_the_same_time(complaint):
    # Mon 2 Nov + 7 working days, the weekend of 7-8 Nov not counted: Wed 11 Nov.
    assert complaint.resolution_due_at == datetime(2026, 11, 11, 10, 0, tzinfo=SHANGHAI)


def test_a_holiday_moves_the_resolution_a_working_day_later(settings):
    Holiday.objects.create(day=date(2026, 11, 4), is_working_day=False)
    complaint = services.complaint_open(
        visit=VisitFactory(), source="dispatcher", description="x", at=OPENED
    )
    assert complaint.resolution_due_at == datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI)


def test_a_complaint_is_not_escalated_before_its_first_response_is_due(complaint):
    due = complaint.first_response_due_at

    assert services.complaints_escalate_overdue(now=due - SECOND) == 0
    assert services.complaints_escalate_overdue(now=due) == 0
    assert level(complaint) == 0


def test_a_complaint_with_no_first_response_when_due_is_escalated_once(complaint):
    after = complaint.first_response_due_at + SECOND

    assert services.complaints_escalate_overdue(now=after) == 1
    assert services.complaints_escalate_overdue(now=after + SECOND) == 0
    complaint.refresh_from_db()
    assert (complaint.escalation_level, complaint.escalated_at) == (1, after)


def test_a_complaint_answered_in_time_is_not_escalated_for_its_response(complaint):
    services.complaint_respond(
        complaint=complaint, by=DispatcherFactory(), response="我们会处理"
    )

    services.complaints_escalate_overdue(
        now=complaint.first_response_due_at + timedelta(hours=1)
    )

    assert level(complaint) == 0


def test_an_unresolved_complaint_is_escalated_only_once_its_resolution_is_due(
    complaint,
):
    services.complaint_respond(
        complaint=complaint, by=DispatcherFactory(), response="好"
    )
    due = complaint.resolution_due_at

    assert services.complaints_escalate_overdue(now=due - SECOND) == 0
    assert level(complaint) == 0
    assert services.complaints_escalate_overdue(now=due + SECOND) == 1
    assert level(complaint) == 2


def test_a_customer_files_a_complaint_about_their_own_visit():
    customer_user = CustomerUserFactory()
    visit = VisitFactory(work_order__customer=customer_user.customer)

    complaint = services.complaint_file(visit=visit, by=customer_user, description="x")

    assert (complaint.source, complaint.visit_id) == ("customer", visit.pk)


def test_a_customer_cannot_file_a_complaint_about_another_customers_visit():
    visit = VisitFactory()

    with pytest.raises(NotAllowed):
        services.complaint_file(visit=visit, by=CustomerUserFactory(), description="x")

    assert not Complaint.objects.exists()


def test_a_complaint_on_a_visit_with_a_contested_item_is_linked_to_it():
    visit = VisitFactory()
    item = contested_item(visit, 1)

    complaint = services.complaint_open(
        visit=visit, source="dispatcher", description="x", at=OPENED
    )

    assert complaint.conduct_item == item


def test_a_complaint_on_a_visit_whose_customer_confirmed_everything_has_no_item():
    visit = VisitFactory()
    contested_item(visit, 1, is_confirmed=True)

    complaint = services.complaint_open(
        visit=visit, source="dispatcher", description="x", at=OPENED
    )

    assert complaint.conduct_item is None
