"""The health check, and the real broker and worker behind it."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from fieldservice import heartbeat
from fieldservice.celery import app as celery_app
from fieldservice.celery import heartbeat_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_heartbeats():
    """Forget the heartbeats (only those keys: on Redis the cache shares its
    database with the broker)."""
    keys = [f"heartbeat:{name}" for name in (heartbeat.WORKER, heartbeat.BEAT)]
    caches[heartbeat.CACHE].delete_many(keys)
    yield
    caches[heartbeat.CACHE].delete_many(keys)


def beat_and_work(seconds_ago: float = 0) -> None:
    for name in (heartbeat.WORKER, heartbeat.BEAT):
        heartbeat.heartbeat_record(name, at=time.time() - seconds_ago)


def test_the_health_check_reports_database_broker_worker_and_beat(client):
    beat_and_work(seconds_ago=30)

    response = client.get("/healthz")

    body = response.json()
    ages = [body.pop(f"{name}_heartbeat_age_seconds") for name in ("worker", "beat")]
    assert response.status_code == 200
    assert body == {"database": "ok", "broker": "ok", "worker": "ok", "beat": "ok"}
    assert all(30 <= age < 90 for age in ages)


def test_a_worker_and_beat_that_never_beat_are_reported_without_failing_the_web(client):
    """A load balancer must not take every web server out because a worker died."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"] == "unavailable"
    assert response.json()["beat"] == "unavailable"
    assert response.json()["worker_heartbeat_age_seconds"] is None


def test_for_monitoring_a_worker_and_beat_that_never_beat_are_a_503(client):
    response = client.get("/healthz/background")

    assert response.status_code == 503
    assert response.json()["worker"] == "unavailable"
    assert response.json()["beat"] == "unavailable"


def test_for_monitoring_a_stale_worker_heartbeat_is_a_503_with_its_age(
    client, settings
):
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 120
    beat_and_work()
    heartbeat.heartbeat_record(heartbeat.WORKER, at=time.time() - 600)

    response = client.get("/healthz/background")

    assert response.status_code == 503
    assert response.json()["worker"] == "unavailable"
    assert response.json()["beat"] == "ok"
    assert 600 <= response.json()["worker_heartbeat_age_seconds"] < 660
    assert client.get("/healthz").status_code == 200


def test_for_monitoring_fresh_heartbeats_are_a_200(client, settings):
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 120
    beat_and_work(seconds_ago=119)

    assert client.get("/healthz/background").status_code == 200


def test_the_health_check_says_503_when_the_broker_is_down(client, settings):
    beat_and_work()
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_without_redis_the_embedded_broker_is_used(settings):
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: the broker is Redis")

    assert celery_app.conf.broker_url == "filesystem://"


@pytest.mark.redis
def test_with_redis_the_broker_and_the_cache_are_redis():
    assert settings.REDIS_URL
    assert celery_app.conf.broker_url == settings.REDIS_URL
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")

    from django.core.cache import cache

    cache.set("fieldservice-test", "value", 5)
    assert cache.get("fieldservice-test") == "value"


@pytest.mark.redis
def test_a_real_worker_answers_on_the_redis_broker():
    """Starts `celery worker` as a user would and pings it over Redis."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fieldservice.settings.test"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fieldservice",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--hostname=health-test@%h",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        replies = []
        deadline = time.monotonic() + 60
        while not replies and time.monotonic() < deadline and worker.poll() is None:
            replies = celery_app.control.ping(timeout=1.0)
        assert worker.poll() is None, worker.stderr.read().decode()
        assert any(
            name.startswith("health-test@") for reply in replies for name in reply
        )
        # What beat does every HEALTH_HEARTBEAT_SECONDS: the worker runs it.
        heartbeat_task.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if heartbeat.heartbeat_age(heartbeat.WORKER) is not None:
                break
            time.sleep(0.2)
        response = Client().get("/healthz/background")
        assert response.status_code == 200, response.json()
        assert response.json()["worker"] == response.json()["beat"] == "ok"
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_the_embedded_broker_keeps_its_exchange_table_in_its_own_folder(settings):
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: the broker is Redis")
    broker_dir = Path(settings.CELERY_FILESYSTEM_BROKER_DIR)
    stray = Path.cwd() / "control"
    shutil.rmtree(stray, ignore_errors=True)

    celery_app.send_task("tests.nothing_runs_this", queue="embedded-broker-test")
    celery_app.control.purge()

    assert (broker_dir / "control" / "celery.exchange").is_file()
    assert not stray.exists()


def test_a_test_run_removes_the_broker_folder_it_made():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CELERY_FILESYSTEM_BROKER_DIR", "REDIS_URL")
    }
    env["DJANGO_SETTINGS_MODULE"] = "fieldservice.settings.test"
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CELERY_FILESYSTEM_BROKER_DIR)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert Path(made).name.startswith("fieldservice-broker-")
    assert not Path(made).exists()


def test_with_the_ssl_redirect_on_the_health_check_answers_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production (DJANGO_DEBUG off)
    beat_and_work()

    health = client.get("/healthz")
    background = client.get("/healthz/background")
    admin = client.get("/admin/")

    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    assert background.status_code == 200
    assert admin.status_code == 301
    assert admin["Location"].startswith("https://")
