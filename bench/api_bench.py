"""Latency of the technician's two hottest API calls, as ratios to a trivial
authenticated endpoint (GET /api/v1/me/) measured in the same run.

Run from the project root: `.venv/bin/python bench/api_bench.py` (SQLite), or
with DATABASE_URL set for PostgreSQL. It builds a throw-away test database,
books 8 visits of 20 checklist items for one technician today, then calls, in
interleaved rounds so that machine noise hits all three alike:
- GET /api/v1/me/                       (the trivial endpoint)
- GET /api/v1/me/visits/                (today's visits, with checklist progress)
- PUT /api/v1/visits/{id}/checklist/{item}/  (answer one item, alternating values)
Requests go through Django's full stack in process (middleware, DRF, token
auth, the database), not over a socket. Prints a table and writes
bench/results/api.json. Targets: today's visits <= 4x, one answer <= 5x.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

TARGETS = {"todays_visits": 4.0, "answer_one_item": 5.0}


def build_day():
    from tests.factories import TechnicianFactory, VisitFactory
    from visits.checklists.services import checklist_snapshot_take

    technician = TechnicianFactory()
    noon = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    visits = []
    for index in range(8):
        visit = VisitFactory(
            technician=technician,
            appointed_start=noon + timedelta(hours=index),
            work_order__kind="installation",
        )
        checklist_snapshot_take(visit=visit)
        visits.append(visit)
    assert all(visit.checklist.count() == 20 for visit in visits)
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=technician).key}"
    )
    item = visits[0].checklist.get(code="carry_tools")
    return client, visits[0], item


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(rounds: int, warmup: int) -> dict:
    client, visit, item = build_day()
    answer_url = f"/api/v1/visits/{visit.id}/checklist/{item.id}/"
    calls = {
        "trivial": lambda _i: client.get("/api/v1/me/"),
        "todays_visits": lambda _i: client.get("/api/v1/me/visits/"),
        # Alternate the value so every call really writes a new version.
        "answer_one_item": lambda i: client.put(
            answer_url, {"value": i % 2 == 0}, format="json"
        ),
    }
    samples = {name: [] for name in calls}
    for index in range(warmup + rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            response = call(index)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (
                name,
                response.status_code,
                response.content,
            )
            if index >= warmup:
                samples[name].append(elapsed * 1000)
    body = client.get("/api/v1/me/visits/").json()
    assert len(body) == 8
    assert body[0]["checklist_progress"]["items"] == 20
    result = {}
    for name, values in samples.items():
        result[name] = {
            "median_ms": round(statistics.median(values), 3),
            "p95_ms": round(percentile(values, 0.95), 3),
        }
    trivial = result["trivial"]
    for name in TARGETS:
        result[name]["median_ratio"] = round(
            result[name]["median_ms"] / trivial["median_ms"], 2
        )
        result[name]["p95_ratio"] = round(result[name]["p95_ms"] / trivial["p95_ms"], 2)
        result[name]["target_ratio"] = TARGETS[name]
        result[name]["meets_target"] = result[name]["median_ratio"] <= TARGETS[name]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "api.json")
    )
    args = parser.parse_args()

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        result = measure(args.rounds, args.warmup)
        vendor = connection.vendor
    finally:
        teardown_databases(databases, verbosity=0)

    print(f"database: {vendor}; rounds: {args.rounds} (after {args.warmup} warm-up)")
    print(
        f"{'call':<18}{'median ms':>11}{'p95 ms':>9}{'median x':>10}{'p95 x':>8}{'target':>8}"
    )
    for name, row in result.items():
        print(
            f"{name:<18}{row['median_ms']:>11.2f}{row['p95_ms']:>9.2f}"
            f"{row.get('median_ratio', 1):>10.2f}{row.get('p95_ratio', 1):>8.2f}"
            f"{row.get('target_ratio', ''):>8}"
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(output.read_text()) if output.exists() else {}
    existing[vendor] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "rounds": args.rounds,
        "results": result,
    }
    output.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
