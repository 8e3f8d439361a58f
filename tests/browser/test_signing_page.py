"""The customer's signing page in a real Chromium on a 360 px phone with touch:
the work summary and the photos before the questions, big yes/no choices, a
finger signature on the shared pad, the checks in place, the explanation after
signing; in Chinese and in English, without sideways scrolling, axe-clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations, horizontal_overflow, screenshot
from tests.factories import CustomerFactory, DispatcherFactory
from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    book,
    start_work,
)
from visits.lifecycle import services
from visits.models import SignOff, SignOffLink

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

LONG_NAME = "Maximilian Alexander Featherstonehaugh-Worthington"
LONG_ADDRESS = (
    "Flat 2304, Tower B, International Financial Centre Residences, "
    "No. 1888 Zhongbei Road Extension, Wuchang District, Wuhan, Hubei"
)


def work_done_visit(api, technician, *, customer=None):
    """A repair whose work is done and whose checklist (photos included) is
    complete, through the API as the phone does it."""
    if customer is None:
        visit = book(technician)
    else:
        order = services.work_order_create(
            customer=customer,
            kind="repair",
            description="Fibre broadband drops every evening",
            by=DispatcherFactory(),
        )
        visit = services.visit_schedule(
            work_order=order,
            technician=technician,
            appointed_start=timezone.now() + timedelta(minutes=1),
            by=DispatcherFactory(),
        )
    api.as_user(technician)
    start_work(api, visit)
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    return visit


def open_link(page, live_server, api, visit, query=""):
    link = api.post(f"/api/v1/visits/{visit.id}/sign-off-links/").json()["url"]
    path = link.split("testserver", 1)[1]
    page.goto(live_server.url + path + query)
    page.wait_for_selector(".signing-form fieldset.question")
    return path


def draw_with_finger(page):
    """A stroke of touch points on the signature pad (Chrome's touch input)."""
    pad = page.locator(".signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    session = page.context.new_cdp_session(page)
    points = [
        (box["x"] + 30 + step * 25, box["y"] + 120 - (step % 3) * 40)
        for step in range(12)
    ]
    for index, (x, y) in enumerate(points):
        kind = "touchStart" if index == 0 else "touchMove"
        session.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": x, "y": y}]},
        )
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def answer_all_yes_but(page, code, comment):
    for row in page.locator("fieldset.question").all():
        row.locator(".signing-choice:has(input[value=yes])").click()
    contested = page.locator(f"fieldset.question[data-code={code}]")
    contested.locator(".signing-choice:has(input[value=no])").click()
    contested.locator("textarea.comment").fill(comment)


def choice_heights(page) -> list[float]:
    return [
        label.bounding_box()["height"]
        for label in page.locator(".signing-choice").all()
    ]


def test_a_customer_signs_on_their_own_phone_in_chinese(
    live_server, api, technician, phone
):
    visit = work_done_visit(api, technician)
    page = phone("zh-CN")
    open_link(page, live_server, api, visit)

    summary = page.locator(".signing-summary").inner_text()
    thumbnails = page.locator(".signing-thumb img")
    thumbnails.first.wait_for()
    photo_count = thumbnails.count()
    loaded = page.evaluate(
        "[...document.querySelectorAll('.signing-thumb img')]"
        ".map((img) => img.complete && img.naturalWidth > 0)"
    )
    overflow_form = horizontal_overflow(page)
    heights = choice_heights(page)
    form_violations = axe_violations(page)
    screenshot(page, "sign-form-zh")
    # Tap a photo: it opens larger; close it again.
    page.locator(".signing-thumb").first.click()
    opened = page.locator(".signing-photo-view").is_visible()
    page.locator(".signing-photo-view button").click()

    answer_all_yes_but(page, "site_clean", "地上有线头")
    page.locator(".signing-submit").click()  # not signed, not agreed: nothing sent
    signature_refusal = page.locator(".signing-signature-error").inner_text()
    consent_refusal = page.locator(".signing-consent-error").inner_text()
    nothing_sent = not SignOff.objects.exists()
    draw_with_finger(page)
    page.locator(".signing-consent label").click()
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(".signing-submit").click()
    page.wait_for_selector(".signed")
    signed_text = page.locator(".signed").inner_text()
    signed_violations = axe_violations(page)
    overflow_signed = horizontal_overflow(page)
    screenshot(page, "sign-signed-zh")

    order = visit.work_order
    assert order.number in summary
    assert "修障" in summary
    assert "换了光猫" in summary  # what the technician wrote as the work done
    assert technician.technician_profile.employee_number in summary
    # The three photo items of a city repair: shoe covers, work cloth, clean site.
    assert photo_count == 3
    assert loaded == [True, True, True]
    assert opened is True
    assert overflow_form == 0
    assert heights
    assert min(heights) >= 48
    assert form_violations == []
    assert signature_refusal == "请您先在框内签名。"
    assert consent_refusal == "请勾选同意上述声明。"
    assert nothing_sent
    record = SignOff.objects.get(visit=visit)
    assert record.channel == "customer_link"
    assert record.signer_name == order.customer_name
    assert [
        (row.code, row.comment) for row in record.conduct.filter(is_confirmed=False)
    ] == [("site_clean", "地上有线头")]
    signed_at = timezone.localtime(record.signed_at)
    assert f"您于 {signed_at:%Y-%m-%d %H:%M} 签收了工单 {order.number}。" in signed_text
    assert "施工单回执（PDF）" in signed_text
    assert "服务卡（PDF）" in signed_text
    assert technician.technician_profile.employee_number in page.content()
    assert record.snapshot_sha256 in signed_text
    assert (
        page.locator("a.verify-link")
        .get_attribute("href")
        .endswith(f"/verify/{record.snapshot_sha256}/")
    )
    assert signed_violations == []
    assert overflow_signed == 0


def test_a_long_english_page_fits_a_360_pixel_phone(
    live_server, api, technician, phone
):
    customer = CustomerFactory(name=LONG_NAME, address=LONG_ADDRESS, language="en")
    profile = technician.technician_profile
    profile.phone = "+8613800138000"
    profile.save(update_fields=["phone"])
    visit = work_done_visit(api, technician, customer=customer)
    page = phone("en-US")
    open_link(page, live_server, api, visit)

    text = page.locator("main").inner_text()
    overflow = horizontal_overflow(page)
    heights = choice_heights(page)
    violations = axe_violations(page)
    screenshot(page, "sign-form-en")
    phone_box = page.locator("a[href^='tel:+86']").bounding_box()

    assert "Fibre broadband drops every evening" in text
    assert LONG_ADDRESS in text
    assert page.locator(".signing-name").input_value() == LONG_NAME
    assert "How did the visit go?" in text
    assert overflow == 0
    assert heights
    assert min(heights) >= 48
    assert phone_box["x"] + phone_box["width"] <= 360
    assert violations == []


def test_the_language_switch_redraws_the_form_in_english(
    live_server, api, technician, phone
):
    visit = work_done_visit(api, technician)
    page = phone("zh-CN")
    path = open_link(page, live_server, api, visit)

    page.get_by_role("link", name="English").click()
    page.wait_for_selector("text=How did the visit go?")
    page.goto(live_server.url + path)  # remembered for this link
    page.wait_for_selector(".signing-form fieldset.question")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".signing-submit").inner_text() == "Sign"
    assert horizontal_overflow(page) == 0


