"""The working-day benchmark (`make bench`). See bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldservice_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python -m bench.day

Environment (all optional but the two URLs):
- BENCH_TECHNICIANS=5       technicians replaying their day at once (N)
- BENCH_SEARCH=5,10,20,30   instead: step N up through these until one fails
- BENCH_COMPRESSION=120     the 8-hour day's pauses divided by this (120: 4 min)
- BENCH_PHOTO=12mp          12mp (4000x3000 camera JPEG, ~4.5 MB), 1600 or 1280
                            (long side in px, as a phone that downscales sends)
- BENCH_FLOW=app            app: every request the phone app makes;
                            app-reloading: the app before it stopped reading
                            the checklist again after each write; lean: the
                            earlier review's 30-request visit
- BENCH_MAX_SECONDS=900     bound on the whole run (the search stops there)
- BENCH_WEB_WORKERS=5       gunicorn sync workers (on each node)
- BENCH_NODES=1             K web nodes, each its own gunicorn and Celery worker
                            (own port, own var/bench-day/node<k>/), sharing the
                            database, Redis and media; one beat in all.
                            Technician i's phone uses node i % K, the customer's
                            signing page node (i + 1) % K
- BENCH_MEDIA=file          file (MEDIA_ROOT, one node only) or s3 (the default
                            with K > 1: a local S3 server, moto's, and a bucket;
                            its CPU is reported as "s3", outside the server total)
- BENCH_P95_MS=300          the non-photo p95 a run must stay under to pass

Writes bench/results/day.json (the runs appended) and prints a table.
"""

import json
import os
import platform
import random
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.day.cpu import CpuSampler
from bench.day.replay import (
    API,
    PHOTO_ROUTE,
    VISIT_MINUTES,
    DayOptions,
    Recorder,
    TechnicianDay,
)
from bench.day.stack import (
    ROOT,
    Node,
    ObjectStore,
    Stack,
    free_port,
    morning_time_zone,
    node_environment,
    stack_environment,
)

RESULTS = ROOT / "bench" / "results" / "day.json"
WORKDIR = ROOT / "var" / "bench-day"
# One call log for all the nodes' workers.
CALL_LOG = WORKDIR / "calls.log"
OLDER_P95_MS = 500
FLOWS = {
    # The phone app as it is (visits/static/phone/).
    "app": {"is_app_faithful": True},
    # The phone app before 2026-12-07: the checklist read again after each
    # write and step it sent; to replay against the older server for a
    # before/after.
    "app-reloading": {"is_app_faithful": True, "reloads_after_writes": True},
    # The earlier review's leaner visit.
    "lean": {"is_app_faithful": False},
}
# The stack's own CPU (summed over the nodes), without Redis and the S3 server.
SERVER_GROUPS = ("gunicorn", "worker", "beat", "postgres")


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


def photo_bytes(kind: str) -> bytes:
    """The photo every upload sends, made once and kept under var/."""
    path = WORKDIR / f"photo-{kind}.jpg"
    if path.exists():
        return path.read_bytes()
    from PIL import Image

    from bench.photo_bench import make_phone_photo

    original = make_phone_photo()
    if kind != "12mp":
        import io

        image = Image.open(io.BytesIO(original))
        image.thumbnail((int(kind), int(kind)))
        stream = io.BytesIO()
        image.save(stream, "JPEG", quality=70 if kind == "1280" else 85)
        original = stream.getvalue()
    path.write_bytes(original)
    return original


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarise(samples) -> dict:
    by_route: dict[str, list] = {}
    for sample in samples:
        by_route.setdefault(sample.route, []).append(sample)
    routes = {}
    for route, rows in sorted(by_route.items()):
        times = [row.milliseconds for row in rows]
        routes[route] = {
            "count": len(rows),
            "errors": sum(row.is_error for row in rows),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "max_ms": round(max(times), 1),
        }
    other = [s.milliseconds for s in samples if s.route != PHOTO_ROUTE]
    photos = [s.milliseconds for s in samples if s.route == PHOTO_ROUTE]
    return {
        "routes": routes,
        "requests": len(samples),
        "errors": sum(s.is_error for s in samples),
        "error_examples": [
            f"{s.route} {s.status} {s.detail}" for s in samples if s.is_error
        ][:10],
        "non_photo_p50_ms": round(percentile(other, 0.5), 1) if other else None,
        "non_photo_p95_ms": round(percentile(other, 0.95), 1) if other else None,
        "non_photo_p99_ms": round(percentile(other, 0.99), 1) if other else None,
        "photo_p50_ms": round(percentile(photos, 0.5), 1) if photos else None,
        "photo_p95_ms": round(percentile(photos, 0.95), 1) if photos else None,
        "worst_non_photo_route_p95_ms": max(
            (row["p95_ms"] for route, row in routes.items() if route != PHOTO_ROUTE),
            default=None,
        ),
    }


