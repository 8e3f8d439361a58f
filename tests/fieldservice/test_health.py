"""The health check, and the real broker and worker behind it."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from fieldservice.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_the_health_check_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_the_health_check_says_503_when_the_broker_is_down(client, settings):
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}


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

    health = client.get("/healthz")
    admin = client.get("/admin/")

    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    assert admin.status_code == 301
    assert admin["Location"].startswith("https://")
