"""Redis stopped while visits are booked and checklist answers arrive: the app
under gunicorn keeps answering (what lives in Redis degrades as designed), and
once Redis is back the worker and beat, which ran through the outage, place
every due call exactly once. A private redis-server, stopped and started again
on the same port; the shared Redis is never touched."""

import importlib
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from celery import Celery as CeleryApp
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import CustomerFactory, DispatcherFactory, TechnicianFactory
from tests.processes import (
    ROOT,
    Celery,
    PrivateRedis,
    WebServer,
    app_environment,
    this_run_database_url,
    wait_for,
)
from tests.visits.checklists.checklist_helpers import SAMPLE, book
from visits.models import (
    Call,
    ChecklistAnswer,
    ChecklistTemplate,
    ServiceReview,
    Visit,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def checklist_templates() -> None:
    """The checklist templates the migrations seed: a test run before this one
    with a transactional database emptied the tables."""
    if not ChecklistTemplate.objects.exists():
        seeding = importlib.import_module(
            "visits.migrations.0004_seed_checklist_templates"
        )
        seeding.seed(django_apps, None)


def token_of(user) -> str:
    return Token.objects.create(user=user).key


class Api:
    def __init__(self, server: WebServer, key: str):
        self.url = f"{server.url}/api/v1"
        self.headers = {"Authorization": f"Token {key}", "Accept-Language": "en"}

    def send(self, method: str, path: str, body=None, **headers):
        return requests.request(
            method,
            f"{self.url}{path}",
            json=body,
            headers={**self.headers, **headers},
            timeout=60,
        )


def scans_run(worker: Celery) -> int:
    return sum(
        1
        for line in worker.log().splitlines()
        if "calls_scan_task[" in line and "succeeded" in line
    )


def placed_lines(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("placed")]


def test_with_redis_stopped_the_api_works_and_due_calls_are_placed_once_it_returns(
    tmp_path,
):
    calls_log = tmp_path / "calls.log"
    calls_log.touch()
    redis = PrivateRedis(tmp_path)
    environment = app_environment(
        DATABASE_URL=this_run_database_url(),
        REDIS_URL=redis.url,
        MEDIA_ROOT=str(tmp_path / "media"),
        CALL_PROVIDER="tests.call_providers.RecordingProvider",
        FIELDSERVICE_TEST_CALL_LOG=str(calls_log),
        FIELDSERVICE_TEST_CALL_SECONDS="0",
        # Due calls are placed whatever the hour the suite runs at.
        CALL_QUIET_HOURS="00:00-00:00",
        # Beat's ticks, shortened so that the test sees several of them.
        CALL_SCAN_SECONDS="1",
        HEALTH_HEARTBEAT_SECONDS="1",
    )
    dispatcher = DispatcherFactory()
    technician = TechnicianFactory()
    booked_technician = TechnicianFactory()
    customers = [CustomerFactory() for _ in range(4)]
    checklist_templates()
    working = book(technician, minutes_ahead=1)  # the technician is on their way
    desk = token_of(dispatcher)
    phone = token_of(technician)
    processes = [
        WebServer(tmp_path, environment),
        Celery(
            tmp_path,
            environment,
            "worker",
            "--concurrency=2",
            "--loglevel=INFO",
            "--hostname=outage-test@%h",
            "--without-gossip",
            "--without-mingle",
        ),
        Celery(
            tmp_path,
            environment,
            "beat",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'celerybeat-schedule'}",
        ),
    ]
    server, worker, beat = processes
    try:
        redis.start()
        server.start()
        worker.start_worker()
        beat.start()
        wait_for(lambda: scans_run(worker) >= 1, 60, "beat's first scan")
        desk_api, phone_api = Api(server, desk), Api(server, phone)

        # Given Redis stops
        redis.stop()
        assert not redis.is_answering()

        # When a dispatcher books visits (one sent twice with one Idempotency-Key)
        booked = []
        for index, customer in enumerate(customers):
            order = desk_api.send(
                "POST", "/work-orders/", {"customer": customer.pk, "kind": "repair"}
            )
            assert order.status_code == 201, order.text
            body = {
                "work_order": order.json()["id"],
                "technician": booked_technician.pk,
                "appointed_start": (
                    timezone.now() + timedelta(days=3, hours=3 * index)
                ).isoformat(),
            }
            key = str(uuid.uuid4())
            visit = desk_api.send("POST", "/visits/", body, **{"Idempotency-Key": key})
            assert visit.status_code == 201, visit.text
            replay = desk_api.send("POST", "/visits/", body, **{"Idempotency-Key": key})
            assert (replay.status_code, replay.json()) == (201, visit.json())
            booked.append(visit.json()["id"])
            if index == 1:
                # A scan the worker had started as Redis went down: it claims
                # the notices due so far and cannot send their tasks.
                scan = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import django; django.setup(); "
                        "from visits.calls.tasks import calls_scan_task; "
                        "print(calls_scan_task())",
                    ],
                    cwd=ROOT,
                    env=environment,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                assert scan.returncode == 0, scan.stderr
                assert "could not enqueue" in scan.stderr
        # and the technician works through the visit and answers the checklist
        for step in ("start-travel", "arrive", "start-work"):
            answer = phone_api.send("POST", f"/visits/{working.pk}/actions/{step}/")
            assert answer.status_code == 200, answer.text
        answered = 0
        for entry in working.checklist.exclude(kind="photo"):
            value = (
                entry.choices[0]["value"]
                if entry.kind == "choice"
                else SAMPLE[entry.kind]
            )
            answer = phone_api.send(
                "PUT", f"/visits/{working.pk}/checklist/{entry.pk}/", {"value": value}
            )
            assert answer.status_code == 200, answer.text
            answered += 1
        # and someone signs in (the throttle in Redis lets it through)
        signed_in = requests.post(
            f"{server.url}/api/v1/auth/token/",
            json={"username": technician.username, "password": "secret-pass-1"},
            timeout=60,
        )
        # and a dispatcher asks for a review, whose task cannot be sent
        review = desk_api.send("POST", "/scorecard/reviews/", {"month": "2026-01"})
        health = requests.get(f"{server.url}/healthz", timeout=60)

        # Then every request was answered as it should be
        assert answered > 0
        assert signed_in.status_code == 200, signed_in.text
        assert review.status_code == 202, review.text
        assert (health.status_code, health.json()["broker"]) == (503, "unavailable")
        assert health.json()["database"] == "ok"
        assert Visit.objects.filter(pk__in=booked).count() == 4
        assert Visit.objects.get(pk=working.pk).state == "in_progress"
        assert ChecklistAnswer.objects.filter(item__visit=working).count() == answered
        assert "Internal Server Error" not in server.log()
        assert "could not enqueue" in server.log()
        notices = dict(
            Call.objects.filter(visit_id__in=booked, purpose="booking_notice")
            .order_by("visit_id")
            .values_list("visit_id", "state")
        )
        assert notices == {
            booked[0]: "queued",  # claimed by the scan, its task never sent
            booked[1]: "queued",
            booked[2]: "scheduled",
            booked[3]: "scheduled",
        }
        assert placed_lines(calls_log) == []

        # When Redis comes back on the same port
        redis.start()
        # the worker and beat reconnect: the notices still to claim are placed
        wait_for(
            lambda: (
                Call.objects.filter(
                    visit_id__in=booked[2:], purpose="booking_notice", state="placed"
                ).count()
                == 2
            ),
            120,
            "the notices booked during the outage to be placed",
        )
        # and, CALL_QUEUED_STALE_MINUTES later, those claimed with no task sent;
        # two scans sent at once by hand run side by side with beat's.
        Call.objects.filter(state="queued").update(
            claimed_at=timezone.now()
            - timedelta(minutes=settings.CALL_QUEUED_STALE_MINUTES + 1)
        )
        sender = CeleryApp("outage-test", broker=redis.url, set_as_current=False)
        for _ in range(2):
            sender.send_task("visits.tasks.calls_scan_task")
        wait_for(
            lambda: (
                Call.objects.filter(
                    visit_id__in=booked, purpose="booking_notice", state="placed"
                ).count()
                == 4
            ),
            120,
            "every notice to be placed",
        )
        # and the review's task, lost, is sent again by beat's resend after
        # SERVICE_REVIEW_LOST_MINUTES
        ServiceReview.objects.update(
            requested_at=timezone.now()
            - timedelta(minutes=settings.SERVICE_REVIEW_LOST_MINUTES, seconds=1)
        )
        sender.send_task("visits.scorecard.service_reviews_resend_task")
        wait_for(
            lambda: ServiceReview.objects.get().state == "ready",
            120,
            "the review to be made",
        )
        scans = scans_run(worker)
        # a few more of beat's scans, where a second placing would show up
        wait_for(lambda: scans_run(worker) >= scans + 3, 60, "three more scans")
    finally:
        for process in processes:
            process.stop()
        redis.stop()

    # Then each due call was placed exactly once
    notice_ids = list(
        Call.objects.filter(visit_id__in=booked, purpose="booking_notice").values_list(
            "id", flat=True
        )
    )
    placed = placed_lines(calls_log)
    assert sorted(placed) == sorted(
        f"placed {call_id}"
        for call_id in Call.objects.filter(state="placed").values_list("id", flat=True)
    )
    assert {f"placed {call_id}" for call_id in notice_ids} <= set(placed)
    assert len(placed) == len(set(placed))
    assert set(
        Call.objects.filter(state="placed").values_list("attempts", flat=True)
    ) == {1}