def placed_lines(log: Path) -> list[tuple[int, str]]:
    """The provider's `placed` lines: the call, and the worker that placed it
    (the node name that ends the line, when the workers set one)."""
    placed = []
    if log.exists():
        for line in log.read_text().splitlines():
            word, _space, rest = line.partition(" ")
            call_id, _space, node = rest.partition(" ")
            if word == "placed":
                placed.append((int(call_id), node or "-"))
    return placed


def calls_check(database_url: str, visit_ids: list[int], log: Path) -> dict:
    """Every call of the run's visits that was placed is in the provider's log
    exactly once, and no other is: one log for all the nodes' workers, so a
    call placed by two of them shows twice."""
    deadline = time.monotonic() + 60
    with psycopg.connect(database_url, autocommit=True) as connection:
        while True:
            rows = connection.execute(
                "select id, state from visits_call where visit_id = any(%s)",
                (visit_ids,),
            ).fetchall()
            pending = [row for row in rows if row[1] in ("queued", "placing")]
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(2)
    states = Counter(state for _id, state in rows)
    placed_ids = {
        call_id for call_id, state in rows if state in ("placed", "completed")
    }
    run_ids = {call_id for call_id, _state in rows}
    placed = [
        (call_id, node) for call_id, node in placed_lines(log) if call_id in run_ids
    ]
    logged = Counter(call_id for call_id, _node in placed)
    return {
        "call_rows": len(rows),
        "states": dict(states),
        "placed_rows": len(placed_ids),
        "provider_placed_lines": sum(logged.values()),
        "placed_exactly_once": all(logged.get(i) == 1 for i in placed_ids)
        and set(logged) == placed_ids,
        "placed_by_node": dict(
            sorted(Counter(node for _call_id, node in placed).items())
        ),
    }


def trivial_baseline(day: TechnicianDay, requests: int = 30) -> float:
    """Median of GET /api/v1/me/ one at a time: the trivial endpoint that the
    routes' times can be read against (the machine is shared and its speed
    varies with the load)."""
    probe = Recorder()
    recorder, day.phone.recorder = day.phone.recorder, probe
    try:
        for _request in range(requests):
            day.get(f"{API}me/", f"{API}me/")
    finally:
        day.phone.recorder = recorder
    return round(statistics.median(s.milliseconds for s in probe.samples), 1)


def cpu_groups(cpu: dict[str, float]) -> tuple[dict[str, float], dict[str, dict]]:
    """The sampler's groups folded: the nodes' gunicorn and worker groups
    (`<node> gunicorn`) summed into one gunicorn and one worker group, beat,
    postgres, redis and s3 as they are; and each node's own figures."""
    groups: dict[str, float] = {}
    nodes: dict[str, dict[str, float]] = {}
    for name, seconds in sorted(cpu.items()):
        node, _space, group = name.rpartition(" ")
        if node:
            nodes.setdefault(node, {})[group] = seconds
        groups[group] = round(groups.get(group, 0.0) + seconds, 2)
    return groups, nodes


