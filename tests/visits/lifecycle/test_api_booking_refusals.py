"""Bad input on booking (POST /api/v1/visits/) and on opening a work order
(POST /api/v1/work-orders/): each a 4xx with a code and a message in the
caller's language, and nothing written (no work order, visit, event or call)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import TechnicianProfile
from tests.factories import (
    CustomerFactory,
    CustomerUserFactory,
    TechnicianFactory,
    WorkOrderFactory,
)
from visits.lifecycle import services
from visits.models import Call, Visit, VisitEvent, WorkOrder

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]


def rows() -> dict[str, int]:
    return {
        "work orders": WorkOrder.objects.count(),
        "visits": Visit.objects.count(),
        "events": VisitEvent.objects.count(),
        "calls": Call.objects.count(),
    }


def day_after_tomorrow_at(hour: int, minute: int = 0):
    local = timezone.localtime(timezone.now() + timedelta(days=2))
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


@pytest.fixture
def booked(dispatcher, technician):
    """The technician's visit 10:00-11:00 the day after tomorrow."""
    return services.visit_schedule(
        work_order=WorkOrderFactory(),
        technician=technician,
        appointed_start=day_after_tomorrow_at(10),
        by=dispatcher,
    )


def inactive_technician():
    user = TechnicianFactory()
    TechnicianProfile.objects.filter(user=user).update(is_active=False)
    return user


def post(api, dispatcher, path, body, language):
    return api.as_user(dispatcher).post(
        path, body, format="json", HTTP_ACCEPT_LANGUAGE=language
    )


