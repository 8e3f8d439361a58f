"""The rules hold when a call would ring, not only when it was scheduled:
quiet hours on the customer's clock (a scan that runs late rings nobody at
21:10), superseded reminders are skipped, and a retried call starts clean."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import twilio_fake
from tests.visits.checklists.checklist_helpers import book
from visits.calls import services as calls
from visits.models import Call, CallWebhook

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def quiet_hours(settings):
    settings.CALL_QUIET_HOURS = "21:00-08:00"
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def twilio(settings, monkeypatch):
    http = twilio_fake.FakeTwilioHttp()
    settings.CALL_PROVIDER = "twilio"
    monkeypatch.setattr("visits.calls.providers.twilio_http", lambda: http)
    return http


@pytest.fixture
def visit(technician):
    """A visit three days ahead at about 14:00, whatever the hour the suite
    runs at, so both reminders fall outside the quiet hours."""
    now = timezone.now()
    afternoon = on_clock(now + timedelta(days=3), 14, 0)
    visit = book(technician, minutes_ahead=int((afternoon - now).total_seconds() // 60))
    # Its booking notice, due at once, is left out: these tests place reminders.
    Call.objects.filter(visit=visit, purpose="booking_notice").delete()
    return visit


def claim(call: Call) -> Call:
    Call.objects.filter(pk=call.pk).update(state="queued", claimed_at=timezone.now())
    return call


def reminder(visit, purpose="reminder_before_arrival") -> Call:
    return Call.objects.get(visit=visit, purpose=purpose)


def on_clock(day: datetime, hour, minute, second=0, tz=SHANGHAI) -> datetime:
    """`day`'s date at hour:minute:second on the clock of `tz`."""
    return datetime.combine(
        day.astimezone(tz).date(),
        datetime.min.time().replace(hour=hour, minute=minute, second=second),
        tzinfo=tz,
    )


def tomorrow() -> datetime:
    return timezone.now() + timedelta(days=1)


# --- Quiet hours at placing time ------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "second"), [(21, 0, 0), (21, 10, 0), (7, 59, 59)]
)
def test_a_call_placed_in_quiet_hours_waits_for_eight_and_rings_nobody(
    visit, twilio, hour, minute, second
):
    call = claim(reminder(visit))
    late = on_clock(tomorrow(), hour, minute, second)

    result = calls.call_place(call_id=call.pk, now=late)

    morning = on_clock(late, 8, 0) + (timedelta(days=1) if hour >= 21 else timedelta())
    assert (result.state, result.due_at, result.claimed_at) == (
        "scheduled",
        morning,
        None,
    )
    assert result.attempts == 0
    assert twilio.requests == []


@pytest.mark.parametrize(("hour", "minute", "second"), [(20, 59, 59), (8, 0, 0)])
def test_a_call_placed_just_outside_quiet_hours_rings(
    visit, twilio, hour, minute, second
):
    twilio.replies.append(twilio_fake.created())
    call = claim(reminder(visit))

    result = calls.call_place(
        call_id=call.pk, now=on_clock(tomorrow(), hour, minute, second)
    )

    assert result.state == "placed"
    assert len(twilio.requests) == 1


def test_quiet_hours_are_those_of_the_customers_time_zone(visit, twilio):
    customer = visit.work_order.customer
    customer.time_zone = "Asia/Tokyo"  # an hour ahead of Beijing
    customer.save(update_fields=["time_zone"])
    call = claim(reminder(visit))
    eight_pm_in_beijing = on_clock(tomorrow(), 20, 30)

    result = calls.call_place(call_id=call.pk, now=eight_pm_in_beijing)

    tokyo = ZoneInfo("Asia/Tokyo")
    assert result.state == "scheduled"
    assert result.due_at == on_clock(eight_pm_in_beijing, 8, 0, tz=tokyo) + timedelta(
        days=1
    )
    assert twilio.requests == []


def test_a_day_before_reminder_caught_by_quiet_hours_is_skipped(visit, twilio):
    call = claim(reminder(visit, "reminder_day_before"))
    evening_before = on_clock(visit.appointed_start - timedelta(days=1), 21, 10)

    result = calls.call_place(call_id=call.pk, now=evening_before)

    assert result.state == "skipped"
    assert "too late" in result.last_error
    assert twilio.requests == []


