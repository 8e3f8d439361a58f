"""Reminder and follow-up calls: rows written with the booking, the scan, the
providers (Twilio faked at its HTTP boundary), keypad answers and complaints."""

import os
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from fieldservice.errors import InvalidInput
from tests import twilio_fake
from tests.factories import DispatcherFactory
from tests.signing import sign
from tests.visits.checklists.checklist_helpers import answer_everything, book
from tests.visits.lifecycle.service_helpers import book as book_at
from tests.visits.lifecycle.service_helpers import drive, withdraw_checklists
from visits.calls import services as calls
from visits.calls import tasks as call_tasks
from visits.calls.providers import OutgoingCall, TwilioProvider
from visits.complaints import services as complaints
from visits.lifecycle import services
from visits.models import (
    Call,
    CallWebhook,
    Complaint,
    Holiday,
    RescheduleRequest,
)

pytestmark = pytest.mark.django_db


def queued_messages() -> int:
    """Messages waiting in the embedded broker (tests without Redis)."""
    folder = settings.CELERY_FILESYSTEM_BROKER_DIR / "queue"
    return len(os.listdir(folder)) if folder.exists() else 0


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    """Tests that place calls on the real clock would otherwise see their calls
    wait for the morning when the suite runs at night; tests of quiet hours
    set them back explicitly."""
    settings.CALL_QUIET_HOURS = "00:00-00:00"


@pytest.fixture
def visit(technician):
    """A booked visit with its two reminders. Its booking notice, due at once,
    is left out: these tests are about the reminders (the notice's own tests
    are in test_booking_notice.py)."""
    visit = book(technician, minutes_ahead=3 * 24 * 60)
    Call.objects.filter(visit=visit, purpose="booking_notice").delete()
    return visit


# --- Rows written with the booking ------------------------------------------------


def test_booking_writes_the_two_reminders_in_the_same_transaction(visit):
    rows = list(
        Call.objects.filter(visit=visit)
        .order_by("due_at")
        .values_list("purpose", "state", "to_phone")
    )

    assert rows == [
        ("reminder_day_before", "scheduled", visit.work_order.customer_phone),
        ("reminder_before_arrival", "scheduled", visit.work_order.customer_phone),
    ]
    before = Call.objects.get(visit=visit, purpose="reminder_before_arrival")
    assert before.due_at == visit.appointed_start - timedelta(minutes=60)


def test_a_refused_booking_writes_no_call(technician, visit):
    with pytest.raises(InvalidInput) as refused:
        services.visit_schedule(
            work_order=visit.work_order,
            technician=technician,
            appointed_start=visit.appointed_start + timedelta(days=1),
            by=DispatcherFactory(),
        )

    assert refused.value.code == "work_order_has_open_visit"
    assert Call.objects.count() == 2


def test_rescheduling_moves_the_reminders(visit):
    dispatcher = DispatcherFactory()
    new_start = visit.appointed_start + timedelta(days=1)

    services.visit_reschedule(
        visit=visit, appointed_start=new_start, by=dispatcher, reason="客户改约"
    )

    pending = Call.objects.filter(visit=visit, state="scheduled")
    assert pending.get(purpose="reminder_before_arrival").due_at == (
        new_start - timedelta(minutes=60)
    )
    assert Call.objects.filter(visit=visit, state="cancelled").count() == 2


def test_cancelling_a_visit_cancels_its_reminders(visit):
    services.visit_cancel(visit=visit, by=DispatcherFactory(), reason="客户取消")

    assert set(Call.objects.filter(visit=visit).values_list("state", flat=True)) == {
        "cancelled"
    }


def test_cancelling_a_visit_cancels_a_reminder_already_claimed_for_placing(visit):
    Call.objects.filter(visit=visit, purpose="reminder_day_before").update(
        state="queued", claimed_at=timezone.now()
    )

    services.visit_cancel(visit=visit, by=DispatcherFactory(), reason="客户取消")

    assert set(Call.objects.filter(visit=visit).values_list("state", flat=True)) == {
        "cancelled"
    }


