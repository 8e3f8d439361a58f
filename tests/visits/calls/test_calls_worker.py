"""Calls through a real Celery worker on Redis and PostgreSQL, not eager mode:
a due reminder is placed exactly once, also when two scans run at once and
when the worker is killed in the middle of placing it."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from fieldservice.celery import app as celery_app
from tests.factories import TechnicianFactory
from tests.visits.checklists.checklist_helpers import book
from visits.calls import services as calls
from visits.calls import tasks as call_tasks
from visits.models import Call

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


class Worker:
    """`celery worker` as a user starts it, on the test database."""

    def __init__(self, log: Path, seconds_per_call: float):
        self.output = log.with_suffix(f".worker{time.monotonic_ns()}.txt")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fieldservice.settings.test",
            "DATABASE_URL": database_url(),
            "CALL_PROVIDER": "tests.call_providers.RecordingProvider",
            "FIELDSERVICE_TEST_CALL_LOG": str(log),
            "FIELDSERVICE_TEST_CALL_SECONDS": str(seconds_per_call),
            # Due calls are placed whatever the hour the suite runs at.
            "CALL_QUIET_HOURS": "00:00-00:00",
        }
        self.process = None

    def start(self) -> "Worker":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "fieldservice",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--hostname=calls-test@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=self.env,
            stdout=self.output.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(
                "calls-test@" in name
                for reply in celery_app.control.ping(timeout=1)
                for name in reply
            ):
                return self
            assert self.process.poll() is None, "the worker did not start"
        raise AssertionError("the worker did not answer in 60 s")

    def deliveries(self) -> int:
        """How often the worker received a call_place_task message."""
        return sum(
            1
            for line in self.output.read_text().splitlines()
            if "call_place_task[" in line and line.endswith("received")
        )

    def child_pid(self) -> int:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(path.read_text().split()[0])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "calls.log"
    path.touch()
    return path


@pytest.fixture
def clean_queue():
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines()


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def due_calls(count: int) -> list[int]:
    technician = TechnicianFactory()
    ids = []
    for index in range(count):
        visit = book(technician, minutes_ahead=3 * 24 * 60 + index * 120)
        call = Call.objects.filter(visit=visit).order_by("due_at").first()
        Call.objects.filter(pk=call.pk).update(
            due_at=timezone.now() - timedelta(seconds=1)
        )
        ids.append(call.pk)
    return ids


def test_two_scans_at_once_place_each_due_call_exactly_once(log, clean_queue):
    ids = due_calls(5)
    worker = Worker(log, seconds_per_call=0).start()
    try:
        claimed = []
        barrier = threading.Barrier(2)

        def scan():
            barrier.wait()
            claimed.append(call_tasks.calls_scan_task())
            connection.close()

        threads = [threading.Thread(target=scan) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        wait_for(lambda: Call.objects.filter(pk__in=ids, state="placed").count() == 5)
        time.sleep(1)  # room for a duplicate to show up, were there one
    finally:
        worker.stop()

    assert sum(claimed) == 5
    placed = [line for line in lines(log) if line.startswith("placed")]
    assert sorted(placed) == sorted(f"placed {call_id}" for call_id in ids)
    assert set(Call.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {
        1
    }


def test_a_worker_killed_while_placing_does_not_place_the_call_twice(log, clean_queue):
    [call_id] = due_calls(1)
    worker = Worker(log, seconds_per_call=6).start()
    try:
        call_tasks.calls_scan_task()
        wait_for(lambda: f"start {call_id}" in lines(log))
        os.kill(
            worker.child_pid(), signal.SIGKILL
        )  # mid-call: the provider has not answered
        # The task comes back to a new child (acks_late, reject_on_worker_lost) and
        # finds the call being placed: it does not place it again.
        wait_for(lambda: worker.deliveries() == 2, 30)
        time.sleep(8)  # longer than a placement takes
        assert lines(log) == [f"start {call_id}"]
        assert Call.objects.get(pk=call_id).state == "placing"
    finally:
        worker.stop()

    # The worker is restarted; the scan finds the call stuck and tries it again.
    with override_settings(CALL_PLACING_STALE_MINUTES=0):
        calls.calls_recover_stale()
    call = Call.objects.get(pk=call_id)
    assert (call.state, call.attempts) == ("scheduled", 1)
    restarted = Worker(log, seconds_per_call=0).start()
    try:
        calls.calls_claim_due(on_claimed=call_tasks.place_each, now=call.due_at)
        wait_for(lambda: Call.objects.get(pk=call_id).state == "placed")
        time.sleep(1)
    finally:
        restarted.stop()

    assert lines(log) == [f"start {call_id}", f"start {call_id}", f"placed {call_id}"]
    assert Call.objects.get(pk=call_id).attempts == 2