def run_once(stack: Stack, n: int, options: DayOptions, photo: bytes, env) -> dict:
    run_id = "d" + uuid.uuid4().hex[:6]
    plan_path = WORKDIR / f"plan-{run_id}.json"
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.day.setup",
            "--technicians",
            str(n),
            "--run-id",
            run_id,
            "--output",
            str(plan_path),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    plan = json.loads(plan_path.read_text())
    setup_seconds = round(time.monotonic() - started, 1)

    stop = threading.Event()
    sign_in_recorder = Recorder()
    recorder = Recorder()
    days = []
    nodes = stack.nodes
    for index, technician in enumerate(plan["technicians"]):
        # The technician's phone on one node, the customer's on the next: a
        # photo uploaded through one node is shown by another.
        day = TechnicianDay(
            nodes[index % len(nodes)].base_url,
            sign_in_recorder,
            username=technician["username"],
            password=plan["password"],
            day=plan["day"],
            visit_ids=technician["visits"],
            photo=photo,
            options=options,
            stop=stop,
            seed=hash((run_id, index)),
            signing_url=nodes[(index + 1) % len(nodes)].base_url,
        )
        days.append(day)
    threads = [threading.Thread(target=day.sign_in) for day in days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for day in days:
        day.recorder = day.phone.recorder = recorder

    baseline_before = trivial_baseline(days[0])
    sampler = CpuSampler(stack.pids(), database=env["DATABASE_URL"].rsplit("/", 1)[1])
    load_before = os.getloadavg()
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    sampler.open()
    window_started = time.monotonic()
    threads = [threading.Thread(target=day.work) for day in days]
    for thread in threads:
        thread.start()
    expected = (
        (len(days[0].visit_ids) * VISIT_MINUTES + options.start_spread_minutes)
        * 60
        / options.compression
    )
    budget = expected * 2 + 120
    loads = []
    last_load = 0.0
    while alive := [thread for thread in threads if thread.is_alive()]:
        if time.monotonic() - window_started > budget:
            stop.set()
        if time.monotonic() - last_load > 5:
            loads.append(os.getloadavg()[0])
            last_load = time.monotonic()
        alive[0].join(timeout=1)
    window = time.monotonic() - window_started
    cpu, cpu_by_node = cpu_groups(sampler.close())
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    summary = summarise(recorder.samples)
    baseline_after = trivial_baseline(days[0])
    visit_ids = [
        visit for technician in plan["technicians"] for visit in technician["visits"]
    ]
    visits_done = sum(day.visits_done for day in days)
    server = sum(cpu.get(group, 0.0) for group in SERVER_GROUPS)
    p95 = summary["non_photo_p95_ms"] or 0
    limit = float(setting("BENCH_P95_MS", "300"))
    is_complete = visits_done == len(visit_ids) and not stop.is_set()
    result = {
        "run_id": run_id,
        "technicians": n,
        "nodes": len(stack.nodes),
        "media": "s3" if stack.store else "file",
        "visits": len(visit_ids),
        "visits_done": visits_done,
        "failures": [f for day in days for f in day.failures][:10],
        "setup_seconds": setup_seconds,
        "sign_in_errors": sum(s.is_error for s in sign_in_recorder.samples),
        "window_seconds": round(window, 1),
        "expected_window_seconds": round(expected, 1),
        # The day as compressed in fact: a server slower than the pacing
        # stretches the window, and the rate it carried is lower.
        "effective_compression": round(options.compression * expected / window, 1),
        "requests_per_visit": round(summary["requests"] / max(1, visits_done), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_during_max": round(max(loads, default=0), 2),
        "load_average_during_mean": round(statistics.mean(loads), 2) if loads else None,
        # redis and s3 are in it but not in the total: they stand in for
        # services of their own.
        "server_cpu_seconds": cpu,
        "server_cpu_seconds_by_node": cpu_by_node,
        "server_cpu_seconds_total": round(server, 2),
        "server_cpu_per_technician_day": round(server / n, 2),
        # How many of the machine's cores the stack had: on a shared machine,
        # far fewer than nproc, and the latencies follow.
        "server_cores_used": round(server / window, 2),
        "server_cpu_per_technician_day_with_redis": round(
            (server + cpu.get("redis", 0.0)) / n, 2
        ),
        "client_cpu_seconds": round(client_cpu, 2),
        # The machine's speed at the time: GET /api/v1/me/, one at a time,
        # just before the window and just after it (outside the CPU figures).
        "trivial_me_p50_ms_before": baseline_before,
        "trivial_me_p50_ms_after": baseline_after,
        "calls": calls_check(env["DATABASE_URL"], visit_ids, CALL_LOG),
        **summary,
    }
    result["passes"] = is_complete and summary["errors"] == 0 and p95 < limit
    result["passes_500ms"] = (
        is_complete and summary["errors"] == 0 and p95 < OLDER_P95_MS
    )
    result["passes_strict"] = (
        result["passes"] and (summary["worst_non_photo_route_p95_ms"] or 0) < limit
    )
    return result


def database_ensure(database_url: str) -> None:
    """Creates the bench's database when the server does not have it yet."""
    try:
        psycopg.connect(database_url).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        server, name = database_url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'create database "{name}"')


def machine() -> dict:
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]

    def version(*command):
        try:
            return (
                subprocess.run(command, capture_output=True, text=True, check=False)
                .stdout.strip()
                .split("\n")[0]
            )
        except OSError:
            return None

    import django

    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "cpu_model": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            None,
        ),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": version("psql", "--version"),
        "redis": version("redis-server", "--version"),
        "gunicorn": version(str(Path(sys.executable).parent / "gunicorn"), "--version"),
        "kernel": platform.release(),
    }