@pytest.mark.parametrize("end", ["closed", "no_show"])
def test_a_visit_that_ended_keeps_no_pending_call(end, technician):
    """Its reminders and booking notice, written at booking and never placed
    (no scan ran), are cancelled when it is closed or marked a no-show."""
    withdraw_checklists()
    dispatcher = DispatcherFactory()
    visit = book_at(dispatcher=dispatcher, technician=technician)
    assert Call.objects.filter(visit=visit, state="scheduled").count() == 3

    drive(visit, end, dispatcher=dispatcher)

    calls = dict(Call.objects.filter(visit=visit).values_list("purpose", "state"))
    assert calls.pop("follow_up", None) == ("scheduled" if end == "closed" else None)
    assert calls == {
        "booking_notice": "cancelled",
        "reminder_before_arrival": "cancelled",
        "reminder_day_before": "cancelled",
    }


def test_sign_off_writes_the_follow_up_call_for_the_next_morning(api, technician):
    visit = book(technician)
    api.as_user(technician)
    for step in ("start-travel", "arrive", "start-work"):
        api.post(f"/api/v1/visits/{visit.id}/actions/{step}/")
    answer_everything(api, visit)
    api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")

    record = sign(visit, by=technician)

    follow_up = Call.objects.get(visit=visit, purpose="follow_up")
    local = timezone.localtime(follow_up.due_at)
    assert (local.date(), local.hour, local.minute) == (
        timezone.localtime(record.signed_at).date() + timedelta(days=1),
        10,
        0,
    )


# --- The scan ------------------------------------------------------------------------


def test_the_scan_claims_only_due_calls_and_enqueues_one_task_each(
    visit, django_capture_on_commit_callbacks
):
    if settings.REDIS_URL:
        pytest.skip(
            "counts the embedded broker's messages; Redis is covered by the worker test"
        )
    due = Call.objects.filter(visit=visit, purpose="reminder_day_before")
    due.update(due_at=timezone.now() - timedelta(seconds=1))
    before = queued_messages()

    with django_capture_on_commit_callbacks(execute=True):
        claimed = call_tasks.calls_scan_task()
    with django_capture_on_commit_callbacks(execute=True):
        again = call_tasks.calls_scan_task()

    assert claimed == 1
    assert again == 0
    assert queued_messages() - before == 1
    assert Call.objects.get(pk=due.get().pk).state == "queued"
    assert (
        Call.objects.get(visit=visit, purpose="reminder_before_arrival").state
        == "scheduled"
    )


def test_a_claimed_call_whose_task_never_ran_is_claimed_again(visit, settings):
    call = Call.objects.filter(visit=visit).first()
    Call.objects.filter(pk=call.pk).update(
        state="queued",
        claimed_at=timezone.now() - timedelta(minutes=6),
        due_at=timezone.now(),
    )

    requeued, _retried = calls.calls_recover_stale()

    assert requeued == 1
    assert Call.objects.get(pk=call.pk).state == "scheduled"


def test_a_call_stuck_while_placing_is_tried_again_with_backoff(visit):
    call = Call.objects.filter(visit=visit).first()
    Call.objects.filter(pk=call.pk).update(
        state="placing", attempts=1, claimed_at=timezone.now() - timedelta(minutes=16)
    )

    _requeued, retried = calls.calls_recover_stale()

    call.refresh_from_db()
    assert retried == 1
    assert call.state == "scheduled"
    assert call.due_at > timezone.now()
    assert "worker stopped" in call.last_error


def test_booking_succeeds_while_the_broker_is_down(technician, settings):
    from fieldservice.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        visit = book(technician, minutes_ahead=3 * 24 * 60)
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL

    assert sorted(
        Call.objects.filter(visit=visit, state="scheduled").values_list(
            "purpose", flat=True
        )
    ) == ["booking_notice", "reminder_before_arrival", "reminder_day_before"]


# --- Placing ---------------------------------------------------------------------------


def claimed(visit) -> Call:
    call = Call.objects.filter(visit=visit).order_by("due_at").first()
    Call.objects.filter(pk=call.pk).update(state="queued", claimed_at=timezone.now())
    return call


def test_the_console_provider_places_a_call_once_even_if_the_task_runs_twice(visit):
    call = claimed(visit)

    first = calls.call_place(call_id=call.pk)
    second = calls.call_place(call_id=call.pk)

    assert first.state == second.state == "placed"
    assert first.provider_call_id.startswith("console-")
    assert second.attempts == 1


