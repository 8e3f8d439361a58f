"""The dispatcher's day board in a real Chromium: a visit turning late while
the page is open, dragging a visit to another time and to another technician
(with the reason asked), a refused drag leaving everything as it was,
accessibility, and screenshots of a realistic day in both languages.

The server's clock is set to a fixed morning (2026-12-07 10:00 in Shanghai)
that then runs on: the live server runs in the test's process, so patching
`django.utils.timezone.now` moves its clock too."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import CompanySettings
from tests.browser.conftest import (
    TABLET,
    axe_violations,
    horizontal_overflow,
    screenshot,
    sign_in_to_console,
)
from tests.factories import CustomerFactory, DispatcherFactory, TechnicianFactory
from tests.signing import sign
from visits.calls.models import Call, CallState, RescheduleRequest
from visits.complaints.services import complaint_file
from visits.lifecycle import services
from visits.lifecycle.rules import Transition as T
from visits.models import ChecklistTemplate, LeaveReason, Visit, VisitEvent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = "2026-12-07"
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
TIMEOUT = 15000


def at(hour: int, minute: int = 0) -> datetime:
    return MORNING.replace(hour=hour, minute=minute)


class Clock:
    """The server's clock, set to a moment and running on from it."""

    def __init__(self, monkeypatch, moment: datetime):
        self.real = timezone.now
        self.set(moment)
        monkeypatch.setattr(timezone, "now", lambda: self.real() + self.offset)

    def set(self, moment: datetime) -> None:
        self.offset = moment - self.real()


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, MORNING)


@pytest.fixture
def fast_board(settings):
    settings.BOARD_REFRESH_SECONDS = 1


@pytest.fixture
def dispatcher(db):
    return DispatcherFactory(username="desk-board")


def technician(first, last, number):
    user = TechnicianFactory(first_name=first, last_name=last)
    user.technician_profile.employee_number = number
    user.technician_profile.save(update_fields=["employee_number"])
    return user


def book(dispatcher, tech, start, *, minutes=60, name=None, address=None):
    customer = CustomerFactory(
        **({"name": name} if name else {}), **({"address": address} if address else {})
    )
    order = services.work_order_create(customer=customer, kind="repair", by=dispatcher)
    return services.visit_schedule(
        work_order=order,
        technician=tech,
        appointed_start=start,
        expected_duration_minutes=minutes,
        by=dispatcher,
        now=start - timedelta(days=2),
    )


# The steps a visit takes, each at minutes after its appointed start.
STEPS = {
    "en_route": [(T.START_TRAVEL, -25)],
    "arrived": [(T.START_TRAVEL, -25), (T.ARRIVE, 4)],
    "in_progress": [(T.START_TRAVEL, -25), (T.ARRIVE, 4), (T.START_WORK, 8)],
    "temporarily_left": [
        (T.START_TRAVEL, -25),
        (T.ARRIVE, 3),
        (T.START_WORK, 6),
        (T.LEAVE, 50),
    ],
    "work_done": [
        (T.START_TRAVEL, -25),
        (T.ARRIVE, 2),
        (T.START_WORK, 5),
        (T.FINISH_WORK, 70),
    ],
    "signed_off": [
        (T.START_TRAVEL, -25),
        (T.ARRIVE, 6),
        (T.START_WORK, 9),
        (T.FINISH_WORK, 65),
        (T.SIGN_OFF, 70),
    ],
    "closed": [
        (T.START_TRAVEL, -25),
        (T.ARRIVE, -3),
        (T.START_WORK, 2),
        (T.FINISH_WORK, 55),
        (T.SIGN_OFF, 58),
        (T.CLOSE, 80),
    ],
    "cancelled": [(T.CANCEL, -120)],
    "no_show": [(T.START_TRAVEL, -25), (T.NO_SHOW, 12)],
}


