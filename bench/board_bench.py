"""Latency of the dispatcher's day board (GET /api/v1/console/board/) at 50 and
at 500 technicians x 6 visits, with a trivial authenticated endpoint
(GET /api/v1/me/) measured in the same run as the yardstick.

Run from the project root: `.venv/bin/python bench/board_bench.py` (SQLite), or
with DATABASE_URL set for PostgreSQL. It builds a throw-away test database with
500 technicians, each with 6 visits on day B in every state the board draws
(leaves, failed calls, complaints and reschedule requests sprinkled over them:
tests/visits/console/board_helpers.py); 50 of them stay active and get 6 more
visits on day A, the other 450 are made inactive, so day A's board has 50 rows
and day B's 500 (an inactive technician has a row on a day he has visits).
Then, in interleaved rounds so that machine noise hits all three alike, it
calls the trivial endpoint, day A's board and day B's board, through Django's
full stack in process (middleware, DRF, token auth, the database). It repeats
the whole measure `--runs` times and reports the median over runs of each
p95 and of the 500/50 ratio. Target: the 500-technician board takes at most 12
times the 50-technician one (linear in the rows, not worse). Writes
bench/results/board.json.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
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
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

TARGET_RATIO = 12.0
DAY_A = date(2026, 12, 7)  # 50 technicians
DAY_B = date(2026, 12, 8)  # 500 technicians


def build_boards():
    from accounts.models import TechnicianProfile
    from tests.visits.console.board_helpers import populate_board
    from visits.models import Visit

    dispatcher, users, visits = populate_board(
        technicians=500, visits_each=6, day=DAY_B
    )
    TechnicianProfile.objects.filter(user__in=users[50:]).update(is_active=False)
    Visit.objects.bulk_create(
        Visit(
            work_order_id=visit.work_order_id,
            sequence=2,
            technician_id=visit.technician_id,
            appointed_start=visit.appointed_start - timedelta(days=1),
            expected_duration_minutes=visit.expected_duration_minutes,
            arrival_tolerance_minutes=visit.arrival_tolerance_minutes,
            state=visit.state,
            created_at=visit.created_at,
        )
        for visit in visits[: 50 * 6]
    )
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=dispatcher).key}"
    )
    return client


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_once(client, rounds: int, warmup: int) -> dict:
    calls = {
        "trivial": lambda: client.get("/api/v1/me/"),
        "board_50": lambda: client.get(f"/api/v1/console/board/?day={DAY_A}"),
        "board_500": lambda: client.get(f"/api/v1/console/board/?day={DAY_B}"),
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for index in range(warmup + rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (name, response.status_code)
            if index >= warmup:
                samples[name].append(elapsed * 1000)
    return {
        name: {
            "median_ms": statistics.median(values),
            "p95_ms": percentile(values, 0.95),
        }
        for name, values in samples.items()
    }


def check_sizes(client) -> None:
    for day, rows in ((DAY_A, 50), (DAY_B, 500)):
        body = client.get(f"/api/v1/console/board/?day={day}").json()
        assert len(body["rows"]) == rows, (day, len(body["rows"]))
        assert sum(len(row["visits"]) for row in body["rows"]) == rows * 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "board.json")
    )
    args = parser.parse_args()

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        client = build_boards()
        check_sizes(client)
        runs = [
            measure_once(client, args.rounds, args.warmup) for _ in range(args.runs)
        ]
        vendor = connection.vendor
    finally:
        teardown_databases(databases, verbosity=0)

    def median_of(name: str, key: str) -> float:
        return round(statistics.median(run[name][key] for run in runs), 2)

    ratios = [run["board_500"]["p95_ms"] / run["board_50"]["p95_ms"] for run in runs]
    result = {
        name: {
            "median_ms": median_of(name, "median_ms"),
            "p95_ms": median_of(name, "p95_ms"),
            "p95_ms_per_run": [round(run[name]["p95_ms"], 2) for run in runs],
        }
        for name in runs[0]
    }
    for name in ("board_50", "board_500"):
        result[name]["p95_ratio_to_trivial"] = round(
            result[name]["p95_ms"] / result["trivial"]["p95_ms"], 1
        )
    result["ratio_500_to_50"] = {
        "p95_median_over_runs": round(statistics.median(ratios), 2),
        "per_run": [round(ratio, 2) for ratio in ratios],
        "target": TARGET_RATIO,
        "meets_target": statistics.median(ratios) <= TARGET_RATIO,
    }

    print(
        f"database: {vendor}; {args.runs} runs of {args.rounds} rounds "
        f"(after {args.warmup} warm-up); medians over runs"
    )
    print(f"{'call':<12}{'median ms':>11}{'p95 ms':>9}{'p95 x trivial':>15}")
    for name in ("trivial", "board_50", "board_500"):
        row = result[name]
        print(
            f"{name:<12}{row['median_ms']:>11.2f}{row['p95_ms']:>9.2f}"
            f"{row.get('p95_ratio_to_trivial', 1):>15}"
        )
    ratio = result["ratio_500_to_50"]
    print(
        f"500/50 p95 ratio: {ratio['p95_median_over_runs']} "
        f"(runs {ratio['per_run']}; target <= {TARGET_RATIO})"
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(output.read_text()) if output.exists() else {}
    existing[vendor] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "runs": args.runs,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "results": result,
    }
    output.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