def test_a_call_not_claimed_is_not_placed(visit):
    call = Call.objects.filter(visit=visit).first()

    calls.call_place(call_id=call.pk)

    assert Call.objects.get(pk=call.pk).state == "scheduled"


@pytest.fixture
def twilio(settings, monkeypatch):
    """Selects the Twilio provider; its HTTP boundary is the fake."""
    http = twilio_fake.FakeTwilioHttp()
    settings.CALL_PROVIDER = "twilio"
    monkeypatch.setattr("visits.calls.providers.twilio_http", lambda: http)
    return http


def test_twilio_places_the_call_with_our_webhooks(visit, twilio):
    twilio.replies.append(twilio_fake.created("CA" + "a" * 32))
    call = claimed(visit)

    placed = calls.call_place(call_id=call.pk)

    assert placed.state == "placed"
    assert placed.provider == "twilio"
    assert placed.provider_call_id == "CA" + "a" * 32
    [request] = twilio.requests
    assert request["uri"].endswith(f"/Accounts/{twilio_fake.ACCOUNT_SID}/Calls.json")
    assert request["data"]["To"] == visit.work_order.customer_phone
    assert (
        request["data"]["Url"]
        == f"https://fs.example.com/calls/twilio/{call.pk}/voice/"
    )
    assert request["data"]["StatusCallback"].endswith(
        f"/calls/twilio/{call.pk}/status/"
    )


@pytest.mark.parametrize(
    "reply",
    [
        twilio_fake.failed(500),
        twilio_fake.failed(503),
        twilio_fake.failed(429),
        requests.exceptions.ReadTimeout("timed out"),
    ],
    ids=["500", "503", "429", "timeout"],
)
def test_a_provider_hiccup_is_retried_later_with_backoff(visit, twilio, reply):
    twilio.replies.append(reply)
    call = claimed(visit)

    result = calls.call_place(call_id=call.pk)

    assert result.state == "scheduled"
    assert result.attempts == 1
    assert (
        timedelta(seconds=50) < result.due_at - timezone.now() <= timedelta(seconds=60)
    )
    assert result.last_error


@pytest.mark.parametrize(
    ("status", "reply"),
    [
        ("completed", requests.exceptions.ReadTimeout("timed out")),
        ("in-progress", twilio_fake.failed(503)),
        ("completed", twilio_fake.failed(400, "bad request", 21211)),
    ],
    ids=["timeout", "5xx", "4xx"],
)
def test_a_call_the_provider_took_before_our_request_failed_is_not_tried_again(
    visit, twilio, status, reply
):
    """The provider placed the call, and its status callback arrived, but our
    request to it ended in an error: the call rang, so it is neither retried
    (the customer would be rung twice) nor marked failed."""
    call = claimed(visit)

    def the_call_rang_meanwhile():
        calls.call_record_status(call=Call.objects.get(pk=call.pk), status=status)
        return reply

    twilio.replies.append(the_call_rang_meanwhile)

    result = calls.call_place(call_id=call.pk)

    result.refresh_from_db()
    assert result.state == ("completed" if status == "completed" else "placed")
    assert result.attempts == 1
    assert not result.last_error
    assert len(twilio.requests) == 1


def test_a_call_that_keeps_failing_is_marked_failed_for_the_dispatcher(
    visit, twilio, settings
):
    settings.CALL_MAX_ATTEMPTS = 3
    twilio.replies.extend([twilio_fake.failed(500)] * 3)
    call = Call.objects.filter(visit=visit).first()

    for _attempt in range(3):
        Call.objects.filter(pk=call.pk).update(state="queued")
        result = calls.call_place(call_id=call.pk)

    assert result.state == "failed"
    assert result.attempts == 3
    assert len(twilio.requests) == 3


def test_a_bad_number_fails_at_once(visit, twilio):
    twilio.replies.append(
        twilio_fake.failed(400, "The 'To' number is not valid", 21211)
    )
    call = claimed(visit)

    result = calls.call_place(call_id=call.pk)

    assert result.state == "failed"
    assert "not valid" in result.last_error


def test_the_provider_uses_a_timeout():
    from django.test import override_settings

    with override_settings(CALL_HTTP_TIMEOUT_SECONDS=7):
        provider = TwilioProvider()

    assert provider.client.http_client.timeout == 7
    assert isinstance(OutgoingCall(1, "139", "zh-hans", "x"), OutgoingCall)


