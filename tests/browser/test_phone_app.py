"""The technician's phone app in a real Chromium at a phone's size, with touch:
a whole visit from sign-in to the signed service card, working offline, a
required item blocking "work done", both languages, accessibility, and
another technician's visit staying invisible."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import ExifTags, Image

from tests.browser.conftest import axe_violations, horizontal_overflow, screenshot
from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    book,
    jpeg,
    start_work,
)
from visits.models import ChecklistAnswer, Photo, SignOff, Visit, VisitEvent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


PASSWORD = "secret-pass-1"  # tests.factories.UserFactory
TIMEOUT = 15000


def open_app(page, live_server, hash_=""):
    if not hasattr(page, "script_errors"):
        # Uncaught errors in the app's scripts fail the test that met them.
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        page.on("console", lambda message: print("console:", message.text))
    page.goto(f"{live_server.url}/app/{hash_}")


def sign_in_through_the_form(page, live_server, user):
    open_app(page, live_server)
    page.wait_for_selector("#username")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("form.sign-in button[type=submit]")
    page.wait_for_selector(".tabs", timeout=TIMEOUT)


def sign_in_through_the_api(page, live_server, user):
    """The session API called as the app calls it: the shell's CSRF cookie in
    X-CSRFToken, then POST auth/session/; then the app starts signed in."""
    open_app(page, live_server, "#/sign-in")
    page.wait_for_selector("#username")
    status = page.evaluate(
        """async ([username, password]) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const response = await fetch("/api/v1/auth/session/", {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({username, password}),
            });
            return response.status;
        }""",
        [user.username, PASSWORD],
    )
    assert status == 200
    page.reload()  # the app asks who is signed in when it starts
    page.wait_for_selector(".tabs", timeout=TIMEOUT)


def wait_until_sent(page):
    page.wait_for_selector("#pending", state="hidden", timeout=TIMEOUT)


def wait_for_the_service_worker(page):
    """Until the worker controls the page, nothing the page reads is kept for
    offline. It claims open pages when it activates; a page that started while
    an earlier worker was being replaced is controlled after a reload."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if page.evaluate("navigator.serviceWorker.controller === null"):
        page.reload()
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null", timeout=TIMEOUT
    )


def take_step(page, step):
    page.click(f"button[data-step={step}]")


def photo_file(color=(30, 120, 200)):
    return {
        "name": "photo.jpg",
        "mimeType": "image/jpeg",
        "buffer": jpeg(2400, 1800, color),
    }


def answer_in_the_app(page, item):
    card = page.locator(f"#item-{item.id}")
    if item.kind == "confirm":
        card.locator("button.confirm").click()
    elif item.kind == "choice":
        card.locator("input[type=radio]").first.check()
    elif item.kind in ("number", "text"):
        card.locator("input, textarea").first.fill(
            "-18" if item.kind == "number" else "换了光猫"
        )
        card.locator("button[type=submit]").click()
    else:
        card.locator("input.photo-input").set_input_files(photo_file())
    page.wait_for_selector(f"#item-{item.id}.waiting, #item-{item.id}.answered")


def checklist_reads(page, visit) -> list[str]:
    """The visit's checklist reads the page makes from now on, as they go."""
    reads = []
    page.on(
        "request",
        lambda request: (
            reads.append(request.url)
            if request.method == "GET"
            and request.url.endswith(f"/{visit.id}/checklist/")
            else None
        ),
    )
    return reads


