"""The queues: open complaints with their clocks, reschedule requests, calls to
follow up by hand (and recording the call-back), contested conduct items."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TechnicianFactory, VisitFactory
from visits.calls.models import Call, CallState, RescheduleRequest
from visits.complaints import services as complaints
from visits.complaints.models import Complaint, ComplaintSource
from visits.console import selectors
from visits.lifecycle.rules import VisitState
from visits.signoffs.models import ConductConfirmation, SignOff

pytestmark = pytest.mark.django_db

QUEUES = "/api/v1/console/queues/"


def complaint_at(visit, opened_at, **fields):
    complaint = complaints.complaint_open(
        visit=visit, source=ComplaintSource.DISPATCHER, description="噪音", at=opened_at
    )
    if fields:
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
        complaint.refresh_from_db()
    return complaint


def failed_call(visit, purpose="reminder_day_before", **fields):
    values = {
        "visit": visit,
        "purpose": purpose,
        "state": CallState.FAILED,
        "due_at": timezone.now() - timedelta(hours=3),
        "ended_at": timezone.now() - timedelta(hours=2),
        "to_phone": "+8613800138000",
        "language": "zh-hans",
        "attempts": 3,
        "last_error": "the customer did not answer (no-answer)",
        **fields,
    }
    return Call.objects.create(**values)


def contested_item(visit, number, *, is_confirmed=False) -> ConductConfirmation:
    """A sign-off row with one contested item, written directly (the signing
    service is tested elsewhere; here only the queue reads it)."""
    sign_off = SignOff.objects.create(
        visit=visit,
        number=number,
        signed_at=timezone.now(),
        signer_name="刘洋",
        channel="technician_device",
        consent_version="1",
        snapshot="{}",
        snapshot_sha256="a" * 64,
        signature="signatures/x.png",
        signature_sha256="b" * 64,
        previous_chain_hash="0" * 64,
        chain_hash=f"{number:064d}",
        has_contested_conduct=True,
    )
    return ConductConfirmation.objects.create(
        sign_off=sign_off,
        code="shoe_covers",
        text="穿鞋套",
        is_confirmed=is_confirmed,
        comment="" if is_confirmed else "没有穿鞋套",
    )


# --- Complaints ------------------------------------------------------------------


def test_the_complaint_queue_reads_both_clocks_most_urgent_first():
    now = timezone.now()
    visit = VisitFactory()
    running = complaint_at(visit, now - timedelta(hours=1))
    overdue = complaint_at(visit, now - timedelta(hours=50))
    due_soon = complaint_at(visit, now - timedelta(hours=40))
    responded = complaint_at(
        visit,
        now - timedelta(hours=47),
        state="responded",
        first_responded_at=now - timedelta(hours=46),
    )
    complaint_at(visit, now - timedelta(hours=2), state="resolved", resolved_at=now)

    rows = selectors.complaint_queue(now=now)

    assert [row["id"] for row in rows] == [
        overdue.id,
        due_soon.id,
        running.id,
        responded.id,
    ]
    by_id = {row["id"]: row for row in rows}
    assert by_id[overdue.id]["first_response"]["status"] == "overdue"
    assert by_id[overdue.id]["first_response"]["seconds_left"] == -2 * 3600
    assert by_id[due_soon.id]["first_response"]["status"] == "due_soon"
    assert by_id[due_soon.id]["first_response"]["seconds_left"] == 8 * 3600
    assert by_id[running.id]["first_response"]["status"] == "running"
    assert by_id[responded.id]["first_response"]["status"] == "met"
    assert by_id[responded.id]["first_response"]["seconds_left"] == 47 * 3600
    assert by_id[responded.id]["resolution"]["status"] == "running"


def test_answering_a_complaint_stops_its_first_response_clock(desk, dispatcher):
    complaint = complaint_at(VisitFactory(), timezone.now() - timedelta(hours=3))

    response = desk.post(
        f"/api/v1/complaints/{complaint.id}/respond/",
        {"text": "已致电客户道歉"},
        content_type="application/json",
    )
    assert response.status_code == 200
    row = desk.get(QUEUES).json()["complaints"][0]

    assert row["id"] == complaint.id
    assert row["state"] == "responded"
    assert row["first_response"]["status"] == "met"
    assert row["first_response"]["done_at"] is not None
    assert row["resolution"]["status"] == "running"


# --- The endpoint ---------------------------------------------------------------


def fill_queues(count: int, first_number: int) -> None:
    technician = TechnicianFactory()
    for index in range(count):
        visit = VisitFactory(technician=technician)
        complaint_at(visit, timezone.now() - timedelta(hours=index))
        failed_call(visit)
        RescheduleRequest.objects.create(visit=visit, requested_at=timezone.now())
        signed = VisitFactory(technician=technician)
        item = contested_item(signed, first_number + index)
        if index % 2:
            complaints.complaint_open(
                visit=signed, source="dispatcher", description="x", conduct_item=item
            )


@pytest.mark.parametrize("count", [1, 12])
def test_the_queues_take_the_same_queries_whatever_the_rows(
    desk, count, django_assert_num_queries
):
    fill_queues(count, first_number=1)

    with django_assert_num_queries(7):  # session, user, then the five queues
        body = desk.get(QUEUES).json()

    # one per visit, and one for every other contested item
    assert len(body["complaints"]) == count + count // 2
    assert len(body["reschedule_requests"]) == count
    assert len(body["failed_calls"]) == count
    assert len(body["contested_conduct"]) == count
    assert body["reschedule_requests"][0]["visit"]["work_order"]


def test_the_queues_are_for_dispatchers_only(api):
    response = api.as_user(TechnicianFactory()).get(QUEUES)

    assert response.status_code == 403


# --- Calls to follow up by hand ---------------------------------------------------


def call_back(client, call, **body):
    return client.post(
        f"/api/v1/calls/{call.id}/call-back/", body, content_type="application/json"
    )


def test_failed_calls_and_calls_with_no_valid_answer_are_listed_until_called_back(
    desk,
):
    visit = VisitFactory()
    failed = failed_call(visit)
    no_input = failed_call(visit, state=CallState.COMPLETED, outcome="no_valid_input")
    failed_call(visit, state=CallState.COMPLETED, outcome="confirmed")
    failed_call(visit, state=CallState.SCHEDULED)

    listed = [row["id"] for row in desk.get(QUEUES).json()["failed_calls"]]
    assert sorted(listed) == sorted([failed.id, no_input.id])

    response = call_back(desk, failed, outcome="not_reached", note="关机")

    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.called_back_by, failed.call_back_outcome, failed.call_back_note) == (
        desk.user,
        "not_reached",
        "关机",
    )
    assert failed.called_back_at is not None
    assert [row["id"] for row in desk.get(QUEUES).json()["failed_calls"]] == [
        no_input.id
    ]


def test_a_customer_asking_for_a_new_time_on_the_call_back_is_a_reschedule_request(
    desk,
):
    call = failed_call(VisitFactory())

    response = call_back(desk, call, outcome="reschedule_requested")

    assert response.status_code == 200
    request = RescheduleRequest.objects.get()
    assert (request.visit_id, request.call_id, request.handled_at) == (
        call.visit_id,
        call.id,
        None,
    )


def test_a_low_rating_on_the_call_back_opens_a_complaint_like_the_keypad(
    desk, settings
):
    settings.COMPLAINT_RATING_AT_MOST = 2
    call = failed_call(VisitFactory(), purpose="follow_up")

    response = call_back(desk, call, outcome="rated", rating=2)

    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.source, complaint.rating, complaint.call_id) == (
        "follow_up_rating",
        2,
        call.id,
    )
    call.refresh_from_db()
    assert call.rating == 2


def test_a_good_rating_on_the_call_back_opens_no_complaint(desk):
    call = failed_call(VisitFactory(), purpose="follow_up")

    assert call_back(desk, call, outcome="rated", rating=3).status_code == 200

    assert not Complaint.objects.exists()


def snapshot(call):
    call.refresh_from_db()
    return (
        call.called_back_at,
        call.call_back_outcome,
        call.rating,
        RescheduleRequest.objects.count(),
        Complaint.objects.count(),
    )


def test_a_second_call_back_is_refused_and_changes_nothing(desk):
    call = failed_call(VisitFactory(), purpose="follow_up")
    assert call_back(desk, call, outcome="rated", rating=1).status_code == 200
    before = snapshot(call)

    response = call_back(desk, call, outcome="not_reached")

    assert response.status_code == 409
    assert response.json()["code"] == "already_called_back"
    assert snapshot(call) == before


@pytest.mark.parametrize("state", [CallState.COMPLETED, CallState.SCHEDULED])
def test_a_call_back_for_a_call_that_did_not_fail_is_refused(desk, state):
    call = failed_call(VisitFactory(), state=state, outcome="confirmed")
    before = snapshot(call)

    response = call_back(desk, call, outcome="reschedule_requested")

    assert response.status_code == 409
    assert response.json()["code"] == "call_not_failed"
    assert snapshot(call) == before


@pytest.mark.parametrize(
    ("purpose", "body", "code"),
    [
        (
            "reminder_day_before",
            {"outcome": "rated", "rating": 1},
            "outcome_not_for_purpose",
        ),
        ("follow_up", {"outcome": "confirmed"}, "outcome_not_for_purpose"),
        ("follow_up", {"outcome": "rated"}, "rating_required"),
        (
            "reminder_day_before",
            {"outcome": "not_reached", "rating": 4},
            "rating_not_expected",
        ),
    ],
)
def test_a_call_back_that_does_not_fit_the_call_is_refused(desk, purpose, body, code):
    call = failed_call(VisitFactory(), purpose=purpose)
    before = snapshot(call)

    response = call_back(desk, call, **body)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert snapshot(call) == before


def test_a_new_time_for_a_visit_already_done_is_refused(desk):
    call = failed_call(VisitFactory(state=VisitState.WORK_DONE))
    before = snapshot(call)

    response = call_back(desk, call, outcome="reschedule_requested")

    assert response.status_code == 409
    assert snapshot(call) == before


def test_a_refusal_comes_in_chinese_for_a_chinese_page(desk):
    call = failed_call(VisitFactory(), state=CallState.COMPLETED, outcome="confirmed")

    response = desk.post(
        f"/api/v1/calls/{call.id}/call-back/",
        {"outcome": "not_reached"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "这通电话没有失败，无需记录回拨。"  # noqa: RUF001


def test_only_a_dispatcher_records_a_call_back(api):
    call = failed_call(VisitFactory())

    response = api.as_user(call.visit.technician).post(
        f"/api/v1/calls/{call.id}/call-back/", {"outcome": "not_reached"}
    )

    assert response.status_code == 403
    call.refresh_from_db()
    assert call.called_back_at is None


# --- Contested conduct ------------------------------------------------------------


def test_opening_the_complaint_of_a_contested_item_is_idempotent(desk):
    item = contested_item(VisitFactory(), 1)

    first = desk.post(f"/api/v1/conduct-items/{item.id}/complaint/")
    again = desk.post(f"/api/v1/conduct-items/{item.id}/complaint/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    complaint = Complaint.objects.get()
    assert (complaint.conduct_item, complaint.source, complaint.opened_by) == (
        item,
        "dispatcher",
        desk.user,
    )
    assert complaint.description == "穿鞋套: 没有穿鞋套"
    row = desk.get(QUEUES).json()["contested_conduct"][0]
    assert row["complaint"] == {"id": complaint.id, "state": "open"}


def test_a_contested_item_leaves_the_queue_once_its_complaint_is_resolved(desk):
    item = contested_item(VisitFactory(), 1)
    complaint, _created = complaints.complaint_open_for_conduct(item=item, by=desk.user)
    complaints.complaint_resolve(complaint=complaint, by=desk.user, resolution="已道歉")

    assert desk.get(QUEUES).json()["contested_conduct"] == []


def test_a_confirmed_item_gets_no_complaint(desk):
    item = contested_item(VisitFactory(), 1, is_confirmed=True)

    response = desk.post(f"/api/v1/conduct-items/{item.id}/complaint/")

    assert response.status_code == 409
    assert not Complaint.objects.exists()


def test_a_signed_visit_with_a_contested_item_is_in_the_queue(desk, signed_visit):
    rows = desk.get(QUEUES).json()["contested_conduct"]

    assert [(row["code"], row["comment"], row["visit"]["id"]) for row in rows] == [
        ("shoe_covers", "没有穿鞋套", signed_visit.id)
    ]
    assert rows[0]["complaint"] is None