# --- Webhooks and keypad answers -------------------------------------------------


def placed(visit, purpose="reminder_before_arrival") -> Call:
    call = Call.objects.filter(
        visit=visit, purpose=purpose
    ).first() or Call.objects.create(
        visit=visit,
        purpose=purpose,
        due_at=timezone.now(),
        to_phone="13900000000",
        language="zh-hans",
    )
    Call.objects.filter(pk=call.pk).update(
        state="placed",
        provider="twilio",
        provider_call_id="CA" + str(call.pk).zfill(32),
    )
    call.refresh_from_db()
    return call


def gather(client, call, step, attempt, digits):
    return twilio_fake.signed_post(
        client,
        f"/calls/twilio/{call.pk}/gather/{step}/{attempt}/",
        {"CallSid": call.provider_call_id, "Digits": digits},
    )


def test_an_unsigned_or_wrongly_signed_webhook_is_refused(client, visit):
    call = placed(visit)
    path = f"/calls/twilio/{call.pk}/voice/"

    unsigned = client.post(path, {"CallSid": call.provider_call_id})
    wrong = twilio_fake.signed_post(
        client, path, {"CallSid": call.provider_call_id}, token="someone-elses-token"
    )

    assert unsigned.status_code == 403
    assert wrong.status_code == 403
    assert not CallWebhook.objects.exists()


def test_the_reminder_asks_to_press_one_or_two_in_chinese(client, visit):
    call = placed(visit)

    response = twilio_fake.signed_post(
        client, f"/calls/twilio/{call.pk}/voice/", {"CallSid": call.provider_call_id}
    )

    assert response.status_code == 200
    twiml = response.content.decode()
    assert '<Gather action="https://fs.example.com/calls/twilio/' in twiml
    assert 'language="zh-CN"' in twiml
    assert "准时到您那里" in twiml
    assert "确认时间请按1，需要改约请按2" in twiml


def test_pressing_one_confirms_the_appointment(client, visit):
    call = placed(visit)

    response = gather(client, call, "confirm", 1, "1")

    call.refresh_from_db()
    assert call.outcome == "confirmed"
    assert "<Hangup" in response.content.decode()


def test_pressing_two_asks_the_dispatcher_for_a_new_time(client, visit):
    call = placed(visit)

    gather(client, call, "confirm", 1, "2")
    replay = gather(client, call, "confirm", 1, "2")

    request = RescheduleRequest.objects.get()
    assert request.visit == visit
    assert request.call == call
    assert Call.objects.get(pk=call.pk).outcome == "reschedule_requested"
    assert replay.status_code == 200
    assert RescheduleRequest.objects.count() == 1


def test_rescheduling_the_visit_handles_the_request(client, visit):
    call = placed(visit)
    gather(client, call, "confirm", 1, "2")

    services.visit_reschedule(
        visit=visit,
        appointed_start=visit.appointed_start + timedelta(days=1),
        by=DispatcherFactory(),
        reason="客户来电改约",
    )

    assert RescheduleRequest.objects.get().handled_at is not None


def test_a_key_outside_the_menu_repeats_the_question_then_ends_politely(client, visit):
    call = placed(visit)

    first = gather(client, call, "confirm", 1, "9").content.decode()
    second = gather(client, call, "confirm", 2, "").content.decode()

    assert "没有听清楚" in first
    assert f"/calls/twilio/{call.pk}/gather/confirm/2/" in first
    assert "没有听清楚" in second
    assert "<Hangup" in second
    assert Call.objects.get(pk=call.pk).outcome == "no_valid_input"


def test_a_replayed_webhook_answers_the_same_and_changes_nothing(client, visit):
    call = placed(visit, purpose="follow_up")

    first = gather(client, call, "rating", 1, "4")
    replay = gather(client, call, "rating", 1, "4")

    assert replay.content == first.content
    assert CallWebhook.objects.filter(kind="gather").count() == 1