def sign_on_the_phone(page):
    page.wait_for_selector(".signing-form", timeout=TIMEOUT)
    for row in page.query_selector_all(".question"):
        row.query_selector("label:has(input[value=yes])").click()
    page.fill(".signing-name", "刘洋")
    pad = page.query_selector("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 30)
    page.mouse.up()
    page.check(".signing-consent-box")
    page.click("button.signing-submit")


def test_a_whole_visit_from_sign_in_to_the_signed_service_card(
    live_server, technician, phone
):
    visit = book(technician)
    page = phone("zh-CN")

    sign_in_through_the_form(page, live_server, technician)
    assert page.text_content(".visit-card .customer") == visit.work_order.customer_name
    screenshot(page, "app-today")
    page.click(".visit-link")
    page.wait_for_selector("button[data-step=start-travel]")
    assert axe_violations(page) == []
    screenshot(page, "app-visit")
    take_step(page, "start-travel")
    page.wait_for_selector("button[data-step=arrive]:not([disabled])", timeout=TIMEOUT)
    take_step(page, "arrive")
    verdict = page.wait_for_selector("#verdict").text_content()
    page.wait_for_selector(
        "button[data-step=start-work]:not([disabled])", timeout=TIMEOUT
    )
    take_step(page, "start-work")
    page.wait_for_selector(
        "button[data-step=finish-work]:not([disabled])", timeout=TIMEOUT
    )
    page.click("a[href$='/checklist'].button")
    page.wait_for_selector("article.item")
    for entry in visit.checklist.order_by("position"):
        answer_in_the_app(page, entry)
        wait_until_sent(page)
    page.wait_for_selector(
        "#checklist-progress:has-text('必做项已全部完成')", timeout=TIMEOUT
    )
    assert axe_violations(page) == []
    screenshot(page, "app-checklist")
    assert horizontal_overflow(page) == 0
    page.click(".actions a.button")
    page.wait_for_selector("button[data-step=finish-work]:not([disabled])")
    take_step(page, "finish-work")
    page.wait_for_selector(
        "button[data-step=sign-off]:not([disabled])", timeout=TIMEOUT
    )
    take_step(page, "sign-off")
    page.wait_for_selector(".signing-form", timeout=TIMEOUT)
    sign_off_violations = axe_violations(page)
    screenshot(page, "app-sign-off")
    sign_on_the_phone(page)
    page.wait_for_selector("#service-card", timeout=TIMEOUT)
    screenshot(page, "app-service-card")

    assert sign_off_violations == []
    assert verdict == "准时到达"
    visit.refresh_from_db()
    assert visit.state == "signed_off"
    assert visit.punctuality == "on_time"
    record = SignOff.objects.get(visit=visit)
    assert record.signer_name == "刘洋"
    assert not record.has_contested_conduct
    assert page.text_content("#record p") == f"刘洋 · {record.number}"
    profile = technician.technician_profile
    assert profile.employee_number in page.text_content("#service-card")
    assert horizontal_overflow(page) == 0


def test_a_late_arrival_shows_the_verdict_at_once_and_asks_for_the_reason(
    live_server, api, technician, phone
):
    visit = book(technician)
    # Booked for the past: the appointment was half an hour ago.
    Visit.objects.filter(pk=visit.pk).update(
        appointed_start=timezone.now() - timedelta(minutes=30)
    )
    api.as_user(technician)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/start-travel/").status_code == 200
    )
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)

    open_app(page, live_server, f"#/visits/{visit.id}")
    take_step(page, "arrive")
    page.wait_for_selector("#late-reason")
    asked = page.text_content("#verdict")
    screenshot(page, "app-arrive-late")
    page.fill("#late-reason", "Traffic jam on the bridge")
    page.click("form button[type=submit]")
    page.wait_for_selector(
        "button[data-step=start-work]:not([disabled])", timeout=TIMEOUT
    )

    assert asked in ("30 minutes late", "31 minutes late")
    visit.refresh_from_db()
    assert (visit.state, visit.punctuality) == ("arrived", "late")
    assert visit.late_reason == "Traffic jam on the bridge"
    assert VisitEvent.objects.filter(visit=visit, kind="arrive").count() == 1


def test_the_customer_can_sign_on_their_own_phone_from_a_qr_code(
    live_server, api, technician, phone
):
    visit = book(technician)
    api.as_user(technician)
    start_work(api, visit)
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)

    open_app(page, live_server, f"#/visits/{visit.id}/sign-off")
    page.click("#own-phone")
    page.wait_for_selector("svg.qr path")
    link = page.get_attribute("#sign-link", "href")
    screenshot(page, "app-sign-off-link")

    assert link.startswith(f"{live_server.url}/sign/")
    assert visit.sign_off_links.count() == 1