def drive(visit, state, dispatcher):
    tech = visit.technician
    for step, offset in STEPS.get(state, []):
        moment = visit.appointed_start + timedelta(minutes=offset)
        if step == T.START_TRAVEL:
            services.visit_start_travel(visit=visit, by=tech, at=moment)
        elif step == T.ARRIVE:
            services.visit_arrive(visit=visit, by=tech, at=moment)
        elif step == T.START_WORK:
            services.visit_start_work(visit=visit, by=tech, at=moment)
        elif step == T.LEAVE:
            services.visit_leave(
                visit=visit,
                by=tech,
                at=moment,
                reason=LeaveReason.EQUIPMENT_ROOM_TEST,
                is_returning=False,
                fix_deadline=at(18),
            )
        elif step == T.FINISH_WORK:
            services.visit_finish_work(visit=visit, by=tech, at=moment)
        elif step == T.SIGN_OFF:
            sign(visit, by=tech, at=moment, signer_name="刘洋", conduct=[])
        elif step == T.CLOSE:
            services.visit_close(visit=visit, by=dispatcher, at=moment)
        elif step == T.CANCEL:
            services.visit_cancel(
                visit=visit, by=dispatcher, reason="客户取消", at=moment
            )
        elif step == T.NO_SHOW:
            services.visit_mark_no_show(visit=visit, by=tech, at=moment)
        visit.refresh_from_db()
    assert visit.state == state
    return visit


def realistic_day(dispatcher):
    """Six technicians, a day in every state, with its marks and its tray."""
    ChecklistTemplate.objects.update(published_at=None)  # work done on the lifecycle
    wang = technician("强", "王", "T01021")
    li = technician("娜", "李", "T01022")
    zhang = technician("伟", "张", "T01023")
    liu = technician("洋", "刘", "T01024")
    chen = technician("静", "陈", "T01025")
    zhao = technician("磊", "赵", "T01026")
    plan = [
        (wang, at(8, 0), 60, "closed", "周敏"),
        (wang, at(10, 30), 90, "scheduled", "孙浩"),
        (wang, at(14, 0), 60, "scheduled", "吴芳"),
        (li, at(8, 30), 60, "signed_off", "郑丽"),
        (li, at(9, 45), 60, "scheduled", "冯刚"),
        (li, at(13, 0), 90, "scheduled", "何静"),
        (zhang, at(9, 0), 120, "in_progress", "高峰"),
        (zhang, at(12, 0), 60, "scheduled", "林涛"),
        (zhang, at(15, 30), 60, "scheduled", "罗娟"),
        (liu, at(8, 0), 90, "temporarily_left", "梁伟"),
        (liu, at(11, 0), 60, "cancelled", "宋洁"),
        (liu, at(13, 30), 60, "scheduled", "谢军"),
        (chen, at(8, 15), 75, "work_done", "韩梅"),
        (chen, at(9, 40), 45, "no_show", "唐亮"),
        (chen, at(16, 0), 60, "scheduled", "曹颖"),
        (zhao, at(9, 30), 60, "en_route", "许娟"),
        (zhao, at(12, 30), 60, "scheduled", "邓超"),
    ]
    visits = {}
    for tech, start, minutes, state, name in plan:
        visit = book(
            dispatcher,
            tech,
            start,
            minutes=minutes,
            name=name,
            address="武汉市洪山区珞喻路",
        )
        visits[name] = drive(visit, state, dispatcher)
    # The reminder before arrival of 冯刚's visit could not be placed.
    Call.objects.filter(visit=visits["冯刚"], purpose="reminder_before_arrival").update(
        state=CallState.FAILED
    )
    complaint_file(visit=visits["周敏"], by=dispatcher, description="到场迟到")
    RescheduleRequest.objects.create(visit=visits["吴芳"], requested_at=at(9, 10))
    return visits


def open_board(page, live_server, user, path=f"/console/?day={DAY}"):
    sign_in_to_console(page, live_server, user, path)
    page.wait_for_selector(".board-visit", timeout=TIMEOUT)