def test_a_reminder_that_would_wait_past_the_visit_is_skipped(visit, twilio):
    early = on_clock(visit.appointed_start, 7, 0)
    visit.__class__.objects.filter(pk=visit.pk).update(
        appointed_start=early + timedelta(minutes=30)
    )
    call = claim(reminder(visit))

    result = calls.call_place(call_id=call.pk, now=early)

    assert result.state == "skipped"
    assert twilio.requests == []


# --- Claiming -----------------------------------------------------------------------


def test_a_scan_claims_a_call_when_it_is_due_and_not_a_second_before(visit):
    call = Call.objects.get(visit=visit, purpose="reminder_before_arrival")
    claimed: list[int] = []

    calls.calls_claim_due(
        on_claimed=claimed.extend, now=call.due_at - timedelta(seconds=1)
    )
    assert call.pk not in claimed
    calls.calls_claim_due(on_claimed=claimed.extend, now=call.due_at)

    assert call.pk in claimed
    call.refresh_from_db()
    assert (call.state, call.claimed_at) == ("queued", call.due_at)


# --- Superseded reminders --------------------------------------------------------


def test_a_late_worker_rings_only_the_latest_due_reminder_of_a_visit(visit, twilio):
    twilio.replies.append(twilio_fake.created())
    half_an_hour_before = visit.appointed_start - timedelta(minutes=30)
    claimed = []

    calls.calls_claim_due(on_claimed=claimed.extend, now=half_an_hour_before)
    results = {
        call.purpose: call
        for call in (
            calls.call_place(call_id=call_id, now=half_an_hour_before)
            for call_id in claimed
        )
    }

    assert len(claimed) == 2
    assert results["reminder_day_before"].state == "skipped"
    assert "later reminder" in results["reminder_day_before"].last_error
    assert results["reminder_before_arrival"].state == "placed"
    assert len(twilio.requests) == 1


def later_reminder_the_evening_before(visit) -> Call:
    later = reminder(visit)
    later.due_at = on_clock(visit.appointed_start - timedelta(days=1), 19, 0)
    later.save(update_fields=["due_at"])
    return later


def test_a_reminder_is_not_superseded_by_one_not_yet_due(visit, twilio):
    twilio.replies.append(twilio_fake.created())
    call = claim(reminder(visit, "reminder_day_before"))
    later = later_reminder_the_evening_before(visit)

    result = calls.call_place(call_id=call.pk, now=later.due_at - timedelta(seconds=1))

    assert result.state == "placed"


def test_a_cancelled_later_reminder_supersedes_nothing(visit, twilio):
    twilio.replies.append(twilio_fake.created())
    call = claim(reminder(visit, "reminder_day_before"))
    later = later_reminder_the_evening_before(visit)
    Call.objects.filter(pk=later.pk).update(state="cancelled")

    result = calls.call_place(call_id=call.pk, now=later.due_at)

    assert result.state == "placed"


# --- A retried call starts clean -------------------------------------------------


def test_a_retried_call_starts_without_the_previous_attempts_outcome(
    client, visit, twilio
):
    twilio.replies.extend(
        [twilio_fake.created("CA" + "1" * 32), twilio_fake.created("CA" + "2" * 32)]
    )
    noon = on_clock(tomorrow(), 12, 0)
    call = claim(reminder(visit))
    calls.call_place(call_id=call.pk, now=noon)
    twilio_fake.signed_post(
        client,
        f"/calls/twilio/{call.pk}/status/",
        {"CallSid": "CA" + "1" * 32, "CallStatus": "busy", "SequenceNumber": "1"},
    )
    Call.objects.filter(pk=call.pk).update(digits="9", rating=None)
    claim(call)

    retried = calls.call_place(call_id=call.pk, now=noon + timedelta(minutes=5))

    assert (
        retried.state,
        retried.attempts,
        retried.outcome,
        retried.digits,
        retried.last_error,
        retried.rating,
        retried.something_wrong,
    ) == ("placed", 2, "", "", "", None, None)
    # the hang-up without a key is "no valid input", not the first attempt's "busy"
    twilio_fake.signed_post(
        client,
        f"/calls/twilio/{call.pk}/status/",
        {"CallSid": "CA" + "2" * 32, "CallStatus": "completed", "SequenceNumber": "2"},
    )
    retried.refresh_from_db()
    assert (retried.state, retried.outcome) == ("completed", "no_valid_input")
    # the first attempt's record is kept
    assert CallWebhook.objects.filter(
        call=call, payload__request__CallStatus="busy"
    ).exists()