def test_working_offline_everything_is_sent_once_when_the_network_returns(
    live_server, api, technician, phone
):
    visit = book(technician)
    api.as_user(technician)
    for step in ("start-travel", "arrive"):
        assert api.post(f"/api/v1/visits/{visit.id}/actions/{step}/").status_code == 200
    confirms = list(visit.checklist.filter(kind="confirm").order_by("position")[:3])
    photo_item = visit.checklist.filter(kind="photo").order_by("position").first()
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)
    wait_for_the_service_worker(page)
    # Seen once online, so the service worker keeps them for the basement.
    open_app(page, live_server, f"#/visits/{visit.id}")
    page.wait_for_selector("button[data-step=start-work]")
    open_app(page, live_server, f"#/visits/{visit.id}/checklist")
    page.wait_for_selector("article.item")

    page.context.set_offline(True)
    page.wait_for_selector("#offline:not([hidden])")
    for entry in confirms:
        answer_in_the_app(page, entry)
    answer_in_the_app(page, photo_item)
    page.wait_for_selector("#pending[data-count='4']")
    page.wait_for_selector(f"#item-{photo_item.id} .waiting-photo img")
    queued_photo_size = page.evaluate(
        """() => new Promise((resolve) => {
            indexedDB.open("fieldservice-phone").onsuccess = (event) => {
                const read = event.target.result.transaction("outbox").objectStore("outbox").getAll();
                read.onsuccess = async () => {
                    const photo = read.result.find((entry) => entry.kind === "photo");
                    const bitmap = await createImageBitmap(photo.blob);
                    resolve([bitmap.width, bitmap.height, photo.blob.type]);
                };
            };
        })"""
    )
    screenshot(page, "app-offline-checklist")
    page.click(".actions a.button")
    page.wait_for_selector("button[data-step=start-work]")
    take_step(page, "start-work")
    page.wait_for_selector("#pending[data-count='5']")
    waiting = page.text_content("#pending")
    page.context.set_offline(False)
    wait_until_sent(page)

    assert waiting == "5 waiting to send"
    for entry in confirms:
        answer = ChecklistAnswer.objects.get(item=entry)
        assert (answer.value, answer.version) == (True, 1)
    assert Photo.objects.filter(visit=visit, item=photo_item).count() == 1
    # The phone keeps and sends the 2400 x 1800 photo downscaled to the
    # default PHOTO_UPLOAD_MAX_SIDE_PIXELS.
    assert queued_photo_size == [1600, 1200, "image/jpeg"]
    assert VisitEvent.objects.filter(visit=visit, kind="start_work").count() == 1
    visit.refresh_from_db()
    assert visit.state == "in_progress"


