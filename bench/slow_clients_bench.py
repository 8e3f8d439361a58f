"""Slow phones against gunicorn: do they hold the workers?

Run from the project root: `.venv/bin/python bench/slow_clients_bench.py`
(`--workers 2 --slow 4 --rate-kb 40 --modes sync,nginx,nginx-unbuffered,gthread`;
`--database-url` for PostgreSQL, else a new SQLite file; results added to
bench/results/slow_clients.json under each mode's key).

Each mode starts gunicorn (production settings, DEBUG off) with --workers
sync workers on the database given, and for the nginx modes deploy/nginx.conf in
front (tests/nginx.py: its ports, upstream and certificate replaced; over
TLS as in production). `nginx-unbuffered` is the same file with
proxy_request_buffering off, to show which line does the work; `gthread` is
gunicorn's threaded workers (--threads) without a proxy.

Then --slow emulated phones each upload a real photo (a 1600 x 1200 JPEG, as
the phone app's downscaled upload) to POST /api/v1/visits/<id>/photos/ with a
real technician token, over raw sockets, 4 KB at a time at --rate-kb KB/s.
While they send, a fast client starts GET /api/v1/me/ every 0.5 s (each in its
own thread, --fast-timeout seconds), and records every latency and timeout. The
same GET, 20 times one after the other before the phones start, is the idle
baseline of the same run: the table gives latency under slow phones as a
ratio of it. Nothing asserts on these figures.
"""

import argparse
import io
import json
import os
import platform
import secrets
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.nginx import CONFIG, Nginx  # noqa: E402
from tests.processes import Process, free_port, wait_for  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "slow_clients.json"
BIN = Path(sys.executable).parent
MODES = ("sync", "nginx", "nginx-unbuffered", "gthread")

SETUP = r"""
import json, secrets, sys
from datetime import UTC, datetime, timedelta
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from accounts import services as accounts_services
from accounts.models import AreaTier, Language
from visits.lifecycle import services

call_command("migrate", "--noinput", verbosity=0)
suffix = sys.argv[1]
password = secrets.token_urlsafe(16)
accounts_services.dispatcher_group_ensure()
dispatcher = accounts_services.dispatcher_create(
    username=f"slow-{suffix}-d", password=password, first_name="D", last_name="D",
    phone="02712345678")
technician = accounts_services.technician_create(
    username=f"slow-{suffix}-t", password=password, first_name="T", last_name="T",
    employee_number=f"S{suffix}"[:20], phone="13800000000").user
customer = accounts_services.customer_create(
    name="客户", phone="13900000000", address="武汉市江汉区解放大道 688 号",
    area_tier=AreaTier.URBAN, language=Language.CHINESE)
order = services.work_order_create(customer=customer, kind="repair", by=dispatcher)
visit = services.visit_schedule(
    work_order=order, technician=technician,
    appointed_start=timezone.now() + timedelta(minutes=1), by=dispatcher)
for step in (services.visit_start_travel, services.visit_arrive,
             services.visit_start_work):
    step(visit=visit, by=technician)
token = Token.objects.create(user=technician)
Token.objects.filter(pk=token.pk).update(created=datetime(2100, 1, 1, tzinfo=UTC))
print(json.dumps({"visit": visit.pk, "token": token.key}))
"""


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CALL_", "FIELDSERVICE_", "REDIS_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fieldservice.settings.base",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "CELERY_FILESYSTEM_BROKER_DIR": str(workdir / "broker"),
            "LOG_LEVEL": "WARNING",
        }
    )
    (workdir / "broker").mkdir(exist_ok=True)
    return env


def photo(seed: int = 1) -> bytes:
    """A 1600 x 1200 JPEG with some texture, as a downscaled phone photo."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((1600, 1200), 60).filter(ImageFilter.GaussianBlur(1))
    image = Image.merge("RGB", (noise, noise.rotate(90, expand=False), noise))
    stream = io.BytesIO()
    image.save(stream, "JPEG", quality=85)
    return stream.getvalue()


def multipart(data: bytes, boundary: str) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Target:
    """Where the clients connect: gunicorn itself, or nginx over TLS."""

    def __init__(self, port: int, tls: bool):
        self.port = port
        self.context = ssl.create_default_context() if tls else None
        if self.context:
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE

    def connect(self, timeout: float = 600) -> socket.socket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return self.context.wrap_socket(raw) if self.context else raw


def slow_upload(target, visit, token, body, boundary, rate_kb, record) -> None:
    started = time.monotonic()
    try:
        with target.connect() as phone:
            phone.sendall(
                (
                    f"POST /api/v1/visits/{visit}/photos/ HTTP/1.1\r\n"
                    f"Host: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
                    f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
            )
            pause = 4096 / (rate_kb * 1024)
            for start in range(0, len(body), 4096):
                phone.sendall(body[start : start + 4096])
                time.sleep(pause)
            sent = time.monotonic() - started
            response = b""
            while chunk := phone.recv(65536):
                response += chunk
        status = response.split(b"\r\n", 1)[0].decode(errors="replace")
        record(
            {"sent_s": sent, "total_s": time.monotonic() - started, "status": status}
        )
    except OSError as error:
        record({"error": repr(error), "total_s": time.monotonic() - started})


def fast_get(target, token, timeout, record) -> None:
    """GET /api/v1/me/ on a new connection (over TLS through nginx), read to
    its end; a raw socket with one shared TLS context, so the client's own
    set-up (requests loads the certificate store for every new session: about
    60 ms here) is not counted as the server's."""
    started = time.monotonic()
    try:
        with target.connect(timeout) as client:
            client.sendall(
                (
                    "GET /api/v1/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Token {token}\r\nConnection: close\r\n\r\n"
                ).encode()
            )
            response = b""
            while chunk := client.recv(65536):
                response += chunk
        status = int(response.split(b" ", 2)[1])
        record({"latency_s": time.monotonic() - started, "status": status})
    except TimeoutError:
        record({"timeout": True, "latency_s": time.monotonic() - started})


