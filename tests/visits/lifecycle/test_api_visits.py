"""The visit API: booking, the lifecycle steps over HTTP, and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import CompanySettings
from tests.factories import (
    CustomerFactory,
    TechnicianFactory,
    VisitFactory,
    WorkOrderFactory,
)
from visits.models import TemporaryLeave, Visit, VisitEvent, WorkOrder

pytestmark = pytest.mark.django_db


def act(api, visit, step, body=None):
    return api.post(
        f"/api/v1/visits/{visit.id}/actions/{step}/", body or {}, format="json"
    )


def assert_nothing_written(visit, state, events=0):
    visit.refresh_from_db()
    assert visit.state == state
    assert visit.events.count() == events


def test_a_dispatcher_opens_a_work_order_and_books_a_visit(api, dispatcher, technician):
    customer = CustomerFactory(address="解放大道 688 号", area_tier="rural")
    CompanySettings.load()
    api.as_user(dispatcher)

    order = api.post(
        "/api/v1/work-orders/",
        {"customer": customer.id, "kind": "installation", "description": "宽带新装"},
        format="json",
    )
    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    booked = api.post(
        "/api/v1/visits/",
        {
            "work_order": order.json()["id"],
            "technician": technician.id,
            "appointed_start": start.isoformat(),
            "expected_duration_minutes": 90,
        },
        format="json",
    )

    assert order.status_code == 201
    assert order.json()["number"].startswith(f"WO{timezone.localdate():%Y%m%d}-")
    assert order.json()["address"] == "解放大道 688 号"
    assert order.json()["area_tier"] == "rural"
    assert booked.status_code == 201
    body = booked.json()
    assert body["state"] == "scheduled"
    assert body["sequence"] == 1
    assert body["arrival_tolerance_minutes"] == 10
    assert (
        body["technician"]["employee_number"]
        == technician.technician_profile.employee_number
    )
    assert [event["kind"] for event in body["events"]] == ["scheduled"]
    assert body["allowed_transitions"] == ["cancel"]


def test_a_technician_works_a_visit_from_on_my_way_to_work_done(api, technician):
    visit = VisitFactory(technician=technician, appointed_start=timezone.now())
    api.as_user(technician)

    steps = [
        ("start-travel", {}, "en_route"),
        ("arrive", {}, "arrived"),
        ("start-work", {}, "in_progress"),
        (
            "leave",
            {"reason": "fetch_materials", "is_returning": True},
            "temporarily_left",
        ),
        ("return", {}, "in_progress"),
        ("finish-work", {}, "work_done"),
    ]
    states = []
    for step, body, _expected in steps:
        response = act(api, visit, step, body)
        assert response.status_code == 200, response.json()
        states.append(response.json()["state"])

    assert states == [expected for *_rest, expected in steps]
    final = response.json()
    assert final["punctuality"] == "on_time"
    assert final["allowed_transitions"] == ["sign-off"]
    assert final["action_urls"] == {"sign-off": f"/api/v1/visits/{visit.id}/sign-off/"}
    assert len(final["leaves"]) == 1
    assert final["leaves"][0]["returned_at"] is not None
    assert [event["kind"] for event in final["events"]] == [
        "start_travel",
        "arrive",
        "start_work",
        "leave",
        "return",
        "finish_work",
    ]
    assert {event["actor"] for event in final["events"]} == {str(technician)}


def test_arriving_late_without_a_reason_is_refused_and_records_nothing(api, technician):
    visit = VisitFactory(
        technician=technician, appointed_start=timezone.now() - timedelta(minutes=30)
    )
    api.as_user(technician)
    act(api, visit, "start-travel")

    refused = act(api, visit, "arrive")
    explained = act(api, visit, "arrive", {"late_reason": "堵车,已提前电话告知客户"})

    assert refused.status_code == 400
    assert refused.json()["code"] == "late_reason_required"
    assert refused.json()["punctuality"] == "late"
    assert refused.json()["deviation_minutes"] >= 30
    assert explained.status_code == 200
    assert explained.json()["punctuality"] == "late"
    assert explained.json()["late_reason"] == "堵车,已提前电话告知客户"
    assert VisitEvent.objects.filter(visit=visit, kind="arrive").count() == 1


def test_arrival_reported_before_setting_off_is_refused(api, technician):
    visit = VisitFactory(technician=technician)

    response = act(api.as_user(technician), visit, "arrive")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["state"] == "scheduled"
    assert response.json()["allowed_transitions"] == ["start-travel", "cancel"]
    assert_nothing_written(visit, "scheduled")


def test_a_refused_step_reads_as_whole_sentences_in_either_language(api, technician):
    visit = VisitFactory(technician=technician)
    api.as_user(technician)

    english = api.post(
        f"/api/v1/visits/{visit.id}/actions/arrive/", HTTP_ACCEPT_LANGUAGE="en"
    )
    chinese = api.post(
        f"/api/v1/visits/{visit.id}/actions/arrive/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert english.json()["detail"] == (
        "Cannot arrive at this visit: it is scheduled and nobody has set off yet. "
        "Allowed now: On my way, Cancel."
    )
    # Chinese runs its sentences together and lists with 、, never ", ".
    assert chinese.json()["detail"] == (
        "不能报到达：该上门已预约，尚未出发。现在可执行：已出发、取消。"  # noqa: RUF001
    )


def test_an_unknown_step_is_a_400_that_lists_the_steps(api, technician):
    visit = VisitFactory(technician=technician)

    response = act(api.as_user(technician), visit, "teleport")

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_transition"
    assert "start-travel" in response.json()["detail"]
    assert_nothing_written(visit, "scheduled")


def test_an_unknown_step_on_someone_elses_visit_is_still_404(api, technician):
    visit = VisitFactory()

    response = act(api.as_user(technician), visit, "teleport")

    assert response.status_code == 404


def _in_progress(api, technician):
    visit = VisitFactory(technician=technician, appointed_start=timezone.now())
    api.as_user(technician)
    for step in ("start-travel", "arrive", "start-work"):
        assert act(api, visit, step).status_code == 200
    return visit


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"reason": "find_cause"}, "invalid"),
        ({"reason": "find_cause", "is_returning": False}, "fix_deadline_required"),
        (
            {
                "reason": "find_cause",
                "is_returning": False,
                "fix_deadline": "2020-01-01T10:00:00+08:00",
            },
            "fix_deadline_not_in_future",
        ),
        (
            {
                "reason": "find_cause",
                "is_returning": False,
                "fix_deadline": "tomorrow noon",
            },
            "invalid",
        ),
        ({"reason": "coffee", "is_returning": True}, "invalid"),
    ],
    ids=[
        "returning-not-said",
        "no-deadline",
        "deadline-past",
        "deadline-malformed",
        "unknown-reason",
    ],
)
def test_a_bad_temporary_leave_is_a_400_and_writes_nothing(api, technician, body, code):
    visit = _in_progress(api, technician)

    response = act(api, visit, "leave", body)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert_nothing_written(visit, "in_progress", events=3)
    assert not TemporaryLeave.objects.filter(visit=visit).exists()


def test_leaving_without_return_with_a_future_deadline_is_recorded(api, technician):
    visit = _in_progress(api, technician)
    deadline = (timezone.now() + timedelta(hours=20)).replace(microsecond=0)

    response = act(
        api,
        visit,
        "leave",
        {
            "reason": "equipment_room_test",
            "is_returning": False,
            "fix_deadline": deadline.isoformat(),
            "note": "回机房测试",
        },
    )

    assert response.status_code == 200
    leave = response.json()["leaves"][0]
    assert leave["is_returning"] is False
    assert leave["fix_deadline"] == timezone.localtime(deadline).isoformat()
    assert response.json()["state"] == "temporarily_left"


def test_a_fix_deadline_without_its_offset_is_refused_and_nothing_written(
    api, technician
):
    visit = _in_progress(api, technician)
    deadline = timezone.localtime() + timedelta(hours=20)

    response = act(
        api,
        visit,
        "leave",
        {
            "reason": "equipment_room_test",
            "is_returning": False,
            "fix_deadline": deadline.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )

    assert response.status_code == 400
    assert "fix_deadline" in response.json()["fields"]
    assert_nothing_written(visit, "in_progress", events=3)


def test_booking_with_a_malformed_time_is_a_400_naming_the_field(
    api, dispatcher, technician
):
    order = WorkOrderFactory()

    response = api.as_user(dispatcher).post(
        "/api/v1/visits/",
        {
            "work_order": order.id,
            "technician": technician.id,
            "appointed_start": "next tuesday",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "appointed_start" in response.json()["fields"]
    assert not Visit.objects.exists()


def test_booking_in_the_past_is_refused(api, dispatcher, technician):
    order = WorkOrderFactory()

    response = api.as_user(dispatcher).post(
        "/api/v1/visits/",
        {
            "work_order": order.id,
            "technician": technician.id,
            "appointed_start": (timezone.now() - timedelta(hours=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "appointment_in_past"
    assert not Visit.objects.exists()


def test_booking_a_non_technician_is_a_400(api, dispatcher):
    order = WorkOrderFactory()

    response = api.as_user(dispatcher).post(
        "/api/v1/visits/",
        {
            "work_order": order.id,
            "technician": dispatcher.id,
            "appointed_start": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "not_a_technician"


def test_a_dispatcher_reschedules_and_the_event_keeps_both_times(
    api, dispatcher, technician
):
    visit = VisitFactory(technician=technician)
    new_start = (visit.appointed_start + timedelta(hours=3)).replace(microsecond=0)

    response = act(
        api.as_user(dispatcher),
        visit,
        "reschedule",
        {"appointed_start": new_start.isoformat(), "reason": "客户要求改约到下午"},
    )

    assert response.status_code == 200
    assert (
        response.json()["appointed_start"] == timezone.localtime(new_start).isoformat()
    )
    event = response.json()["events"][-1]
    assert event["kind"] == "rescheduled"
    assert event["data"]["reason"] == "客户要求改约到下午"


@pytest.mark.parametrize(
    "appointed_start",
    [
        "2026-13-45T99:00",
        # No offset: it would be read on the server's clock, not the caller's.
        "2026-12-07T15:00:00",
    ],
)
def test_rescheduling_with_a_malformed_time_changes_nothing(
    api, dispatcher, appointed_start
):
    visit = VisitFactory()
    before = visit.appointed_start

    response = act(
        api.as_user(dispatcher),
        visit,
        "reschedule",
        {"appointed_start": appointed_start, "reason": "x"},
    )

    assert response.status_code == 400
    assert "appointed_start" in response.json()["fields"]
    visit.refresh_from_db()
    assert visit.appointed_start == before


def test_a_dispatcher_reassigns_a_visit(api, dispatcher):
    visit = VisitFactory()
    newcomer = TechnicianFactory()

    response = act(
        api.as_user(dispatcher),
        visit,
        "reassign",
        {"technician": newcomer.id, "reason": "原技术员请假"},
    )

    assert response.status_code == 200
    assert response.json()["technician"]["id"] == newcomer.id


def test_cancelling_needs_a_reason(api, dispatcher):
    visit = VisitFactory()

    missing = act(api.as_user(dispatcher), visit, "cancel", {"reason": ""})
    done = act(api, visit, "cancel", {"reason": "客户取消"})

    assert missing.status_code == 400
    assert done.status_code == 200
    assert done.json()["state"] == "cancelled"
    assert done.json()["ended_reason"] == "客户取消"
    assert done.json()["allowed_transitions"] == []


def test_work_order_with_unknown_customer_is_a_400(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/work-orders/", {"customer": 999999, "kind": "repair"}, format="json"
    )

    assert response.status_code == 400
    assert "customer" in response.json()["fields"]
    assert not WorkOrder.objects.exists()


def test_visits_filter_by_local_day_and_state(api, dispatcher):
    today = timezone.localtime().replace(hour=23, minute=30, second=0, microsecond=0)
    late_tonight = VisitFactory(appointed_start=today)
    VisitFactory(appointed_start=today + timedelta(hours=1))  # 00:30 tomorrow

    response = api.as_user(dispatcher).get(
        f"/api/v1/visits/?date={today.date().isoformat()}&state=scheduled"
    )
    bad = api.get("/api/v1/visits/?date=yesterday")

    assert [row["id"] for row in response.json()["results"]] == [late_tonight.id]
    assert bad.status_code == 400
    assert "date" in bad.json()["fields"]


@pytest.mark.parametrize("count", [1, 8, 50])
def test_listing_visits_takes_the_same_queries_for_any_number_of_visits(
    api, technician, django_assert_num_queries, count
):
    VisitFactory.create_batch(count, technician=technician)
    api.as_user(technician)

    # token auth + page of visits (with work order and technician joined); no
    # count: the list pages by cursor
    with django_assert_num_queries(2):
        response = api.get("/api/v1/visits/")

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("events", [1, 12])
def test_one_visit_with_its_log_takes_the_same_queries_however_long_the_log(
    api, technician, django_assert_num_queries, events
):
    visit = VisitFactory(technician=technician)
    VisitEvent.objects.bulk_create(
        VisitEvent(
            visit=visit, kind="scheduled", to_state="scheduled", at=timezone.now()
        )
        for _ in range(events)
    )
    api.as_user(technician)

    # token auth + visit + leaves + events
    with django_assert_num_queries(4):
        response = api.get(f"/api/v1/visits/{visit.id}/")

    assert len(response.json()["events"]) == events
