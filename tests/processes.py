"""The installation's processes, started for fault tests as a user starts them:
a private Redis server (stopped and started again by the test; the shared one is
never touched), the web app under gunicorn, a Celery worker and beat. Each
writes its output to a file the test can read."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def this_run_database_url() -> str:
    """The URL of the test database this run uses (PostgreSQL)."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def wait_for(condition, seconds: float = 60, what: str = "a condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Process:
    """A child process with its output in `<folder>/<name>.log`."""

    def __init__(self, name: str, folder: Path, command: list[str], env: dict):
        self.name = name
        self.output = folder / f"{name}.log"
        self.command = command
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self):
        with self.output.open("a") as output:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        return self

    def log(self) -> str:
        return self.output.read_text() if self.output.exists() else ""

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop_unless(self, ready) -> None:
        """Runs `ready`; if it fails, stops the process before failing."""
        try:
            ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.is_running():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class PrivateRedis(Process):
    """`redis-server` on a port of its own, keeping nothing on disk."""

    def __init__(self, folder: Path, port: int | None = None):
        self.port = port or free_port()
        super().__init__(
            f"redis-{self.port}",
            folder,
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            dict(os.environ),
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        super().start()
        self.stop_unless(lambda: wait_for(self.is_answering, 20, "redis to answer"))
        return self

    def is_answering(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def app_environment(**overrides: str) -> dict:
    """The environment of the app's processes in these tests: the test
    settings (production's, with a fast password hasher and no HTTPS redirect),
    and media in a temporary folder, never the checkout's var/media."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fieldservice.settings.test",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="fieldservice-test-media-"),
        **overrides,
    }


class WebServer(Process):
    """The app under gunicorn, as the README runs it in production."""

    def __init__(self, folder: Path, env: dict, workers: int = 1):
        self.port = free_port()
        super().__init__(
            f"gunicorn-{self.port}",
            folder,
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "fieldservice.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
            ],
            env,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        super().start()

        def answers() -> bool:
            assert self.is_running(), f"gunicorn stopped:\n{self.log()}"
            try:
                requests.get(f"{self.url}/api/v1/", timeout=10)
            except requests.ConnectionError:
                return False
            return True

        self.stop_unless(lambda: wait_for(answers, 60, "gunicorn to answer"))
        return self


class Celery(Process):
    """`celery -A fieldservice worker` or `beat`, as the README starts them."""

    def __init__(self, folder: Path, env: dict, *arguments: str):
        name = f"celery-{arguments[0]}-{time.monotonic_ns()}"
        super().__init__(
            name,
            folder,
            [sys.executable, "-m", "celery", "-A", "fieldservice", *arguments],
            env,
        )

    def start_worker(self):
        """Starts it and waits until it takes tasks."""
        self.start()
        self.stop_unless(
            lambda: wait_for(lambda: " ready." in self.log(), 60, "the worker")
        )
        assert self.is_running(), self.log()
        return self