def fill_in_everything(page):
    answer_all_yes_but(page, "site_clean", "地上有线头")
    draw_with_finger(page)
    page.locator(".signing-consent label").click()


def test_while_signing_the_button_is_disabled_and_a_second_tap_sends_nothing(
    live_server, api, technician, phone
):
    visit = work_done_visit(api, technician)
    page = phone("zh-CN")
    open_link(page, live_server, api, visit)
    fill_in_everything(page)
    held = []
    page.route(
        "**/sign/**",
        lambda route: (
            held.append(route) if route.request.method == "POST" else route.continue_()
        ),
    )

    page.locator(".signing-submit").click()
    page.wait_for_selector(".signing-submit:disabled")
    label = page.locator(".signing-submit").inner_text()
    page.locator(".signing-form").evaluate("(form) => form.requestSubmit()")
    posts_while_pending = len(held)
    held[0].continue_()
    page.wait_for_selector(".signed")

    assert label == "正在提交…"
    assert posts_while_pending == 1
    assert SignOff.objects.filter(visit=visit).count() == 1


def test_the_servers_refusal_is_shown_in_the_form(live_server, api, technician, phone):
    visit = work_done_visit(api, technician)
    page = phone("zh-CN")
    open_link(page, live_server, api, visit)
    fill_in_everything(page)
    SignOffLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(".signing-submit").click()
    page.wait_for_selector(".signing-submit:enabled")

    assert page.locator(".signing-form-error").inner_text() == (
        "该签收链接已过期，请您联系装维人员获取新的链接。"
    )
    assert not SignOff.objects.exists()


def test_the_error_and_verification_pages_fit_and_pass_axe(
    live_server, api, technician, phone
):
    visit = work_done_visit(api, technician)
    page = phone("en-US")
    link = api.post(f"/api/v1/visits/{visit.id}/sign-off-links/").json()["url"]
    SignOffLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    # The link's pages speak the customer's language (Chinese here) until the
    # switch picks another, refusals included.
    page.goto(live_server.url + link.split("testserver", 1)[1] + "?lang=en")
    error_text = page.locator("main").inner_text()
    error_checks = (horizontal_overflow(page), axe_violations(page))
    page.goto(live_server.url + f"/verify/{'0' * 64}/")
    verify_text = page.locator("main").inner_text()
    verify_checks = (horizontal_overflow(page), axe_violations(page))

    assert "This signing link has expired. Ask the technician for a new one." in (
        error_text
    )
    assert error_checks == (0, [])
    assert "No signed record has this hash." in verify_text
    assert verify_checks == (0, [])