def print_table(results: list[dict]) -> None:
    for result in results:
        print(
            f"\nN={result['technicians']}  K={result['nodes']} nodes"
            f" (media {result['media']})  visits {result['visits_done']}/{result['visits']}"
            f"  errors {result['errors']}  window {result['window_seconds']} s"
            f" (compression achieved {result['effective_compression']})"
            f"  non-photo p95 {result['non_photo_p95_ms']} ms  photo p95 {result['photo_p95_ms']} ms"
            f"  pass(300) {result['passes']}  pass(500) {result['passes_500ms']}"
        )
        print(
            f"  server CPU/technician-day {result['server_cpu_per_technician_day']} s"
            f" ({result['server_cores_used']} cores used)"
            f"  groups {result['server_cpu_seconds']}  client CPU {result['client_cpu_seconds']} s"
            f"  load before {result['load_average_before']} during max {result['load_average_during_max']}"
        )
        if result["nodes"] > 1:
            print(f"  CPU by node {result['server_cpu_seconds_by_node']}")
        print(
            f"  calls {result['calls']}  GET /api/v1/me/ alone: "
            f"{result['trivial_me_p50_ms_before']} ms before,"
            f" {result['trivial_me_p50_ms_after']} ms after"
        )
        print(f"  {'route':<52}{'count':>7}{'err':>5}{'p50':>9}{'p95':>9}{'p99':>9}")
        for route, row in result["routes"].items():
            print(
                f"  {route:<52}{row['count']:>7}{row['errors']:>5}"
                f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            )
        for example in result["error_examples"]:
            print("  error:", example)


def node_settings() -> tuple[int, str]:
    """BENCH_NODES and BENCH_MEDIA: several nodes need media they all reach."""
    nodes = int(setting("BENCH_NODES", "1"))
    media = setting("BENCH_MEDIA", "") or ("file" if nodes == 1 else "s3")
    if nodes < 1 or media not in ("file", "s3"):
        sys.exit("BENCH_NODES is 1 or more, BENCH_MEDIA file or s3.")
    if nodes > 1 and media == "file":
        sys.exit(
            "BENCH_MEDIA=file with BENCH_NODES>1: each node has its own MEDIA_ROOT,"
            " and a photo uploaded through one could not be shown by another."
        )
    return nodes, media