def run_mode(mode, args, database_url, setup, body, boundary, workdir) -> dict:
    env = environment(database_url, workdir)
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "fieldservice.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "120",
    ]
    if mode == "gthread":
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    else:
        command += ["--worker-class", "sync"]
    if mode.startswith("nginx"):
        env["DJANGO_BEHIND_TLS_PROXY"] = "1"
        env["TRUSTED_PROXY_COUNT"] = "1"
    gunicorn = Process(f"gunicorn-{mode}", workdir, command, env).start()
    proxy = None
    try:
        gunicorn.stop_unless(
            lambda: wait_for(
                lambda: _answers(f"http://127.0.0.1:{port}"), 60, "gunicorn"
            )
        )
        target = Target(port, tls=False)
        if mode.startswith("nginx"):
            source = CONFIG.read_text()
            if mode == "nginx-unbuffered":
                source = source.replace(
                    "proxy_request_buffering on;", "proxy_request_buffering off;"
                )
            proxy = Nginx(workdir / f"nginx-{mode}", port, source=source).start()
            target = Target(proxy.https_port, tls=True)
        token, visit = setup["token"], setup["visit"]
        idle: list[dict] = []
        for _ in range(20):
            fast_get(target, token, args.fast_timeout, idle.append)
        uploads: list[dict] = []
        fast: list[dict] = []
        lock = threading.Lock()

        def keep(into):
            def record(row):
                with lock:
                    into.append(row)

            return record

        phones = [
            threading.Thread(
                target=slow_upload,
                args=(
                    target,
                    visit,
                    token,
                    body,
                    boundary,
                    args.rate_kb,
                    keep(uploads),
                ),
            )
            for _ in range(args.slow)
        ]
        for phone in phones:
            phone.start()
        time.sleep(1)  # the phones have connected and are sending
        getters = []
        while any(phone.is_alive() for phone in phones):
            getter = threading.Thread(
                target=fast_get,
                args=(target, token, args.fast_timeout, keep(fast)),
            )
            getter.start()
            getters.append(getter)
            time.sleep(0.5)
        for thread in getters:
            thread.join()
    finally:
        if proxy is not None:
            proxy.stop()
        gunicorn.stop()
    idle_latencies = [row["latency_s"] for row in idle]
    answered = [row["latency_s"] for row in fast if not row.get("timeout")]
    # A timed-out request counts with its timeout (a lower bound) in p50/p95.
    every = [row["latency_s"] for row in fast]
    idle_p50 = statistics.median(idle_latencies)
    return {
        "mode": mode,
        "workers": args.workers,
        "threads": args.threads if mode == "gthread" else None,
        "slow_phones": args.slow,
        "rate_kb_s": args.rate_kb,
        "photo_bytes": len(body),
        "idle_me_p50_ms": round(idle_p50 * 1000, 1),
        "fast_requests": len(fast),
        "fast_timeouts": sum(1 for row in fast if row.get("timeout")),
        "fast_errors": sum(
            1 for row in fast if not row.get("timeout") and row["status"] != 200
        ),
        "fast_p50_ms": round(statistics.median(every) * 1000, 1) if every else None,
        "fast_p95_ms": round(percentile(every, 0.95) * 1000, 1) if every else None,
        "fast_max_ms": round(max(answered) * 1000, 1) if answered else None,
        "fast_p50_over_idle": round(statistics.median(every) / idle_p50, 1)
        if every
        else None,
        "uploads": sorted(
            {row.get("status", row.get("error")) for row in uploads}, key=str
        ),
        "upload_seconds_median": round(
            statistics.median(row["total_s"] for row in uploads), 1
        ),
    }


def _answers(url: str) -> bool:
    try:
        requests.get(f"{url}/api/v1/", timeout=5)
    except requests.RequestException:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--slow", type=int, default=4)
    parser.add_argument("--rate-kb", type=float, default=40)
    parser.add_argument("--fast-timeout", type=float, default=30)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    modes = args.modes.split(",")
    assert set(modes) <= set(MODES), f"modes are {MODES}"
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as folder:
        workdir = Path(folder)
        database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        suffix = secrets.token_hex(4)
        made = subprocess.run(
            [str(BIN / "python"), "-c", SETUP, suffix],
            cwd=ROOT,
            env=environment(database_url, workdir),
            capture_output=True,
            text=True,
        )
        if made.returncode:
            sys.exit(f"setting up the technician failed:\n{made.stderr}")
        setup = json.loads(made.stdout.strip().splitlines()[-1])
        boundary = "slow-phone-" + suffix
        body = multipart(photo(), boundary)
        runs = []
        for mode in modes:
            result = run_mode(mode, args, database_url, setup, body, boundary, workdir)
            print(json.dumps(result), flush=True)
            runs.append(result)
    out = Path(args.out)
    saved = json.loads(out.read_text()) if out.exists() else {"runs": {}}
    for result in runs:
        key = f"{result['mode']}-w{result['workers']}" + (
            f"t{result['threads']}" if result["threads"] else ""
        )
        key += f"-slow{result['slow_phones']}"
        saved["runs"][key] = {
            **result,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": "postgresql"
            if database_url.startswith("postgres")
            else "sqlite",
            "machine": f"{platform.node()} {os.cpu_count()} cpus",
            "load_average_after": os.getloadavg(),
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
