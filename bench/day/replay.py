"""The technician's day as the phone app makes it, over HTTP, with pauses.

Each technician is one thread with its own session (the app's cookie and CSRF
token), working its visits in order exactly as visits/static/phone/ does:
the day list, the visit screen (visit + checklist), the checklist screen, each
answer a PUT with `If-Match` (the newest ETag the phone holds) and an
`Idempotency-Key`, each photo a multipart POST, every write with `Device-Time`,
a checklist reload after each write that was sent (the checklist screen's
`reloadSoon`) and after each lifecycle step, work done, then the sign-off
screen and a single-use signing link that the customer opens on their own
phone (a second session, on `signing_url`: the page, the photos' thumbnails,
the signature POSTed back, the signed page), and the service card and receipt.

`Pace` compresses the real day's pauses (minutes between taps) by a factor.
Nothing here imports Django: it only speaks HTTP.
"""

import base64
import io
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests

API = "/api/v1/"
SIGNING_FORM = re.compile(
    r'<script id="sign-off-form" type="application/json">(.*?)</script>', re.S
)
CSRF_IN_PAGE = re.compile(r'data-csrf-token="([^"]+)"')
# Per visit, in minutes of the real day (they add up to 80: six visits make
# an eight-hour day): getting ready, travel, at the door and in the home, the
# work, clean-up and departure, the customer reading and signing, and the
# time until the next visit is opened.
MINUTES = {
    "prepare": 5.0,
    "travel": 20.0,
    "door": 3.0,
    "home": 6.0,
    "work": 30.0,
    "clean_up": 4.0,
    "sign": 5.0,
    "next": 7.0,
}
# Whole-day minutes of the script below for one visit (for pacing arithmetic).
VISIT_MINUTES = sum(MINUTES.values())
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PHOTO_ROUTE = f"POST {API}visits/{{id}}/photos/"


def local_path(url: str) -> str:
    """The path of an absolute or relative URL (links carry SITE_URL)."""
    if "://" in url:
        return "/" + url.split("://", 1)[1].split("/", 1)[1]
    return url


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Sample:
    route: str
    status: int
    milliseconds: float
    started: float
    is_error: bool
    detail: str = ""


@dataclass
class Recorder:
    """Every request's route template, status and time; thread-safe."""

    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Pace:
    """Sleeps a real-day pause divided by `compression`, with ±25 % jitter."""

    def __init__(self, compression: float, rng: random.Random, stop: threading.Event):
        self.compression = compression
        self.rng = rng
        self.stop = stop

    def minutes(self, minutes: float) -> None:
        if minutes <= 0 or self.compression <= 0:
            return
        seconds = minutes * 60 / self.compression * self.rng.uniform(0.75, 1.25)
        self.stop.wait(seconds)


class VisitFailed(Exception):
    pass


class Client:
    """One phone (or the customer's phone): a session and the recorder."""

    def __init__(self, base_url: str, recorder: Recorder, language: str = "zh-hans"):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = language
        self.recorder = recorder

    def request(
        self,
        route: str,
        method: str,
        path: str,
        *,
        expected=(200,),
        write: bool = False,
        idempotent: bool = False,
        headers: dict | None = None,
        **kwargs,
    ) -> requests.Response:
        all_headers = {"Accept": "application/json", **(headers or {})}
        if write:
            all_headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
            all_headers["Device-Time"] = now_iso()
        if idempotent:
            all_headers["Idempotency-Key"] = str(uuid.uuid4())
        started = time.perf_counter()
        wall = time.time()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                headers=all_headers,
                timeout=120,
                **kwargs,
            )
        except requests.RequestException as error:
            elapsed = (time.perf_counter() - started) * 1000
            self.recorder.add(
                Sample(f"{method} {route}", 0, elapsed, wall, True, repr(error)[:300])
            )
            raise VisitFailed(f"{method} {path}: {error!r}") from error
        elapsed = (time.perf_counter() - started) * 1000
        is_error = response.status_code not in expected
        self.recorder.add(
            Sample(
                f"{method} {route}",
                response.status_code,
                elapsed,
                wall,
                is_error,
                response.text[:300] if is_error else "",
            )
        )
        if is_error:
            raise VisitFailed(
                f"{method} {path}: {response.status_code} {response.text[:300]}"
            )
        return response


