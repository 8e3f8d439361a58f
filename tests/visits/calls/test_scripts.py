"""What every call says, in full, for every purpose and both languages: one
language only, sentences spaced (English) or full-width punctuated (Chinese),
and the appointed time on the customer's clock. Through the real webhooks, so
the keypad menus and spoken replies are covered too."""

import re
from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from accounts.models import CompanySettings
from tests import twilio_fake
from tests.factories import CustomerFactory, DispatcherFactory
from visits.calls import services as calls
from visits.lifecycle import services
from visits.models import Call

pytestmark = pytest.mark.django_db

HANZI = re.compile(r"[\u3400-\u9fff]")
RUN_TOGETHER = re.compile(r"[.,;:!?][^\s\d]|\s{2}|\s[.,;:!?]")
ASCII_PUNCTUATION = re.compile(r"[,.;:()?!]")
# 14:30 in Shanghai is 12:30 in Urumqi, where this customer lives.
APPOINTED = datetime(2031, 3, 5, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def visit_for(language: str, kind: str = "repair"):
    customer = CustomerFactory(language=language, time_zone="Asia/Urumqi")
    dispatcher = DispatcherFactory()
    order = services.work_order_create(customer=customer, kind=kind, by=dispatcher)
    from tests.factories import TechnicianFactory

    return services.visit_schedule(
        work_order=order,
        technician=TechnicianFactory(),
        appointed_start=APPOINTED,
        by=dispatcher,
    )


def spoken(response) -> list[str]:
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [element.text or "" for element in root.iter("Say")]


def post(client, call, path, data):
    return twilio_fake.signed_post(
        client, f"/calls/twilio/{call.pk}/{path}", {"CallSid": "CA1", **data}
    )


def everything_said(client, call) -> list[str]:
    """Each menu and reply of the call: the opening, a wrong key, then every
    answer the menus take."""
    texts = [calls.opening_text(call)]
    texts += spoken(post(client, call, "voice/", {}))
    if call.purpose == "follow_up":
        steps = [
            ("rating", 1, "9"),
            ("rating", 2, "9"),
            ("rating", 1, "2"),
            ("problem", 1, "9"),
            ("problem", 2, "9"),
            ("problem", 1, "1"),
            ("problem", 1, "2"),
        ]
    else:
        steps = [("confirm", 1, "9"), ("confirm", 2, "9"), ("confirm", 1, "1")]
        steps += [("confirm", 1, "2")]
    for number, (step, attempt, digits) in enumerate(steps):
        texts += spoken(
            twilio_fake.signed_post(
                client,
                f"/calls/twilio/{call.pk}/gather/{step}/{attempt}/",
                {"CallSid": f"CA{number}", "Digits": digits},
            )
        )
    return texts


def call_of(visit, purpose: str) -> Call:
    if purpose == "follow_up":
        return calls.follow_up_schedule(visit=visit, signed_at=APPOINTED)
    return Call.objects.get(visit=visit, purpose=purpose)


PURPOSES = ["reminder_day_before", "reminder_before_arrival", "follow_up"]


@pytest.mark.parametrize("kind", ["repair", "installation"])
@pytest.mark.parametrize("purpose", PURPOSES)
def test_an_english_speaking_customer_hears_english_only(client, purpose, kind):
    CompanySettings.objects.update_or_create(
        id=CompanySettings.SINGLETON_ID,
        defaults={
            "company_name": "华安装维",  # a Chinese name is not read out in English
            "customer_service_hotline": "10000",
            "arrival_tolerance_minutes": 10,
        },
    )
    call = call_of(visit_for("en", kind), purpose)

    texts = everything_said(client, call)

    assert len(texts) > 5
    for text in texts:
        assert not HANZI.search(text), text
        assert not RUN_TOGETHER.search(text), text
        assert text == text.strip()


@pytest.mark.parametrize("kind", ["repair", "installation"])
@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_chinese_speaking_customer_hears_chinese_with_full_width_punctuation(
    client, purpose, kind
):
    call = call_of(visit_for("zh-hans", kind), purpose)

    texts = everything_said(client, call)

    assert len(texts) > 5
    for text in texts:
        assert HANZI.search(text), text
        assert not ASCII_PUNCTUATION.search(text), text
        assert not re.search(r"[A-Za-z]{2,}", text.replace("fieldservice", "")), text


def test_the_english_reminder_in_full_with_the_customers_local_time():
    call = call_of(visit_for("en"), "reminder_before_arrival")

    assert calls.opening_text(call) == (
        "Hello, this is fieldservice customer service. We will be with you on "
        "time, on March 5 at 12:30, for your repair. To confirm, press 1. To ask "
        "for a new time, press 2."
    )


def test_the_chinese_reminder_in_full_with_the_customers_local_time():
    call = call_of(visit_for("zh-hans", "installation"), "reminder_day_before")

    assert calls.opening_text(call) == (
        "您好，这里是fieldservice客服中心。我们会按照您约定的3月5日12点30分，"
        "准时到您那里安装。确认时间请按1，需要改约请按2。"
    )


def test_a_wrong_key_is_answered_in_separate_sentences(client):
    call = call_of(visit_for("en"), "reminder_before_arrival")

    [text] = spoken(
        twilio_fake.signed_post(
            client,
            f"/calls/twilio/{call.pk}/gather/confirm/2/",
            {"CallSid": "CA1", "Digits": "7"},
        )
    )

    assert text == (
        "Sorry, that was not one of the choices. If you need us, call 10000. "
        "Thank you, goodbye."
    )