def build_stack(
    *,
    database_url: str,
    redis_url: str,
    time_zone: str,
    nodes: int,
    media: str,
    workers: int,
) -> Stack:
    """The nodes' environments and working directories (var/bench-day/node0,
    node1 …), the S3 server when media is on S3, the database migrated and
    each node's static files collected; nothing started yet."""
    store = ObjectStore(WORKDIR) if media == "s3" else None
    ports: list[int] = []
    while len(ports) < nodes:
        if (port := free_port()) not in ports:
            ports.append(port)
    shared = stack_environment(
        database_url=database_url,
        redis_url=redis_url,
        # One public address in links, as behind deploy/nginx.conf's upstream:
        # the first node's (a client opens any node's links on its own node).
        site_url=f"http://127.0.0.1:{ports[0]}",
        call_log=CALL_LOG,
        time_zone=time_zone,
        secret_key=secrets.token_urlsafe(50),
    )
    stack_nodes = []
    for index in range(nodes):
        name = f"node{index}"
        workdir = WORKDIR / name
        environment = node_environment(
            shared,
            name=name,
            workdir=workdir,
            media=store.environment() if store else {},
        )
        stack_nodes.append(Node(name, environment, workdir, workers, ports[index]))
    stack = Stack(stack_nodes, store)
    stack_nodes[0].manage("migrate", "--noinput")
    for node in stack_nodes:
        node.manage("collectstatic", "--noinput")
    return stack


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        sys.exit(
            "Set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs the production stack."
        )
    database_ensure(database_url)
    compression = float(setting("BENCH_COMPRESSION", "120"))
    photo_kind = setting("BENCH_PHOTO", "12mp")
    flow = setting("BENCH_FLOW", "app")
    search = [int(x) for x in setting("BENCH_SEARCH", "").split(",") if x.strip()]
    steps = search or [int(setting("BENCH_TECHNICIANS", "5"))]
    max_seconds = float(setting("BENCH_MAX_SECONDS", "900"))
    if flow not in FLOWS:
        sys.exit(f"BENCH_FLOW is one of {', '.join(FLOWS)}, not {flow!r}.")
    options = DayOptions(compression=compression, **FLOWS[flow])
    nodes, media = node_settings()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    photo = photo_bytes(photo_kind)
    time_zone = morning_time_zone()
    load_at_start = os.getloadavg()
    stack = build_stack(
        database_url=database_url,
        redis_url=redis_url,
        time_zone=time_zone,
        nodes=nodes,
        media=media,
        workers=int(setting("BENCH_WEB_WORKERS", "5")),
    )
    env = stack.nodes[0].environment
    started = time.monotonic()
    results = []
    try:
        stack.start()
        time.sleep(5)  # beat's first scan, the worker's first tasks
        for n in steps:
            result = run_once(stack, n, options, photo, env)
            results.append(result)
            print_table([result])
            elapsed = time.monotonic() - started
            if (
                not result["passes"]
                or elapsed + result["window_seconds"] * 2.5 > max_seconds
            ):
                break
    finally:
        stack.stop()
    passing = [r["technicians"] for r in results if r["passes"]]
    passing_500 = [r["technicians"] for r in results if r["passes_500ms"]]
    day_hours = 6 * VISIT_MINUTES / 60
    largest = max(passing, default=0)
    largest_run = next((r for r in results if r["technicians"] == largest), None)
    effective = largest_run["effective_compression"] if largest_run else compression
    record = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "settings": {
            "compression": compression,
            "photo": photo_kind,
            "photo_bytes": len(photo),
            "flow": flow,
            "nodes": nodes,
            "media": media,
            "web_workers": stack.workers,
            "celery_concurrency": 2,
            "time_zone": time_zone,
            "p95_limit_ms": float(setting("BENCH_P95_MS", "300")),
            "day_hours": day_hours,
            "steps": steps,
        },
        "largest_passing_n": largest,
        "largest_passing_n_500ms": max(passing_500, default=0),
        "capacity": {
            "arithmetic": (
                f"N concurrent days compressed {effective:g}x (as achieved: the "
                "day's minutes over the window) carry the request rate of "
                f"N x {effective:g} technicians whose {day_hours:g}-hour days "
                "spread evenly over the working day; with the peak hour at 3x "
                "the average, N x compression / 3"
            ),
            "effective_compression": effective,
            "technicians_per_box_flat": round(largest * effective),
            "technicians_per_box_peak_3x": round(largest * effective / 3),
        },
        "runs": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    history = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"records": []}
    history["records"].append(record)
    RESULTS.write_text(json.dumps(history, indent=1, ensure_ascii=False) + "\n")
    print(
        f"\nlargest N passing (non-photo p95 < {record['settings']['p95_limit_ms']:g} ms, 0 errors): {largest}"
        f" -> {record['capacity']['technicians_per_box_flat']} technicians per box over {day_hours:g} h,"
        f" {record['capacity']['technicians_per_box_peak_3x']} with a 3x peak hour"
        f"; at 500 ms: {record['largest_passing_n_500ms']}. Written to {RESULTS.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    random.seed()
    main()