def block(page, visit):
    return page.locator(f'.board-visit[data-visit="{visit.pk}"]')


def hour_x(page, label):
    box = page.locator(".board-hour", has_text=re.compile(f"^{label}$")).bounding_box()
    return box["x"] + box["width"] / 2


def drag(page, source, *, to_x, to_y):
    box = source.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2, steps=3)
    page.mouse.move(to_x + 2, to_y, steps=8)
    page.mouse.up()


def row_y(page, user):
    box = page.locator(f'.board-track[data-technician="{user.pk}"]').bounding_box()
    return box["y"] + box["height"] / 2


def dialog_closed(page):
    page.wait_for_function(
        "() => !document.getElementById('move-dialog').open", timeout=TIMEOUT
    )


def events_of(visit):
    return list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True))


# --- Live ------------------------------------------------------------------------


def test_a_visit_turns_late_while_the_board_is_open(
    desktop, live_server, dispatcher, clock, fast_board
):
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(9, 30))
    clock.set(at(9, 35))
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)
    target = block(page, visit)
    assert "At risk" in target.inner_text()
    assert "Late now" not in target.inner_text()
    url = page.url

    clock.set(at(9, 41))

    page.wait_for_selector(
        f'.board-visit[data-visit="{visit.pk}"].is-late', timeout=TIMEOUT
    )
    assert "Late now" in target.inner_text()
    assert "At risk" not in target.inner_text()
    assert page.url == url  # no reload
    assert page.script_errors == []


# --- Dragging ------------------------------------------------------------------


def test_dragging_a_visit_to_another_time_asks_the_reason_and_moves_it(
    desktop, live_server, dispatcher, clock
):
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(11, 0))
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)

    drag(page, block(page, visit), to_x=hour_x(page, "13:00"), to_y=row_y(page, tech))

    page.wait_for_selector("#move-dialog[open]")
    assert page.input_value("#move-form [name=time]") == "13:00"
    page.fill("#move-form [name=reason]", "Customer asked for the afternoon")
    page.click("#move-form button[type=submit]")
    dialog_closed(page)
    page.wait_for_function(
        f"""() => document.querySelector('.board-visit[data-visit="{visit.pk}"]')
                  ?.textContent.includes("13:00–14:00")""",  # noqa: RUF001
        timeout=TIMEOUT,
    )
    visit.refresh_from_db()
    assert visit.appointed_start == at(13, 0)
    assert visit.technician == tech
    assert events_of(visit)[-1] == "rescheduled"
    assert page.script_errors == []


def test_dragging_a_visit_to_another_technicians_row_reassigns_it(
    desktop, live_server, dispatcher, clock
):
    first = technician("强", "王", "T01021")
    second = technician("娜", "李", "T01022")
    visit = book(dispatcher, first, at(11, 0))
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)
    source = block(page, visit)
    box = source.bounding_box()

    drag(page, source, to_x=box["x"], to_y=row_y(page, second))

    page.wait_for_selector("#move-dialog[open]")
    assert page.input_value("#move-form [name=technician]") == str(second.pk)
    page.fill("#move-form [name=reason]", "Wang is ill")
    page.click("#move-form button[type=submit]")
    page.wait_for_selector(
        f'.board-track[data-technician="{second.pk}"] '
        f'.board-visit[data-visit="{visit.pk}"]',
        timeout=TIMEOUT,
    )
    visit.refresh_from_db()
    assert visit.technician == second
    assert visit.appointed_start == at(11, 0)
    assert events_of(visit)[-1] == "reassigned"


