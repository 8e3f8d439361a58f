"""The console's queues and a visit's page in a real Chromium: a complaint
answered from its queue stops its first-response clock, a manual call-back
recorded from the failed-calls queue, the visit page's signing link with its QR
code, cancelling from the visit page; accessibility and screenshots."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, screenshot, sign_in_to_console
from tests.browser.test_signing_page import work_done_visit
from tests.factories import DispatcherFactory, TechnicianFactory
from tests.visits.checklists.checklist_helpers import book
from tests.visits.console.test_queues import complaint_at, contested_item, failed_call
from visits.models import Complaint, Visit, VisitEvent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

TIMEOUT = 15000


def test_a_complaint_answered_from_its_queue_stops_its_first_response_clock(
    desktop, live_server
):
    dispatcher = DispatcherFactory()
    now = timezone.now()
    due_soon = complaint_at(book(TechnicianFactory()), now - timedelta(hours=40))
    complaint_at(book(TechnicianFactory()), now - timedelta(hours=50))
    call = failed_call(book(TechnicianFactory()), purpose="follow_up")
    contested_item(book(TechnicianFactory()), 1)
    page = desktop()

    sign_in_to_console(page, live_server, dispatcher, "/console/queues/")
    row = page.locator(f"#complaint-{due_soon.id}")
    row.wait_for(timeout=TIMEOUT)
    clock = row.locator("[data-clock=first_response]")
    assert clock.get_attribute("data-status") == "due_soon"
    assert "即将到期" in clock.inner_text()
    assert "剩余 7 小时" in clock.inner_text()
    overdue_tab = page.locator("#tab-complaints .count.overdue")
    assert overdue_tab.inner_text() == "1 条已超时"
    assert axe_violations(page) == []
    screenshot(page, "console-queues-zh")

    # A blank answer is refused in place with the server's words; nothing written.
    row.locator("textarea[name=text]").fill("   ")
    row.locator("button[type=submit]").click()
    refusal = row.locator(".refusal")
    refusal.wait_for(timeout=TIMEOUT)
    assert refusal.inner_text() == "该字段不能为空。"
    due_soon.refresh_from_db()
    assert due_soon.first_responded_at is None

    row.locator("textarea[name=text]").fill("已致电客户并道歉")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(
        f"#complaint-{due_soon.id}[data-state=responded] [data-clock=first_response][data-status=met]",
        timeout=TIMEOUT,
    )
    due_soon.refresh_from_db()
    assert due_soon.first_responded_at is not None
    assert due_soon.response == "已致电客户并道歉"
    assert (
        "已达标"
        in page.locator(
            f"#complaint-{due_soon.id} [data-clock=first_response]"
        ).inner_text()
    )

    # The failed follow-up call: called back by hand, rated 1.
    page.click("#tab-failed_calls")
    call_row = page.locator(f"#call-{call.id}")
    call_row.wait_for(timeout=TIMEOUT)
    call_row.locator("select[name=outcome]").select_option("rated")
    call_row.locator("select[name=rating]").select_option("1")
    call_row.locator("textarea[name=note]").fill("客户不满意")
    call_row.locator("button[type=submit]").click()
    call_row.wait_for(state="detached", timeout=TIMEOUT)
    call.refresh_from_db()
    assert (call.call_back_outcome, call.rating, call.called_back_by) == (
        "rated",
        1,
        dispatcher,
    )
    assert Complaint.objects.filter(call=call, source="follow_up_rating").exists()
    assert page.locator("#tab-failed_calls .count").inner_text() == "0"
    assert page.script_errors == []


def test_the_visit_page_makes_a_signing_link_with_its_qr_and_cancels_a_visit(
    desktop, live_server, api
):
    dispatcher = DispatcherFactory()
    technician = TechnicianFactory()
    done = work_done_visit(api, technician)
    page = desktop("en-US")

    sign_in_to_console(page, live_server, dispatcher, f"/console/visits/{done.id}/")
    page.wait_for_selector(".visit-evidence", timeout=TIMEOUT)
    assert page.locator(".thumbnail").count() > 0
    assert page.locator("[data-action=cancel]").count() == 0  # work done: no cancel
    page.click("[data-action=sign-off-link] button[type=submit]")
    page.wait_for_selector(".sign-link svg.qr", timeout=TIMEOUT)
    url = page.locator(".sign-url").inner_text()
    assert url.startswith(f"{live_server.url}/sign/")
    assert page.locator(".sign-link svg.qr path").get_attribute("d")
    assert "Valid until" in page.locator(".sign-link").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "console-visit-en")

    booked = book(technician, minutes_ahead=120)
    page.goto(f"{live_server.url}/console/visits/{booked.id}/")
    page.wait_for_selector("[data-action=cancel]", timeout=TIMEOUT)
    assert page.locator("[data-action=sign-off-link]").count() == 0
    page.fill("[data-action=cancel] textarea[name=reason]", "Customer moved house")
    page.click("[data-action=cancel] button[type=submit]")
    page.wait_for_selector(".visit-evidence[data-state=cancelled]", timeout=TIMEOUT)
    booked.refresh_from_db()
    assert booked.state == "cancelled"
    assert VisitEvent.objects.filter(visit=booked, kind="cancel").exists()
    assert page.locator("[data-action=cancel]").count() == 0
    assert Visit.objects.get(pk=done.pk).state == "work_done"
    assert page.script_errors == []