def sideways_camera_photo(width, height):
    """A camera JPEG stored sideways as phones do: left half red, right half
    blue, with EXIF orientation 6, so upright its top is red and bottom blue."""
    stored = Image.new("RGB", (width, height), (0, 0, 220))
    stored.paste((220, 0, 0), (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def test_a_large_photo_is_made_small_and_upright_on_the_phone_before_upload(
    live_server, api, technician, phone, settings
):
    settings.PHOTO_UPLOAD_MAX_SIDE_PIXELS = 1000
    visit = book(technician)
    api.as_user(technician)
    for step in ("start-travel", "arrive"):
        assert api.post(f"/api/v1/visits/{visit.id}/actions/{step}/").status_code == 200
    photo_item = visit.checklist.filter(kind="photo").order_by("position").first()
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)
    open_app(page, live_server, f"#/visits/{visit.id}/checklist")
    page.wait_for_selector("article.item")

    page.locator(f"#item-{photo_item.id} input.photo-input").set_input_files(
        {
            "name": "IMG_0001.jpg",
            "mimeType": "image/jpeg",
            "buffer": sideways_camera_photo(4000, 3000),
        }
    )
    page.wait_for_selector(f"#item-{photo_item.id}.answered", timeout=TIMEOUT)
    wait_until_sent(page)

    photo = Photo.objects.get(visit=visit, item=photo_item)
    assert photo.captured_at is not None
    # What arrived was already upright and at most 1000 px long (3000 x 4000
    # upright, scaled by a quarter), and the server never upscales. Sent as
    # taken, the server's display copy would be 1200 x 1600.
    with photo.image.open("rb") as stored_file:
        stored = Image.open(stored_file)
        stored.load()
    assert stored.size == (photo.width, photo.height) == (750, 1000)
    top, bottom = stored.getpixel((375, 100)), stored.getpixel((375, 900))
    assert top[0] > 150 > top[2]  # red: upright
    assert bottom[2] > 150 > bottom[0]  # blue
    assert page.script_errors == []


def test_a_missing_required_item_blocks_work_done_and_the_app_jumps_to_it(
    live_server, api, technician, phone
):
    visit = book(technician)
    api.as_user(technician)
    start_work(api, visit)
    answer_everything(api, visit, skip=("site_clean",))
    missing = visit.checklist.get(code="site_clean")
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)

    open_app(page, live_server, f"#/visits/{visit.id}")
    take_step(page, "finish-work")
    page.wait_for_selector(".missing a.missing-item", timeout=TIMEOUT)
    listed = page.text_content(".missing a.missing-item")
    page.click(".missing a.missing-item")
    page.wait_for_selector(f"#item-{missing.id}.focused")
    focused = page.evaluate("document.activeElement.id")

    assert listed == missing.text_en
    assert focused == f"item-{missing.id}"
    assert page.text_content("#pending") in ("", None) or page.is_hidden("#pending")
    visit.refresh_from_db()
    assert visit.state == "in_progress"
    assert not VisitEvent.objects.filter(visit=visit, kind="finish_work").exists()


def test_the_screens_in_english_and_chinese(live_server, technician, phone):
    visit = book(technician)
    english = phone("en-US")
    sign_in_through_the_api(english, live_server, technician)
    english.wait_for_selector(".visit-card")
    english_today = [english.text_content("h1"), english.text_content("#sign-out")]
    assert axe_violations(english) == []
    assert horizontal_overflow(english) == 0
    screenshot(english, "app-today-en")

    english.click("#language")
    english.wait_for_selector("h1:has-text('今天')")
    switched = [english.text_content("h1"), english.text_content("#sign-out")]
    english.reload()
    english.wait_for_selector(".visit-card")
    remembered = english.evaluate("document.documentElement.lang")

    chinese = phone("zh-CN")
    sign_in_through_the_api(chinese, live_server, technician)
    open_app(chinese, live_server, f"#/visits/{visit.id}")
    chinese.wait_for_selector("button[data-step=start-travel]")
    chinese_visit = [
        chinese.text_content("button[data-step=start-travel]"),
        chinese.text_content(".card dt"),
    ]
    screenshot(chinese, "app-visit-zh")

    name = technician.display_name
    assert english_today == [f"Today · {name}", "Sign out"]
    assert switched == [f"今天 · {name}", "退出登录"]
    assert remembered == "zh-Hans"
    assert chinese_visit == ["出发", "预约时间"]


def test_another_technicians_visit_is_not_found_in_the_app(
    live_server, technician, other_technician, phone
):
    theirs = book(other_technician)
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)

    open_app(page, live_server, f"#/visits/{theirs.id}")
    page.wait_for_selector("#not-found")
    shown = page.text_content("main")

    assert "This visit was not found." in shown
    assert theirs.work_order.customer_name not in shown
    assert theirs.work_order.address not in shown
    assert page.query_selector("button[data-step]") is None