# Each case: what changes in a good booking, the status, the code, the field
# named (for input the serializer refuses), and the message in each language.
BOOKING_REFUSALS = {
    "in-the-past": (
        lambda t: {
            "appointed_start": (timezone.now() - timedelta(hours=1)).isoformat()
        },
        400,
        "appointment_in_past",
        None,
        {
            "en": "The appointed start must be in the future.",
            "zh-hans": "预约开始时间必须晚于当前时间。",
        },
    ),
    "zero-minutes": (
        lambda t: {"expected_duration_minutes": 0},
        400,
        "invalid",
        "expected_duration_minutes",
        None,
    ),
    "negative-minutes": (
        lambda t: {"expected_duration_minutes": -30},
        400,
        "invalid",
        "expected_duration_minutes",
        None,
    ),
    "absurd-minutes": (
        lambda t: {"expected_duration_minutes": 100_000},
        400,
        "invalid",
        "expected_duration_minutes",
        None,
    ),
    "unknown-technician": (
        lambda t: {"technician": 987_654},
        400,
        "invalid",
        "technician",
        None,
    ),
    "naive-time": (
        lambda t: {
            "appointed_start": day_after_tomorrow_at(14)
            .replace(tzinfo=None)
            .isoformat()
        },
        400,
        "invalid",
        "appointed_start",
        {
            "en": "appointed_start: Give the time with its offset from UTC, for "
            "example 2026-11-24T09:30:00+08:00.",
            "zh-hans": "appointed_start: 请带上与 UTC 的时差填写时间，例如 "  # noqa: RUF001
            "2026-11-24T09:30:00+08:00。",
        },
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("change", "status", "code", "field", "messages"),
    BOOKING_REFUSALS.values(),
    ids=BOOKING_REFUSALS.keys(),
)
def test_bad_booking_input_is_refused_and_writes_nothing(
    api, dispatcher, technician, change, status, code, field, messages, language
):
    order = WorkOrderFactory()
    body = {
        "work_order": order.id,
        "technician": technician.id,
        "appointed_start": day_after_tomorrow_at(14).isoformat(),
        "expected_duration_minutes": 60,
        **change(technician),
    }
    before = rows()

    response = post(api, dispatcher, "/api/v1/visits/", body, language)

    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    if field:
        assert list(response.json()["fields"]) == [field]
    if messages:
        assert response.json()["detail"] == messages[language]
    assert rows() == before


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("make_user", "code", "messages"),
    [
        (
            inactive_technician,
            "technician_inactive",
            {"en": "is not an active technician.", "zh-hans": "不是在岗的装维人员"},
        ),
        (
            CustomerUserFactory,
            "not_a_technician",
            {"en": "is not a technician.", "zh-hans": "不是装维人员"},
        ),
    ],
    ids=["inactive-technician", "customer-user"],
)
def test_booking_someone_who_cannot_be_booked_says_why(
    api, dispatcher, make_user, code, messages, language
):
    user = make_user()
    body = {
        "work_order": WorkOrderFactory().id,
        "technician": user.id,
        "appointed_start": day_after_tomorrow_at(14).isoformat(),
    }
    before = rows()

    response = post(api, dispatcher, "/api/v1/visits/", body, language)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert messages[language] in response.json()["detail"]
    assert rows() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_booking_a_dispatcher_as_the_technician_says_they_are_not_one(
    api, dispatcher, language
):
    body = {
        "work_order": WorkOrderFactory().id,
        "technician": dispatcher.id,
        "appointed_start": day_after_tomorrow_at(14).isoformat(),
    }
    before = rows()

    response = post(api, dispatcher, "/api/v1/visits/", body, language)

    assert response.status_code == 400
    assert response.json()["code"] == "not_a_technician"
    assert rows() == before


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("hour", "minute", "code", "words"),
    [
        (10, 30, "technician_busy", {"en": "already has visit", "zh-hans": "已有上门"}),
        (
            11,
            29,
            "travel_buffer",
            {"en": "must be left between visits for travel", "zh-hans": "路途时间"},
        ),
        (
            8,
            31,
            "travel_buffer",
            {"en": "must be left between visits for travel", "zh-hans": "路途时间"},
        ),
    ],
    ids=["overlap", "too-soon-after", "too-close-before"],
)
def test_a_clash_with_the_technicians_day_is_a_409_naming_the_visit(
    api, dispatcher, technician, booked, hour, minute, code, words, language
):
    body = {
        "work_order": WorkOrderFactory().id,
        "technician": technician.id,
        "appointed_start": day_after_tomorrow_at(hour, minute).isoformat(),
        "expected_duration_minutes": 60,
    }
    before = rows()

    response = post(api, dispatcher, "/api/v1/visits/", body, language)

    assert response.status_code == 409
    answer = response.json()
    assert answer["code"] == code
    assert words[language] in answer["detail"]
    assert str(booked) in answer["detail"]
    assert answer["clash"]["visit"] == booked.pk
    assert answer["clash"]["kind"] == code.replace("technician_busy", "overlap")
    assert rows() == before


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda: {"customer": 987_654}, "invalid", "customer"),
        (lambda: {"kind": "demolition"}, "invalid", "kind"),
        (lambda: {"area_tier": "moon"}, "invalid_area_tier", None),
        (lambda: {"description": "x" * 2001}, "invalid", "description"),
    ],
    ids=["unknown-customer", "unknown-kind", "unknown-area-tier", "long-description"],
)
def test_bad_work_order_input_is_refused_and_writes_nothing(
    api, dispatcher, change, code, field, language
):
    body = {"customer": CustomerFactory().id, "kind": "repair", **change()}
    before = rows()

    response = post(api, dispatcher, "/api/v1/work-orders/", body, language)

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    if field:
        assert list(response.json()["fields"]) == [field]
    assert rows() == before


def test_a_refusal_is_told_in_the_callers_language(api, dispatcher, technician):
    body = {
        "work_order": WorkOrderFactory().id,
        "technician": technician.id,
        "appointed_start": day_after_tomorrow_at(14).isoformat(),
        "expected_duration_minutes": 0,
    }

    english = post(api, dispatcher, "/api/v1/visits/", body, "en").json()
    chinese = post(api, dispatcher, "/api/v1/visits/", body, "zh-hans").json()

    assert english["detail"] == (
        "expected_duration_minutes: Ensure this value is greater than or equal to 5."
    )
    assert chinese["detail"] != english["detail"]
    assert chinese["detail"].startswith("expected_duration_minutes: ")
