"""The customer is told of a booking, a move and a reassignment
(docs/rules.md#booking-notice): one call row written in the change's own
transaction, in the customer's language, due at once but never in quiet hours,
superseded by a later notice while still unsent, and spoken through Twilio
without a keypad menu."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import CompanySettings
from fieldservice.errors import Conflict
from tests import twilio_fake
from tests.factories import CustomerFactory, DispatcherFactory, TechnicianFactory
from visits.calls import scripts
from visits.calls import services as calls
from visits.lifecycle import services
from visits.models import Call, Visit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def quiet_hours(settings):
    settings.CALL_QUIET_HOURS = "21:00-08:00"
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.TRAVEL_BUFFER_MINUTES = 30


@pytest.fixture
def named_technician():
    return TechnicianFactory(first_name="伟", last_name="张")


def in_days(days: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(SHANGHAI).date()
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def book(technician, *, language="zh-hans", at=None, start=None, kind="repair"):
    dispatcher = DispatcherFactory()
    customer = CustomerFactory(language=language)
    order = services.work_order_create(customer=customer, kind=kind, by=dispatcher)
    return services.visit_schedule(
        work_order=order,
        technician=technician,
        appointed_start=start or in_days(3, 14),
        by=dispatcher,
        now=at,
    )


def notices(visit) -> list[tuple[str, datetime]]:
    return list(
        Call.objects.filter(visit=visit, purpose="booking_notice")
        .order_by("id")
        .values_list("state", "due_at")
    )


# --- Written with the booking ------------------------------------------------------


def test_a_booking_writes_a_notice_due_at_once_to_the_customer_in_their_language(
    named_technician,
):
    at = in_days(1, 10, 15)

    visit = book(named_technician, language="en", at=at)

    notice = Call.objects.get(visit=visit, purpose="booking_notice")
    customer = visit.work_order.customer
    assert (notice.state, notice.due_at, notice.to_phone, notice.language) == (
        "scheduled",
        at,
        customer.phone,
        "en",
    )


def test_a_refused_booking_writes_no_notice(named_technician):
    visit = book(named_technician)
    before = list(Call.objects.values_list("id", "state"))

    with pytest.raises(Conflict):
        book(named_technician, start=visit.appointed_start + timedelta(minutes=30))

    assert list(Call.objects.values_list("id", "state")) == before
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("booked_at", "due_at"),
    [
        ((20, 59, 59), (0, 20, 59, 59)),  # the last second before quiet hours
        ((21, 0, 0), (1, 8, 0, 0)),  # quiet hours start: the next morning
        ((23, 30, 0), (1, 8, 0, 0)),
        ((7, 59, 59), (0, 8, 0, 0)),  # still quiet: eight the same morning
        ((8, 0, 0), (0, 8, 0, 0)),  # quiet hours over: at once
    ],
    ids=["20:59:59", "21:00", "23:30", "07:59:59", "08:00"],
)
def test_a_notice_booked_in_quiet_hours_waits_for_their_end(
    named_technician, booked_at, due_at
):
    at = in_days(1, *booked_at)

    visit = book(named_technician, at=at)

    days, hour, minute, second = due_at
    assert notices(visit) == [("scheduled", in_days(1 + days, hour, minute, second))]


def test_quiet_hours_are_those_of_the_customers_time_zone(named_technician):
    at = in_days(1, 20, 30)  # 21:30 in Tokyo

    visit = book(named_technician, at=at)
    customer = visit.work_order.customer
    customer.time_zone = "Asia/Tokyo"
    customer.save(update_fields=["time_zone"])
    Call.objects.all().delete()
    calls.booking_notice_schedule(visit=Visit.objects.get(pk=visit.pk), now=at)

    tokyo = ZoneInfo("Asia/Tokyo")
    tomorrow_eight = datetime.combine(
        (at.astimezone(tokyo) + timedelta(days=1)).date(),
        datetime.min.time().replace(hour=8),
        tzinfo=tokyo,
    )
    assert notices(visit) == [("scheduled", tomorrow_eight)]


# --- A move, a reassignment, and superseding -----------------------------------------


def test_a_move_supersedes_the_unsent_notice_of_the_booking(named_technician):
    visit = book(named_technician)
    [booked] = Call.objects.filter(visit=visit, purpose="booking_notice")

    services.visit_reschedule(
        visit=visit,
        appointed_start=in_days(4, 9),
        by=DispatcherFactory(),
        reason="改约",
    )

    booked.refresh_from_db()
    assert booked.state == "cancelled"
    states = [state for state, _due in notices(visit)]
    assert states.count("scheduled") == 1
    assert states[-1] == "scheduled"


def test_a_reassignment_tells_the_customer_again(named_technician):
    visit = book(named_technician)
    other = TechnicianFactory(first_name="芳", last_name="李")

    services.visit_reassign(
        visit=visit, technician=other, by=DispatcherFactory(), reason="生病"
    )

    states = [state for state, _due in notices(visit)]
    assert states.count("scheduled") == 1
    assert states[-1] == "scheduled"


def test_a_notice_already_made_is_not_cancelled_by_a_later_one(named_technician):
    visit = book(named_technician)
    Call.objects.filter(visit=visit, purpose="booking_notice").update(state="completed")

    services.visit_reschedule(
        visit=visit,
        appointed_start=in_days(4, 9),
        by=DispatcherFactory(),
        reason="改约",
    )

    assert [state for state, _due in notices(visit)] == ["completed", "scheduled"]


def test_a_move_and_a_reassignment_in_one_transaction_leave_one_notice_to_make(
    named_technician,
):
    visit = book(named_technician)
    dispatcher = DispatcherFactory()
    other = TechnicianFactory(first_name="芳", last_name="李")

    with transaction.atomic():
        visit = services.visit_reschedule(
            visit=visit, appointed_start=in_days(4, 9), by=dispatcher, reason="改约"
        )
        services.visit_reassign(
            visit=visit, technician=other, by=dispatcher, reason="换人"
        )

    pending = Call.objects.filter(
        visit=visit, purpose="booking_notice", state__in=["scheduled", "queued"]
    )
    assert pending.count() == 1
    pending.update(state="queued")
    placed = calls.call_place(call_id=pending.get().pk, now=in_days(1, 10))
    assert placed.state == "placed"


def test_a_board_move_to_another_time_and_technician_leaves_one_notice_to_make(
    named_technician,
):
    visit = book(named_technician)
    other = TechnicianFactory(first_name="芳", last_name="李")

    services.visit_move(
        visit=visit,
        by=DispatcherFactory(),
        reason="客户改约，换人",
        appointed_start=in_days(4, 9),
        technician=other,
    )

    states = [state for state, _due in notices(visit)]
    assert states.count("scheduled") == 1
    assert states[-1] == "scheduled"


def test_cancelling_the_visit_cancels_its_unsent_notice(named_technician):
    visit = book(named_technician)

    services.visit_cancel(visit=visit, by=DispatcherFactory(), reason="客户取消")

    assert [state for state, _due in notices(visit)] == ["cancelled"]


def test_a_notice_for_a_visit_no_longer_booked_is_not_placed(named_technician):
    visit = book(named_technician)
    notice = Call.objects.get(visit=visit, purpose="booking_notice")
    Call.objects.filter(pk=notice.pk).update(state="queued")
    Visit.objects.filter(pk=visit.pk).update(state="cancelled")

    result = calls.call_place(call_id=notice.pk, now=in_days(1, 10))

    assert result.state == "skipped"


# --- What it says -------------------------------------------------------------------------


@pytest.fixture
def company(db):
    settings_row = CompanySettings.load()
    settings_row.company_name = "Acme Home"
    settings_row.customer_service_hotline = "10000"
    settings_row.save()
    return settings_row


@pytest.fixture
def twilio(settings, monkeypatch):
    http = twilio_fake.FakeTwilioHttp()
    settings.CALL_PROVIDER = "twilio"
    monkeypatch.setattr("visits.calls.providers.twilio_http", lambda: http)
    return http


@pytest.mark.parametrize(
    ("language", "say_language", "words"),
    [
        (
            "zh-hans",
            "zh-CN",
            "您的维修上门已约在{month}月{day}日14点00分，由装维人员张伟为您服务。"
            "如需改约请拨打客服热线10000。",
        ),
        (
            "en",
            "en-US",
            "Your repair visit is booked for {month_name} {day} at 14:00, "
            "with our technician 张伟. To change the time, call 10000.",
        ),
    ],
)
def test_a_placed_notice_says_the_time_and_the_technician_without_a_menu(
    client, twilio, company, named_technician, language, say_language, words
):
    twilio.replies.append(twilio_fake.created("CA" + "b" * 32))
    start = in_days(3, 14)
    visit = book(named_technician, language=language, start=start)
    notice = Call.objects.get(visit=visit, purpose="booking_notice")
    Call.objects.filter(pk=notice.pk).update(state="queued")

    placed = calls.call_place(call_id=notice.pk, now=in_days(1, 10))
    response = twilio_fake.signed_post(
        client,
        f"/calls/twilio/{notice.pk}/voice/",
        {"CallSid": placed.provider_call_id},
    )

    assert placed.state == "placed"
    [request] = twilio.requests
    assert (
        request["data"]["Url"]
        == f"https://fs.example.com/calls/twilio/{notice.pk}/voice/"
    )
    twiml = response.content.decode()
    expected = words.format(month=start.month, day=start.day, month_name=f"{start:%B}")
    assert expected in twiml
    assert f'language="{say_language}"' in twiml
    assert "<Gather" not in twiml
    assert "<Hangup />" in twiml


def test_a_notice_heard_to_the_end_is_completed_without_a_keypad_outcome(
    client, twilio, company, named_technician
):
    twilio.replies.append(twilio_fake.created("CA" + "d" * 32))
    visit = book(named_technician)
    notice = Call.objects.get(visit=visit, purpose="booking_notice")
    Call.objects.filter(pk=notice.pk).update(state="queued")
    placed = calls.call_place(call_id=notice.pk, now=in_days(1, 10))

    twilio_fake.signed_post(
        client,
        f"/calls/twilio/{notice.pk}/status/",
        {"CallSid": placed.provider_call_id, "CallStatus": "completed"},
    )

    notice.refresh_from_db()
    assert (notice.state, notice.outcome) == ("completed", "")


def test_the_notice_says_the_visit_as_it_stands_when_it_rings(
    client, twilio, company, named_technician
):
    twilio.replies.append(twilio_fake.created("CA" + "c" * 32))
    visit = book(named_technician, language="en")
    other = TechnicianFactory(first_name="Emily", last_name="Carter")
    services.visit_reassign(
        visit=visit, technician=other, by=DispatcherFactory(), reason="sick"
    )
    notice = Call.objects.get(visit=visit, purpose="booking_notice", state="scheduled")
    Call.objects.filter(pk=notice.pk).update(state="queued")

    placed = calls.call_place(call_id=notice.pk, now=in_days(1, 10))
    twiml = twilio_fake.signed_post(
        client,
        f"/calls/twilio/{notice.pk}/voice/",
        {"CallSid": placed.provider_call_id},
    ).content.decode()

    assert "with our technician Emily Carter." in twiml


def test_the_notice_script_in_each_language():
    appointed = datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI)

    chinese = scripts.booking_notice(
        company="华信宽带",
        hotline="10000",
        appointed=appointed,
        kind="installation",
        technician="张伟",
        language="zh-hans",
        tz=SHANGHAI,
    )
    english = scripts.booking_notice(
        company="Acme Home",
        hotline="10000",
        appointed=appointed,
        kind="installation",
        technician="Emily Carter",
        language="en",
        tz=SHANGHAI,
    )

    assert chinese == (
        "您好，这里是华信宽带客服中心。您的安装上门已约在12月7日9点30分，"
        "由装维人员张伟为您服务。如需改约请拨打客服热线10000。感谢您的接听，再见。"
    )
    assert english == (
        "Hello, this is Acme Home customer service. Your installation visit is "
        "booked for December 7 at 9:30, with our technician Emily Carter. To "
        "change the time, call 10000. Thank you, goodbye."
    )