def test_callbacks_without_a_call_sid_for_two_calls_each_get_their_own_menu(
    client, visit
):
    """The issue's scenario: the replay key was the provider's CallSid alone, so
    a second call's callback without one was answered with the first call's."""
    reminder = placed(visit)
    follow_up = placed(visit, purpose="follow_up")

    first = twilio_fake.signed_post(client, f"/calls/twilio/{reminder.pk}/voice/", {})
    second = twilio_fake.signed_post(client, f"/calls/twilio/{follow_up.pk}/voice/", {})

    assert f"/calls/twilio/{reminder.pk}/gather/confirm/1/" in first.content.decode()
    assert f"/calls/twilio/{follow_up.pk}/gather/rating/1/" in second.content.decode()
    assert sorted(CallWebhook.objects.values_list("call_id", flat=True)) == sorted(
        [reminder.pk, follow_up.pk]
    )


def test_keypad_answers_without_a_call_sid_for_two_calls_are_both_recorded(
    client, visit
):
    one = placed(visit, purpose="follow_up")
    other = Call.objects.create(
        visit=visit,
        purpose="follow_up",
        due_at=timezone.now(),
        to_phone="13900000001",
        language="zh-hans",
        state="placed",
    )

    twilio_fake.signed_post(
        client, f"/calls/twilio/{one.pk}/gather/rating/1/", {"Digits": "5"}
    )
    twilio_fake.signed_post(
        client, f"/calls/twilio/{other.pk}/gather/rating/1/", {"Digits": "2"}
    )

    assert Call.objects.get(pk=one.pk).rating == 5
    assert Call.objects.get(pk=other.pk).rating == 2


def test_a_replay_without_a_call_sid_for_the_same_call_changes_nothing(client, visit):
    call = placed(visit, purpose="follow_up")
    path = f"/calls/twilio/{call.pk}/gather/rating/1/"

    first = twilio_fake.signed_post(client, path, {"Digits": "2"})
    replay = twilio_fake.signed_post(client, path, {"Digits": "2"})

    assert replay.status_code == 200
    assert replay.content == first.content
    assert CallWebhook.objects.filter(call=call, kind="gather").count() == 1
    assert Call.objects.get(pk=call.pk).rating == 2


def test_a_low_rating_opens_a_complaint_with_its_clocks(client, visit):
    call = placed(visit, purpose="follow_up")

    asked = gather(client, call, "rating", 1, "2").content.decode()
    ended = gather(client, call, "problem", 1, "2").content.decode()

    assert "是否有做得不好的地方" in asked
    assert "将尽快处理并给您答复" in ended
    complaint = Complaint.objects.get()
    assert (complaint.source, complaint.rating, complaint.call) == (
        "follow_up_rating",
        2,
        call,
    )
    assert complaint.first_response_due_at - complaint.opened_at == timedelta(hours=48)
    assert complaint.resolution_due_at > complaint.first_response_due_at


def test_a_good_rating_with_nothing_wrong_opens_no_complaint(client, visit):
    call = placed(visit, purpose="follow_up")

    gather(client, call, "rating", 1, "5")
    gather(client, call, "problem", 1, "2")

    call.refresh_from_db()
    assert (call.rating, call.something_wrong) == (5, False)
    assert not Complaint.objects.exists()


def test_saying_something_was_wrong_opens_a_complaint_even_with_a_good_rating(
    client, visit
):
    call = placed(visit, purpose="follow_up")

    gather(client, call, "rating", 1, "4")
    gather(client, call, "problem", 1, "1")

    assert Complaint.objects.get().source == "follow_up_keypad"


def test_busy_and_unanswered_calls_are_tried_again(client, visit):
    call = placed(visit)

    twilio_fake.signed_post(
        client,
        f"/calls/twilio/{call.pk}/status/",
        {
            "CallSid": call.provider_call_id,
            "CallStatus": "no-answer",
            "SequenceNumber": "3",
        },
    )

    call.refresh_from_db()
    assert call.state == "scheduled"
    assert call.outcome == "no_answer"


def test_a_completed_call_is_recorded(client, visit):
    call = placed(visit)
    gather(client, call, "confirm", 1, "1")

    twilio_fake.signed_post(
        client,
        f"/calls/twilio/{call.pk}/status/",
        {
            "CallSid": call.provider_call_id,
            "CallStatus": "completed",
            "SequenceNumber": "4",
        },
    )

    call.refresh_from_db()
    assert (call.state, call.outcome) == ("completed", "confirmed")


# --- Complaints ---------------------------------------------------------------------------


