"""The production stack as subprocesses: gunicorn (sync workers), one Celery
worker and beat, on the bench's PostgreSQL database and Redis db, with
production settings (DEBUG off, a secret, ALLOWED_HOSTS) and a call provider
that records each call to a file and makes no network call."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def morning_time_zone(hour: int = 6) -> str:
    """A fixed-offset zone in which it is now `hour` o'clock (Etc/GMT+9 is
    UTC-9): the bench's working day (08:30-17:30 local) then lies ahead, as on
    a real morning, and the calls of the day before are due."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}"


def stack_environment(
    *, database_url: str, redis_url: str, workdir: Path, port: int, time_zone: str
) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CALL_", "FIELDSERVICE_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "fieldservice.settings.base",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on the loopback: no TLS proxy in front of this bench.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TIME_ZONE": time_zone,
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "SITE_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            # Every technician signs in from 127.0.0.1 at the start.
            "LOGIN_THROTTLE_RATE": "100000/min",
            "CALL_PROVIDER": "tests.call_providers.RecordingProvider",
            "FIELDSERVICE_TEST_CALL_LOG": str(workdir / "calls.log"),
            "CALL_QUIET_HOURS": "00:00-00:00",
            "CALL_SCAN_SECONDS": "10",
        }
    )
    return environment


class Stack:
    def __init__(
        self, environment: dict[str, str], workdir: Path, port: int, workers: int
    ):
        self.environment = environment
        self.workdir = workdir
        self.port = port
        self.workers = workers
        self.processes: dict[str, subprocess.Popen] = {}
        self.base_url = f"http://127.0.0.1:{port}"

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [str(BIN / "python"), "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _start(self, name: str, command: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (kept open while it runs)
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self) -> None:
        self._start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "fieldservice.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
            ],
        )
        self._start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "fieldservice",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
            ],
        )
        self._start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "fieldservice",
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{name} ended at start: see {self.workdir}/{name}.log"
                    )
            try:
                if (
                    requests.get(f"{self.base_url}/healthz", timeout=2).status_code
                    == 200
                ):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def pids(self) -> dict[str, list[int]]:
        return {name: [process.pid] for name, process in self.processes.items()}

    def stop(self) -> None:
        """Ends the process groups this stack started (each its own session)."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = {}
