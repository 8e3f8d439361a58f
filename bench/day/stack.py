"""The production stack as subprocesses: K web nodes, each a gunicorn (sync
workers) on its own port and a Celery worker, and one beat in all, on the
bench's PostgreSQL database and Redis db, with production settings (DEBUG off,
a secret, ALLOWED_HOSTS) and a call provider that records each call to a file
and makes no network call.

Each node has its own working directory (static files, media when on the
file system, logs), so that the nodes share only what several boxes would:
PostgreSQL, Redis, the media bucket (an S3 server, moto's, standing in for
the provider's) and the one public address links carry. The call log is the
one file for all workers: the provider appends (O_APPEND) a line in one write,
so two workers' lines cannot interleave."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
S3_REGION = "us-east-1"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "bench-key", "AWS_SECRET_ACCESS_KEY": "bench-secret"}


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
    *,
    database_url: str,
    redis_url: str,
    site_url: str,
    call_log: Path,
    time_zone: str,
    secret_key: str,
) -> dict[str, str]:
    """What every node shares; `node_environment` adds a node's own."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CALL_", "FIELDSERVICE_", "AWS_", "S3_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "fieldservice.settings.base",
            "DJANGO_DEBUG": "0",
            # One secret for all nodes, as in production: a session or a
            # signing link made by one node is read by another.
            "DJANGO_SECRET_KEY": secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on the loopback: no TLS proxy in front of this bench.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TIME_ZONE": time_zone,
            "SITE_URL": site_url,
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            # Every technician signs in from 127.0.0.1 at the start.
            "LOGIN_THROTTLE_RATE": "100000/min",
            "CALL_PROVIDER": "tests.call_providers.RecordingProvider",
            "FIELDSERVICE_TEST_CALL_LOG": str(call_log),
            "CALL_QUIET_HOURS": "00:00-00:00",
            "CALL_SCAN_SECONDS": "10",
            "PYTHONPATH": str(ROOT),
        }
    )
    return environment


def node_environment(
    shared: dict[str, str], *, name: str, workdir: Path, media: dict[str, str]
) -> dict[str, str]:
    return {
        **shared,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        # Which worker placed a call, in the shared call log.
        "FIELDSERVICE_TEST_CALL_NODE": name,
        **media,
    }


def start_process(
    command: list[str], *, environment: dict[str, str], log: Path
) -> subprocess.Popen:
    """Starts `command` in its own session (so that stopping it ends its
    children too), its output appended to `log`."""
    stream = open(log, "ab")  # noqa: SIM115 (kept open while it runs)
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=stream,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Ends the process groups started here (each its own session)."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def is_answering(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class ObjectStore:
    """moto's S3 server on a free port with one private bucket: the media
    storage every node reaches. It stands in for the provider's service, so
    its CPU is reported apart from the stack's."""

    def __init__(self, workdir: Path, bucket: str = "fieldservice-media"):
        self.workdir = workdir
        self.bucket = bucket
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = start_process(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            environment=dict(os.environ),
            log=self.workdir / "s3.log",
        )
        deadline = time.monotonic() + 30
        while not self.is_answering():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the S3 server did not start: see {self.workdir}/s3.log"
                )
            time.sleep(0.3)
        boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=S3_REGION,
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=self.bucket)

    def is_answering(self) -> bool:
        try:
            requests.get(self.endpoint, timeout=2)
        except requests.RequestException:
            return False
        return True

    def environment(self) -> dict[str, str]:
        """The app's settings for media in this bucket (MEDIA_STORAGE=s3)."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": S3_REGION,
            **S3_KEYS,
        }

    def pids(self) -> dict[str, list[int]]:
        return {"s3": [self.process.pid]} if self.process else {}

    def stop(self) -> None:
        if self.process:
            stop_processes([self.process])
            self.process = None


class Node:
    """One web node: gunicorn on its own port and a Celery worker
    (concurrency 2), in its own working directory."""

    def __init__(
        self,
        name: str,
        environment: dict[str, str],
        workdir: Path,
        workers: int,
        port: int,
    ):
        self.name = name
        self.environment = environment
        self.workdir = workdir
        self.workers = workers
        self.port = port
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        workdir.mkdir(parents=True, exist_ok=True)

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [str(BIN / "python"), "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_process(self, group: str, command: list[str]) -> None:
        self.processes[group] = start_process(
            command, environment=self.environment, log=self.workdir / f"{group}.log"
        )

    def start(self) -> None:
        self.start_process(
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
                # Its own control socket: by default every gunicorn on the box
                # takes the one in ~/.gunicorn/.
                "--control-socket",
                str(self.workdir / "gunicorn.ctl"),
            ],
        )
        self.start_process(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "fieldservice",
                "worker",
                "--concurrency",
                "2",
                # Two workers on one broker need two names.
                "--hostname",
                f"{self.name}@%h",
                "--loglevel",
                "WARNING",
            ],
        )

    def start_beat(self) -> None:
        """Beat, on this node alone: two would schedule every scan twice."""
        self.start_process(
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

    def ended(self) -> str | None:
        """The first of its processes that has ended, if one has."""
        for group, process in self.processes.items():
            if process.poll() is not None:
                return f"{self.workdir}/{group}.log"
        return None

    def pids(self) -> dict[str, list[int]]:
        """By CPU group; a node's groups are named `<node> <group>`."""
        return {
            group if group == "beat" else f"{self.name} {group}": [process.pid]
            for group, process in self.processes.items()
        }

    def stop(self) -> None:
        stop_processes(list(self.processes.values()))
        self.processes = {}


class Stack:
    """The nodes, the one beat (on the first node) and, with media on S3, the
    object store."""

    def __init__(self, nodes: list[Node], store: ObjectStore | None):
        self.nodes = nodes
        self.store = store
        self.workers = nodes[0].workers

    def start(self) -> None:
        if self.store:
            self.store.start()
        for node in self.nodes:
            node.start()
        self.nodes[0].start_beat()
        deadline = time.monotonic() + 60
        waiting = list(self.nodes)
        while waiting and time.monotonic() < deadline:
            for node in self.nodes:
                if log := node.ended():
                    raise RuntimeError(
                        f"{node.name}: a process ended at start: see {log}"
                    )
            waiting = [
                node for node in waiting if not is_answering(f"{node.base_url}/healthz")
            ]
            time.sleep(0.5)
        if waiting:
            raise RuntimeError(
                f"{', '.join(node.name for node in waiting)}: no answer on /healthz within 60 s"
            )

    def pids(self) -> dict[str, list[int]]:
        pids: dict[str, list[int]] = {}
        for node in self.nodes:
            pids.update(node.pids())
        if self.store:
            pids.update(self.store.pids())
        return pids

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        if self.store:
            self.store.stop()
