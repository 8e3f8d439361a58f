"""The booking assistant in a real Chromium at a desktop's size: from the
customer search to a booked visit (and its notice call), and a refused booking
from a stale list of technicians shown in place with nothing booked."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.browser.conftest import (
    TABLET,
    axe_violations,
    horizontal_overflow,
    screenshot,
    sign_in_to_console,
)
from tests.factories import (
    CustomerFactory,
    DispatcherFactory,
    TechnicianFactory,
    WorkOrderFactory,
)
from visits.lifecycle import services
from visits.models import Call, Visit, WorkOrder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIMEOUT = 15000


def day_after_tomorrow():
    return (timezone.now() + timedelta(days=2)).astimezone(SHANGHAI).date()


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def people(settings):
    settings.TRAVEL_BUFFER_MINUTES = 30
    day = day_after_tomorrow()
    free = TechnicianFactory(first_name="伟", last_name="张")
    busy = TechnicianFactory(first_name="娜", last_name="李")
    services.visit_schedule(
        work_order=WorkOrderFactory(),
        technician=busy,
        appointed_start=at(day, 14, 30),
        by=DispatcherFactory(),
    )
    customer = CustomerFactory(
        name="王小明", phone="+8613912345678", address="武汉市江汉路1号"
    )
    return {"day": day, "free": free, "busy": busy, "customer": customer}


def choose_window(page, day, time="14:00", minutes="60"):
    page.fill("#window-date", day.isoformat())
    page.fill("#window-time", time)
    page.fill("#window-minutes", minutes)
    page.click("#window-form button[type=submit]")
    page.wait_for_selector("#candidates:not([hidden]) tbody tr", timeout=TIMEOUT)


def test_from_customer_search_to_a_booked_visit_and_its_notice(
    desktop, live_server, people
):
    dispatcher = DispatcherFactory()
    page = desktop()
    sign_in_to_console(page, live_server, dispatcher, "/console/book/")

    # 1. the customer, found by part of the phone number
    page.fill("#customer-query", "139 1234")
    page.click("#customer-search button[type=submit]")
    page.click(".customer-match button", timeout=TIMEOUT)
    assert "王小明" in page.inner_text("#customer-chosen")

    # 2. a new work order for them
    page.click("#work-order-new summary")
    page.select_option("#work-order-kind", "repair")
    page.fill("#work-order-description", "宽带无信号")
    page.click("#work-order-form button[type=submit]")
    page.wait_for_selector("#work-orders input[type=radio]:checked", timeout=TIMEOUT)
    order = WorkOrder.objects.get(customer=people["customer"])
    assert order.description == "宽带无信号"

    # 3. the wished time, 4. the technicians: the free one first, the busy one
    # with the clash explained
    choose_window(page, people["day"])
    rows = page.locator("#candidates tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-free") == "yes"
    assert "张伟" in rows.nth(0).inner_text()
    assert rows.nth(1).get_attribute("data-free") == "no"
    assert "14:30" in rows.nth(1).inner_text()
    assert axe_violations(page) == []
    screenshot(page, "console-booking-zh")

    # 5. booked with one click
    rows.nth(0).locator("button").click()
    page.wait_for_selector("#result-step:not([hidden])", timeout=TIMEOUT)

    visit = Visit.objects.get(work_order=order)
    assert visit.technician == people["free"]
    assert visit.appointed_start == at(people["day"], 14)
    assert visit.expected_duration_minutes == 60
    notice = Call.objects.get(visit=visit, purpose="booking_notice")
    assert (notice.state, notice.to_phone) == ("scheduled", "+8613912345678")
    assert str(visit) in page.inner_text("#result-text")
    assert page.get_attribute("#result-link", "href") == (
        f"/console/?day={people['day'].isoformat()}&visit={visit.id}"
    )
    assert axe_violations(page) == []
    assert page.script_errors == []


def test_a_booking_refused_for_a_stale_list_says_why_and_books_nothing(
    desktop, live_server, people
):
    dispatcher = DispatcherFactory()
    order = WorkOrderFactory(customer=people["customer"], description="换光猫")
    page = desktop("en-US", **TABLET)
    # The day board's tray links here with the work order preselected.
    sign_in_to_console(
        page, live_server, dispatcher, f"/console/book/?work_order={order.id}"
    )
    page.wait_for_selector(f"#work-order-{order.id}:checked", timeout=TIMEOUT)
    # A window in the past is refused where it was typed.
    yesterday = people["day"] - timedelta(days=3)
    page.fill("#window-date", yesterday.isoformat())
    page.click("#window-form button[type=submit]")
    page.wait_for_selector("#window-refusal:not([hidden])", timeout=TIMEOUT)
    assert "must be in the future" in page.inner_text("#window-refusal")
    choose_window(page, people["day"], time="15:00", minutes="45")
    assert page.locator("#window-refusal").is_hidden()
    free_row = page.locator("#candidates tbody tr[data-free=yes]").first
    assert "张伟" in free_row.inner_text()

    # Meanwhile another dispatcher gives that technician a visit at 15:20.
    taken = services.visit_schedule(
        work_order=WorkOrderFactory(),
        technician=people["free"],
        appointed_start=at(people["day"], 15, 20),
        by=DispatcherFactory(),
    )
    free_row.locator("button").click()
    page.wait_for_selector("#booking-refusal:not([hidden])", timeout=TIMEOUT)

    message = page.inner_text("#booking-refusal")
    assert "already has visit" in message
    assert str(taken) in message
    assert not Visit.objects.filter(work_order=order).exists()
    assert page.locator("#result-step").is_hidden()
    # nothing typed is lost
    assert page.input_value("#window-time") == "15:00"
    assert page.input_value("#window-minutes") == "45"
    assert page.is_checked(f"#work-order-{order.id}")
    screenshot(page, "console-booking-refused-tablet")
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []
    assert page.script_errors == []