def test_complaint_clocks_skip_holidays(visit, settings):
    Holiday.objects.create(day=timezone.localdate() + timedelta(days=1), name="假日")
    opened = timezone.now()

    complaint = complaints.complaint_open(
        visit=visit, source="dispatcher", description="x", at=opened
    )

    from visits.complaints.rules import add_working_days

    assert complaint.resolution_due_at == add_working_days(
        opened,
        7,
        holidays={timezone.localdate() + timedelta(days=1)},
        working_weekends=set(),
        tz=timezone.get_current_timezone(),
    )


def test_overdue_complaints_are_escalated_once_per_level(visit):
    complaint = complaints.complaint_open(
        visit=visit,
        source="dispatcher",
        description="x",
        at=timezone.now() - timedelta(days=30),
    )

    first = complaints.complaints_escalate_overdue()
    again = complaints.complaints_escalate_overdue()

    complaint.refresh_from_db()
    assert complaint.escalation_level == 2
    assert (first, again) == (2, 0)


def test_a_customer_files_a_complaint_about_their_own_visit(
    api, customer_user, technician
):
    visit = book(technician)
    visit.work_order.customer = customer_user.customer
    visit.work_order.save(update_fields=["customer"])

    response = api.as_user(customer_user).post(
        "/api/v1/complaints/",
        {"visit": visit.id, "description": "技术员迟到且未道歉"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["source"] == "customer"
    assert len(api.get("/api/v1/complaints/").json()["results"]) == 1


def test_a_complaint_about_someone_elses_visit_is_a_404(api, customer_user, visit):
    response = api.as_user(customer_user).post(
        "/api/v1/complaints/", {"visit": visit.id, "description": "x"}, format="json"
    )

    assert response.status_code == 404
    assert not Complaint.objects.exists()


def test_a_dispatcher_responds_then_resolves(api, dispatcher, visit):
    complaint = complaints.complaint_open(
        visit=visit, source="dispatcher", description="x"
    )
    api.as_user(dispatcher)

    responded = api.post(
        f"/api/v1/complaints/{complaint.id}/respond/",
        {"text": "已联系客户"},
        format="json",
    )
    resolved = api.post(
        f"/api/v1/complaints/{complaint.id}/resolve/",
        {"text": "已上门复查"},
        format="json",
    )
    again = api.post(
        f"/api/v1/complaints/{complaint.id}/resolve/", {"text": "x"}, format="json"
    )

    assert responded.json()["state"] == "responded"
    assert resolved.json()["state"] == "resolved"
    assert again.status_code == 409


def test_failed_calls_are_listed_for_the_dispatcher(api, dispatcher, visit):
    Call.objects.filter(visit=visit, purpose="reminder_day_before").update(
        state="failed"
    )

    response = api.as_user(dispatcher).get("/api/v1/calls/?state=failed")

    assert [row["purpose"] for row in response.json()["results"]] == [
        "reminder_day_before"
    ]


def test_a_reminder_for_a_visit_already_under_way_is_not_placed(visit):
    call = claimed(visit)
    visit.__class__.objects.filter(pk=visit.pk).update(state="in_progress")

    result = calls.call_place(call_id=call.pk)

    assert result.state == "skipped"
    assert "under way" in result.last_error


def test_a_reminder_after_the_appointed_time_is_not_placed(visit):
    call = claimed(visit)
    visit.__class__.objects.filter(pk=visit.pk).update(
        appointed_start=timezone.now() - timedelta(minutes=1)
    )

    assert calls.call_place(call_id=call.pk).state == "skipped"


def test_a_retry_that_would_fall_at_night_waits_for_the_morning(visit, settings):
    settings.CALL_QUIET_HOURS = "21:00-08:00"
    call = Call.objects.filter(visit=visit).first()
    call.attempts = 1
    evening = timezone.localtime().replace(hour=20, minute=59, second=30, microsecond=0)

    calls._retry_or_fail(call, "busy", now=evening)

    morning = (evening + timedelta(days=1)).replace(hour=8, minute=0, second=0)
    assert call.state == "scheduled"
    assert call.due_at == morning


def test_news_of_an_earlier_attempt_does_not_touch_the_current_one(client, visit):
    call = placed(visit)

    twilio_fake.signed_post(
        client,
        f"/calls/twilio/{call.pk}/status/",
        {"CallSid": "CA" + "9" * 32, "CallStatus": "completed", "SequenceNumber": "9"},
    )

    call.refresh_from_db()
    assert call.state == "placed"