def signature_png() -> str:
    """A finger-drawn signature as the signing pad sends it (a data: URL)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        (30, 110, 90, 40, 130, 120, 180, 50, 230, 115), fill=(20, 20, 60), width=5
    )
    draw.line(
        (260, 60, 330, 60, 300, 130, 380, 90, 450, 100), fill=(20, 20, 60), width=5
    )
    stream = io.BytesIO()
    image.save(stream, "PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


ANSWERS = {
    "confirm": True,
    "number": -18.6,
    "text": "更换入户光纤跳线，重新配置光猫，测速 300M 正常",
}


@dataclass
class DayOptions:
    compression: float = 120.0
    # Every request the phone app makes (screen re-reads, the checklist after
    # each lifecycle step, signing on the customer's phone); off gives the
    # leaner replay of the earlier review.
    is_app_faithful: bool = True
    # The phone app before 2026-12-07: it read the whole checklist again after
    # every answer, photo and lifecycle step it sent.
    reloads_after_writes: bool = False
    start_spread_minutes: float = 20.0


class TechnicianDay:
    """One technician's day: sign in (before the measured window), then
    `work()` does the visits in order."""

    def __init__(
        self,
        base_url: str,
        recorder: Recorder,
        *,
        username: str,
        password: str,
        day: str,
        visit_ids: list[int],
        photo: bytes,
        options: DayOptions,
        stop: threading.Event,
        seed: int = 0,
        signing_url: str | None = None,
    ):
        self.base_url = base_url
        # Where the customer's phone opens the signing link: another web node
        # than the technician's when there are several (any node serves any
        # request, so a photo uploaded through one is shown by the other).
        self.signing_url = signing_url or base_url
        self.recorder = recorder
        self.phone = Client(base_url, recorder)
        self.username = username
        self.password = password
        self.day = day
        self.visit_ids = visit_ids
        self.photo = photo
        self.options = options
        self.pace = Pace(options.compression, random.Random(seed), stop)
        self.stop = stop
        self.etags: dict[int, str] = {}
        self.visits_done = 0
        self.failures: list[str] = []
        self.signature = signature_png()

    # --- the phone app's screens ------------------------------------------------

    def sign_in(self) -> None:
        """The app's page (sets the CSRF cookie), then the session sign-in."""
        self.phone.request("/app/", "GET", "/app/", headers={"Accept": BROWSER_ACCEPT})
        self.phone.request(
            f"{API}auth/session/",
            "POST",
            f"{API}auth/session/",
            write=True,
            json={"username": self.username, "password": self.password},
        )
        self.phone.request(f"{API}me/", "GET", f"{API}me/")

    def work(self) -> None:
        self.pace.minutes(self.pace.rng.uniform(0, self.options.start_spread_minutes))
        for visit_id in self.visit_ids:
            if self.stop.is_set():
                return
            try:
                self.visit(visit_id)
                self.visits_done += 1
            except VisitFailed as failure:
                self.failures.append(str(failure))

    def get(self, route: str, path: str, **kwargs) -> requests.Response:
        return self.phone.request(route, "GET", path, **kwargs)

    def checklist(self, visit_id: int) -> dict:
        body = self.get(
            f"{API}visits/{{id}}/checklist/", f"{API}visits/{visit_id}/checklist/"
        ).json()
        for item in body["items"]:
            self.etags[item["id"]] = item["etag"]
        return body

    def open_visit(self, visit_id: int) -> dict:
        visit = self.get(f"{API}visits/{{id}}/", f"{API}visits/{visit_id}/").json()
        self.checklist(visit_id)
        return visit

    def step(self, visit_id: int, step: str, body: dict | None = None) -> dict:
        answer = self.phone.request(
            f"{API}visits/{{id}}/actions/{step}/",
            "POST",
            f"{API}visits/{visit_id}/actions/{step}/",
            write=True,
            idempotent=True,
            json={**(body or {}), "occurred_at": now_iso()},
        ).json()
        if self.options.is_app_faithful and self.options.reloads_after_writes:
            self.checklist(visit_id)
        return answer

    def answer(self, visit_id: int, item: dict) -> None:
        kind = item["kind"]
        value = item["choices"][0]["value"] if kind == "choice" else ANSWERS[kind]
        headers = {}
        if self.etags.get(item["id"]):
            headers["If-Match"] = self.etags[item["id"]]
        body = self.phone.request(
            f"{API}visits/{{id}}/checklist/{{item}}/",
            "PUT",
            f"{API}visits/{visit_id}/checklist/{item['id']}/",
            write=True,
            idempotent=True,
            headers=headers,
            json={"value": value, "note": "", "captured_at": now_iso()},
        ).json()
        self.etags[item["id"]] = body["etag"]

    def upload_photo(self, visit_id: int, item: dict) -> None:
        self.phone.request(
            f"{API}visits/{{id}}/photos/",
            "POST",
            f"{API}visits/{visit_id}/photos/",
            expected=(201, 202),
            write=True,
            idempotent=True,
            files={"file": ("photo.jpg", self.photo, "image/jpeg")},
            data={"item": str(item["id"]), "captured_at": now_iso()},
        )

    def work_items(self, visit_id: int, items: list[dict], minutes: float) -> None:
        """Answers `items` in order over `minutes` of the real day (with the
        older app, each write followed by the checklist screen's reload)."""
        pause = minutes / max(1, len(items))
        for item in items:
            self.pace.minutes(pause)
            if item["kind"] == "photo":
                self.upload_photo(visit_id, item)
            else:
                self.answer(visit_id, item)
            if self.options.is_app_faithful and self.options.reloads_after_writes:
                self.checklist(visit_id)

    def visit(self, visit_id: int) -> None:
        faithful = self.options.is_app_faithful
        self.get(f"{API}me/visits/", f"{API}me/visits/?date={self.day}")
        visit = self.open_visit(visit_id) if faithful else None
        items = self.checklist(visit_id)["items"]
        by_stage: dict[str, list[dict]] = {}
        for item in items:
            by_stage.setdefault(item["stage"], []).append(item)
        self.work_items(
            visit_id, by_stage.get("before_departure", []), MINUTES["prepare"]
        )
        if faithful:
            visit = self.open_visit(visit_id)
        visit = self.step(visit_id, "start-travel")
        self.pace.minutes(MINUTES["travel"])
        self.arrive(visit_id, visit)
        self.step(visit_id, "start-work")
        if faithful:
            self.checklist(visit_id)
        self.work_items(visit_id, by_stage.get("at_the_door", []), MINUTES["door"])
        self.work_items(visit_id, by_stage.get("in_the_home", []), MINUTES["home"])
        self.work_items(visit_id, by_stage.get("work", []), MINUTES["work"])
        self.work_items(
            visit_id,
            by_stage.get("clean_up", []) + by_stage.get("departure", []),
            MINUTES["clean_up"],
        )
        if faithful:
            self.open_visit(visit_id)
        self.step(visit_id, "finish-work")
        self.sign_off(visit_id)
        self.pace.minutes(MINUTES["next"])

    def arrive(self, visit_id: int, visit: dict) -> None:
        """As the app's arrive form: judged on the phone's clock, a reason
        given when outside the tolerance; resent with one if the server's
        clock judged otherwise."""
        appointed = datetime.fromisoformat(visit["appointed_start"])
        seconds = (datetime.now(UTC) - appointed).total_seconds()
        tolerance = visit["arrival_tolerance_minutes"] * 60
        body = {}
        if abs(seconds) > tolerance:
            body["late_reason"] = "前一单延误" if seconds > 0 else "提前到达，客户同意"
        self.step(visit_id, "arrive", body)

    def sign_off(self, visit_id: int) -> None:
        """The sign-off screen, a signing link, the customer signing on their
        own phone, then the service card and the receipt. The lean flow has
        the customer sign on the technician's phone instead."""
        form = self.get(
            f"{API}visits/{{id}}/sign-off/", f"{API}visits/{visit_id}/sign-off/"
        ).json()
        if not self.options.is_app_faithful:
            record = self.phone.request(
                f"{API}visits/{{id}}/sign-off/",
                "POST",
                f"{API}visits/{visit_id}/sign-off/",
                expected=(201,),
                write=True,
                idempotent=True,
                json={**self.signing_answers(form), "captured_at": now_iso()},
            ).json()
            self.get(
                f"{API}visits/{{id}}/service-card/",
                f"{API}visits/{visit_id}/service-card/",
            )
            self.receipt(record)
            return
        link = self.phone.request(
            f"{API}visits/{{id}}/sign-off-links/",
            "POST",
            f"{API}visits/{visit_id}/sign-off-links/",
            expected=(201,),
            write=True,
            idempotent=True,
        ).json()
        self.customer_signs(link["url"])
        record = self.get(
            f"{API}visits/{{id}}/sign-off/", f"{API}visits/{visit_id}/sign-off/"
        ).json()["record"]
        if record is None:
            raise VisitFailed(f"visit {visit_id}: no record after signing")
        self.get(
            f"{API}visits/{{id}}/service-card/", f"{API}visits/{visit_id}/service-card/"
        )
        if self.options.is_app_faithful:
            self.get(
                f"{API}visits/{{id}}/sign-off/", f"{API}visits/{visit_id}/sign-off/"
            )
        self.receipt(record)

    def receipt(self, record: dict) -> None:
        self.get(
            f"{API}visits/{{id}}/receipt.pdf",
            local_path(record["receipt_url"]),
            # A link the app shows: the browser opens it as a page.
            headers={"Accept": BROWSER_ACCEPT},
        )

    def signing_answers(self, form: dict) -> dict:
        """What the signing form sends: every conduct item confirmed."""
        return {
            "signer_name": "陈静",
            "signature": self.signature,
            "consent_version": form["consent"]["version"],
            "conduct": [
                {"code": question["code"], "confirmed": True}
                for question in form["questions"]
            ],
        }

    def customer_signs(self, url: str) -> None:
        customer = Client(self.signing_url, self.recorder)
        path = local_path(url)
        html = {"Accept": BROWSER_ACCEPT}
        page = customer.request("/sign/{token}/", "GET", path, headers=html).text
        form_match = SIGNING_FORM.search(page)
        csrf_match = CSRF_IN_PAGE.search(page)
        if not form_match or not csrf_match:
            raise VisitFailed(f"{path}: no signing form on the page")
        form = json.loads(form_match.group(1))
        for photo in form.get("photos", []):
            customer.request(
                "/sign/{token}/photos/{id}.jpg",
                "GET",
                local_path(photo["thumbnail_url"]),
                headers={"Accept": "image/*"},
            )
        self.pace.minutes(MINUTES["sign"])
        customer.request(
            "/sign/{token}/",
            "POST",
            path,
            expected=(201,),
            headers={"X-CSRFToken": csrf_match.group(1), "Referer": url},
            json=self.signing_answers(form),
        )
        customer.request("/sign/{token}/", "GET", path, headers=html)