def test_writes_waiting_on_the_phone_are_only_ever_sent_for_whoever_made_them(
    live_server, api, technician, other_technician, phone
):
    mine = book(technician)
    theirs = book(other_technician)
    for user, visit in ((technician, mine), (other_technician, theirs)):
        api.as_user(user)
        for step in ("start-travel", "arrive"):
            assert (
                api.post(f"/api/v1/visits/{visit.id}/actions/{step}/").status_code
                == 200
            )
    my_item = mine.checklist.filter(kind="confirm").order_by("position").first()
    their_item = theirs.checklist.filter(kind="confirm").order_by("position").first()
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)
    wait_for_the_service_worker(page)
    open_app(page, live_server, f"#/visits/{mine.id}/checklist")
    page.wait_for_selector("article.item")

    page.context.set_offline(True)
    answer_in_the_app(page, my_item)
    page.wait_for_selector("#pending[data-count='1']")
    open_app(page, live_server, "#/")
    page.click("#sign-out")
    warning = page.wait_for_selector(".sign-out .notice").text_content()
    page.click("#sign-out-anyway")
    page.wait_for_selector("#username")
    page.context.set_offline(False)
    sign_in_through_the_form(page, live_server, other_technician)
    open_app(page, live_server, f"#/visits/{theirs.id}/checklist")
    page.wait_for_selector("article.item")
    answer_in_the_app(page, their_item)
    wait_until_sent(page)
    sent_for_the_other = ChecklistAnswer.objects.filter(item=my_item).exists()
    open_app(page, live_server, "#/")
    page.click("#sign-out")
    page.wait_for_selector("#username")
    sign_in_through_the_form(page, live_server, technician)
    wait_until_sent(page)

    assert warning == (
        "1 items have not been sent yet. They stay on this phone and are sent "
        "when you sign in again. Sign out anyway?"
    )
    assert sent_for_the_other is False
    assert ChecklistAnswer.objects.get(item=their_item).answered_by == other_technician
    assert ChecklistAnswer.objects.get(item=my_item).answered_by == technician


# Every change of Today's "updated / saved" line, with the cards then on screen.
FRESHNESS_LOG = """
window.freshness = [];
new MutationObserver(() => {
    const hint = document.getElementById("freshness");
    if (!hint || !hint.textContent) return;
    const seen = [hint.textContent, hint.classList.contains("stale"),
                  [...document.querySelectorAll(".visit-card .customer")].map(
                      (name) => name.textContent)];
    if (JSON.stringify(seen) !== JSON.stringify(window.freshness.at(-1))) {
        window.freshness.push(seen);
    }
}).observe(document, {subtree: true, childList: true, characterData: true,
                      attributes: true});
"""


def test_today_opens_from_the_phones_copy_and_then_shows_the_networks(
    live_server, technician, phone
):
    visit = book(technician)
    page = phone("en-US")
    page.add_init_script(FRESHNESS_LOG)
    sign_in_through_the_api(page, live_server, technician)
    page.wait_for_selector("#freshness:has-text('Updated')")
    first_start = page.evaluate("window.freshness")
    old_name = visit.work_order.customer_name
    order = visit.work_order
    order.customer_name = "Renamed Since"  # the server's list changes
    order.save(update_fields=["customer_name"])

    page.reload()
    page.wait_for_selector(".visit-card .customer:has-text('Renamed Since')")
    page.wait_for_selector("#freshness:has-text('Updated')")
    second_start = page.evaluate("window.freshness")

    assert [(stale, names) for _, stale, names in first_start] == [(False, [old_name])]
    assert re.fullmatch(r"Updated \d\d:\d\d", first_start[0][0])
    # The kept list first, said to be saved and being updated, then the new one.
    saved = next(seen for seen in second_start if seen[2])  # the first list drawn
    updated = second_start[-1]
    assert re.fullmatch(r"Showing data saved at \d\d:\d\d; updating…", saved[0])
    assert saved[1:] == [True, [old_name]]
    assert re.fullmatch(r"Updated \d\d:\d\d", updated[0])
    assert updated[1:] == [False, ["Renamed Since"]]
    assert not any(
        text.startswith("Updated") and names == [old_name]
        for text, _, names in second_start
    )