def test_a_refused_drag_onto_another_visit_leaves_everything_as_it_was(
    desktop, live_server, dispatcher, clock
):
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(11, 0))
    book(dispatcher, tech, at(14, 0))
    before = list(Visit.objects.order_by("pk").values())
    events = VisitEvent.objects.count()
    calls = list(Call.objects.order_by("pk").values())
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)
    source = block(page, visit)
    left = source.evaluate("element => element.style.left")

    drag(page, source, to_x=hour_x(page, "14:00"), to_y=row_y(page, tech))
    page.wait_for_selector("#move-dialog[open]")
    page.fill("#move-form [name=reason]", "Try the afternoon")
    page.click("#move-form button[type=submit]")

    error = page.locator("#move-error")
    error.wait_for(state="visible", timeout=TIMEOUT)
    assert "already has visit" in error.inner_text()
    assert page.locator("#move-dialog[open]").count() == 1  # still open, reason kept
    assert page.input_value("#move-form [name=reason]") == "Try the afternoon"
    assert list(Visit.objects.order_by("pk").values()) == before
    assert VisitEvent.objects.count() == events
    assert list(Call.objects.order_by("pk").values()) == calls

    page.click("#move-cancel")
    dialog_closed(page)
    assert block(page, visit).evaluate("element => element.style.left") == left
    assert block(page, visit).evaluate("element => element.style.transform") == ""
    assert page.script_errors == []


def test_a_visit_moves_from_the_keyboard(desktop, live_server, dispatcher, clock):
    first = technician("强", "王", "T01021")
    second = technician("娜", "李", "T01022")
    visit = book(dispatcher, first, at(11, 0))
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)

    block(page, visit).focus()
    page.keyboard.press("Enter")
    page.locator("#board-panel-move").wait_for(state="visible", timeout=TIMEOUT)
    page.click("#board-panel-move")
    page.fill("#move-form [name=time]", "15:30")
    page.select_option("#move-form [name=technician]", str(second.pk))
    page.fill("#move-form [name=reason]", "Customer's request")
    page.keyboard.press("Tab")  # to the Move button
    page.keyboard.press("Enter")

    dialog_closed(page)
    visit.refresh_from_db()
    assert (visit.appointed_start, visit.technician) == (at(15, 30), second)
    assert events_of(visit)[-2:] == ["rescheduled", "reassigned"]
    assert f"visit={visit.pk}" in page.url


# --- A realistic day: accessibility, a tablet, screenshots ---------------------------


def test_the_board_of_a_realistic_day_passes_axe_in_both_languages(
    desktop, live_server, dispatcher, clock
):
    CompanySettings.load()
    visits = realistic_day(dispatcher)
    for locale, name in (("zh-CN", "console-board-zh"), ("en-US", "console-board-en")):
        page = desktop(locale)
        open_board(page, live_server, dispatcher)
        page.wait_for_selector(".board-tray-item", timeout=TIMEOUT)
        assert page.locator(".board-visit").count() == len(visits)
        late = page.locator(".board-visit.is-late")
        assert sorted(
            late.evaluate_all("all => all.map(e => e.dataset.visit)")
        ) == sorted([str(visits["冯刚"].pk), str(visits["许娟"].pk)])
        at_risk = page.locator(".board-visit.is-risk")
        assert at_risk.evaluate_all("all => all.map(e => e.dataset.visit)") == [
            str(visits["孙浩"].pk)
        ]
        assert axe_violations(page) == []
        screenshot(page, name)
        assert page.script_errors == []


def test_the_board_is_usable_at_a_tablets_width(
    desktop, live_server, dispatcher, clock
):
    realistic_day(dispatcher)
    page = desktop("zh-CN", **TABLET)
    open_board(page, live_server, dispatcher)

    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []


def test_a_reschedule_request_dragged_onto_the_board_gets_its_new_time(
    desktop, live_server, dispatcher, clock
):
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(11, 0))
    RescheduleRequest.objects.create(visit=visit, requested_at=at(9, 0))
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)
    item = page.locator(f'.board-tray-item[data-visit="{visit.pk}"]')
    item.wait_for(timeout=TIMEOUT)
    box = item.bounding_box()

    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] - 20, steps=3)
    page.mouse.move(hour_x(page, "16:00"), row_y(page, tech), steps=8)
    page.mouse.up()
    page.wait_for_selector("#move-dialog[open]")
    assert page.input_value("#move-form [name=time]") == "16:00"
    page.fill("#move-form [name=reason]", "The customer asked for 16:00")
    page.click("#move-form button[type=submit]")
    dialog_closed(page)

    page.wait_for_function(
        "() => !document.querySelector('.board-tray-item[data-visit]')",
        timeout=TIMEOUT,
    )
    visit.refresh_from_db()
    assert visit.appointed_start == at(16, 0)
    assert RescheduleRequest.objects.get().handled_at is not None


def test_a_visit_is_dragged_with_a_finger_on_a_tablet(
    desktop, live_server, dispatcher, clock
):
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(11, 0))
    page = desktop("en-US", **TABLET)
    open_board(page, live_server, dispatcher)
    box = block(page, visit).bounding_box()
    y = box["y"] + box["height"] / 2
    to_x = hour_x(page, "12:00")
    touch = page.context.new_cdp_session(page)

    def finger(kind, x):
        touch.send(
            "Input.dispatchTouchEvent",
            {
                "type": kind,
                "touchPoints": [] if kind == "touchEnd" else [{"x": x, "y": y}],
            },
        )

    finger("touchStart", box["x"] + 2)
    for step in range(1, 11):
        finger("touchMove", box["x"] + 2 + (to_x - box["x"]) * step / 10)
    finger("touchEnd", to_x + 2)

    page.wait_for_selector("#move-dialog[open]", timeout=TIMEOUT)
    assert page.input_value("#move-form [name=time]") == "12:00"
    page.fill("#move-form [name=reason]", "Moved on the tablet")
    page.click("#move-form button[type=submit]")
    dialog_closed(page)
    visit.refresh_from_db()
    assert visit.appointed_start == at(12, 0)


def test_a_link_to_a_day_and_a_visit_opens_its_panel(
    desktop, live_server, dispatcher, clock
):
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(11, 0))
    page = desktop("en-US")

    open_board(page, live_server, dispatcher, f"/console/?day={DAY}&visit={visit.pk}")

    page.locator("#board-panel").wait_for(state="visible", timeout=TIMEOUT)
    assert page.input_value("#board-day") == DAY
    assert block(page, visit).get_attribute("aria-expanded") == "true"
    page.click("#board-panel-close")
    assert page.locator("#board-panel").is_hidden()
    assert "visit=" not in page.url


def test_an_older_board_still_on_its_way_never_replaces_a_newer_one(
    desktop, live_server, dispatcher, clock
):
    """A load is still on its way (held here with the board as it was) when the
    visit is moved and the board is loaded again: the older answer, landing
    last, is not drawn over the newer board."""
    tech = technician("强", "王", "T01021")
    visit = book(dispatcher, tech, at(9, 30))
    page = desktop("en-US")
    open_board(page, live_server, dispatcher)
    held = []

    def hold_the_next_load(route):
        if not held:
            held.append((route, route.fetch()))  # the board before the move
        else:
            route.continue_()

    page.route("**/api/v1/console/board/*", hold_the_next_load)
    page.fill("#board-day", DAY)
    page.dispatch_event("#board-day", "change")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    services.visit_move(
        visit=visit, by=dispatcher, reason="客户改约", appointed_start=at(14, 0)
    )
    page.fill("#board-day", DAY)
    page.dispatch_event("#board-day", "change")
    expect(block(page, visit)).to_contain_text("14:00", timeout=TIMEOUT)

    route, older = held[0]
    route.fulfill(response=older)
    page.wait_for_timeout(300)  # the page's own event loop takes the older answer

    expect(block(page, visit)).to_contain_text("14:00")
    assert "09:30" not in block(page, visit).inner_text()
    assert page.script_errors == []
