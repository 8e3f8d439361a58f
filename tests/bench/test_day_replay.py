"""The working-day bench (bench/day) replays a technician's visit end to end
against a live server: every request the phone app makes answers as the app
expects, and the visit ends signed off, its receipt downloaded. The bench's
figures mean nothing if its replay stops matching the API."""

import io
import threading
from collections import Counter

import pytest
from django.utils import timezone
from PIL import Image

from bench.day.__main__ import FLOWS
from bench.day.replay import PHOTO_ROUTE, DayOptions, Recorder, TechnicianDay
from bench.day.setup import build
from bench.day.stack import free_port
from visits.lifecycle.models import Visit
from visits.lifecycle.rules import VisitState
from visits.signoffs.models import SignOff

API = "/api/v1/visits/{id}"
SIGN_IN = {"GET /app/": 1, "POST /api/v1/auth/session/": 1, "GET /api/v1/me/": 1}
STEPS = ("start-travel", "arrive", "start-work", "finish-work")
# One visit as visits/static/phone/ makes it: the checklist read when a screen
# opens, the customer signing on their own phone through a
# link.
APP_VISIT = {
    "GET /api/v1/me/visits/": 1,
    f"GET {API}/": 3,
    f"GET {API}/checklist/": 5,
    f"PUT {API}/checklist/{{item}}/": 17,
    PHOTO_ROUTE: 3,
    **{f"POST {API}/actions/{step}/": 1 for step in STEPS},
    f"GET {API}/sign-off/": 3,
    f"POST {API}/sign-off-links/": 1,
    "GET /sign/{token}/": 2,
    "GET /sign/{token}/photos/{id}.jpg": 3,
    "POST /sign/{token}/": 1,
    f"GET {API}/service-card/": 1,
    f"GET {API}/receipt.pdf": 1,
}
# The app before 2026-12-07: the checklist read again after each of the 20
# answers and photos and the 4 steps.
RELOADING_VISIT = {**APP_VISIT, f"GET {API}/checklist/": 29}
# The earlier review's leaner visit: no reloads, signed on the technician's phone.
LEAN_VISIT = {
    "GET /api/v1/me/visits/": 1,
    f"GET {API}/checklist/": 1,
    f"PUT {API}/checklist/{{item}}/": 17,
    PHOTO_ROUTE: 3,
    **{f"POST {API}/actions/{step}/": 1 for step in STEPS},
    f"GET {API}/sign-off/": 1,
    f"POST {API}/sign-off/": 1,
    f"GET {API}/service-card/": 1,
    f"GET {API}/receipt.pdf": 1,
}


@pytest.fixture
def plain_http(settings):
    """The live server speaks plain HTTP: cookies without the Secure flag."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]


def one_days_visit(base_url: str, flow: str, **kwargs) -> tuple[TechnicianDay, dict]:
    """One technician with one installation booked today, as the bench sets
    up, ready to work the day without pauses."""
    plan = build(
        technicians=1, run_id="replay", day=timezone.localdate(), visits_per_day=1
    )
    technician = plan["technicians"][0]
    day = TechnicianDay(
        base_url,
        Recorder(),
        username=technician["username"],
        password=plan["password"],
        day=plan["day"],
        visit_ids=technician["visits"],
        photo=small_photo(),
        options=DayOptions(compression=0, start_spread_minutes=0, **FLOWS[flow]),
        stop=threading.Event(),
        **kwargs,
    )
    return day, technician


def small_photo() -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (1280, 960), (90, 120, 160)).save(stream, "JPEG", quality=70)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("flow", "expected"),
    [("app", APP_VISIT), ("app-reloading", RELOADING_VISIT), ("lean", LEAN_VISIT)],
)
def test_the_replay_signs_off_a_technicians_visit(
    live_server, migration_seeds, plain_http, flow, expected
):
    # Given one technician with one installation booked today, as the bench sets up
    day, technician = one_days_visit(live_server.url, flow)
    recorder = day.recorder

    # When the technician signs in and works the day without pauses
    day.sign_in()
    day.work()

    # Then every request answered as expected and the visit is signed off
    assert day.failures == []
    assert [sample for sample in recorder.samples if sample.is_error] == []
    assert Counter(sample.route for sample in recorder.samples) == {
        **SIGN_IN,
        **expected,
    }
    assert day.visits_done == 1
    visit = Visit.objects.get(pk=technician["visits"][0])
    assert visit.state == VisitState.SIGNED_OFF
    assert SignOff.objects.filter(visit=visit).count() == 1
    assert visit.photos.count() == 3


def test_the_customer_signs_on_the_node_given_for_signing(
    live_server, migration_seeds, plain_http
):
    # Given the technician's phone on the live server and the customer's on
    # another address of it (as a second web node would be)
    other_address = live_server.url.replace("localhost", "127.0.0.1")
    assert other_address != live_server.url
    day, technician = one_days_visit(live_server.url, "app", signing_url=other_address)

    # When the technician works the day
    day.sign_in()
    day.work()

    # Then the visit is signed off through the other address, with the same requests
    assert day.failures == []
    assert Counter(sample.route for sample in day.recorder.samples) == {
        **SIGN_IN,
        **APP_VISIT,
    }
    assert Visit.objects.get(pk=technician["visits"][0]).state == VisitState.SIGNED_OFF


def test_the_customers_requests_go_to_the_signing_node_only(
    live_server, migration_seeds, plain_http
):
    # Given a signing address where nothing answers
    day, technician = one_days_visit(
        live_server.url, "app", signing_url=f"http://127.0.0.1:{free_port()}"
    )

    # When the technician works the day
    day.sign_in()
    day.work()

    # Then the phone's requests answered, and the customer's page was asked
    # of that address: the visit stopped there, unsigned
    errors = [s.route for s in day.recorder.samples if s.is_error]
    assert errors == ["GET /sign/{token}/"]
    assert day.visits_done == 0
    assert Visit.objects.get(pk=technician["visits"][0]).state != VisitState.SIGNED_OFF