def test_today_offline_says_it_shows_saved_data_and_sign_out_drops_it(
    live_server, technician, phone
):
    visit = book(technician)
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)
    wait_for_the_service_worker(page)
    page.reload()
    page.wait_for_selector("#freshness:has-text('Updated')")

    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#freshness:has-text('Offline')", timeout=TIMEOUT)
    offline_hint = page.text_content("#freshness")
    offline_customer = page.text_content(".visit-card .customer")
    is_stale = page.evaluate(
        "document.getElementById('freshness').classList.contains('stale')"
    )
    page.context.set_offline(False)
    page.click("#sign-out")
    page.wait_for_selector("#username")
    kept_after_sign_out = page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('phone.kept.'))"
    )

    assert re.fullmatch(
        r"Offline: showing data saved at \d\d:\d\d; it may be out of date\.",
        offline_hint,
    )
    assert is_stale is True
    assert offline_customer == visit.work_order.customer_name
    assert kept_after_sign_out == []


def test_answers_update_the_checklist_in_place_without_reading_it_again(
    live_server, api, technician, phone
):
    """The answer's own response carries the item's missing reason: the
    checklist screen reads the checklist once, and a required confirmation
    taken back is shown missing again at once. Only a refused write (here an
    answer another device changed meanwhile) makes it read the checklist."""
    visit = book(technician)
    api.as_user(technician)
    start_work(api, visit)
    confirm = visit.checklist.filter(kind="confirm", is_required=True).first()
    required = visit.checklist.filter(is_required=True).count()
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)
    reads = checklist_reads(page, visit)
    open_app(page, live_server, f"#/visits/{visit.id}/checklist")
    card = page.locator(f"#item-{confirm.id}")
    card.locator("button.confirm").click()
    page.wait_for_selector(f"#item-{confirm.id}.answered", timeout=TIMEOUT)
    wait_until_sent(page)
    done_once = page.text_content("#checklist-progress")
    card.locator("button.confirm").click()  # taken back: false
    page.wait_for_selector(f"#item-{confirm.id}.missing", timeout=TIMEOUT)
    wait_until_sent(page)
    taken_back = page.text_content("#checklist-progress")
    page.wait_for_timeout(2500)  # past the refused-write reload's 1.5 s delay
    reads_after_answers = len(reads)

    # Another device answers the item: this phone's next answer is stale.
    other = ChecklistAnswer.objects.get(item=confirm)
    api.put(
        f"/api/v1/visits/{visit.id}/checklist/{confirm.id}/",
        {"value": True, "note": "", "captured_at": None},
        format="json",
        HTTP_IF_MATCH=f'"{confirm.id}.{other.version}"',
    )
    page.locator(f"#item-{confirm.id} button.confirm").click()
    page.wait_for_selector(f"#item-{confirm.id} .refusal", timeout=TIMEOUT)
    for _wait in range(60):  # the reload follows the refusal by 1.5 s
        if len(reads) >= 2:
            break
        page.wait_for_timeout(250)

    assert done_once == f"{required - 1} of {required} required items to do"
    assert taken_back == f"{required} of {required} required items to do"
    assert reads_after_answers == 1
    assert len(reads) == 2
    assert page.script_errors == []


def test_a_step_redraws_the_visit_from_its_answer_without_reading_the_checklist(
    live_server, technician, phone
):
    """A lifecycle step's answer is the visit as it now is; a step never
    changes the checklist, so the visit screen reads it once, when it opens."""
    visit = book(technician)
    page = phone("en-US")
    sign_in_through_the_api(page, live_server, technician)
    reads = checklist_reads(page, visit)
    open_app(page, live_server, f"#/visits/{visit.id}")
    page.wait_for_selector("button[data-step=start-travel]:not([disabled])")
    take_step(page, "start-travel")
    page.wait_for_selector("button[data-step=arrive]:not([disabled])", timeout=TIMEOUT)
    wait_until_sent(page)
    shown = page.locator("a[href$='/checklist'].stage").count()

    visit.refresh_from_db()
    assert visit.state == "en_route"
    assert shown > 0  # the checklist's stages are still on the screen
    assert len(reads) == 1
    assert page.script_errors == []
