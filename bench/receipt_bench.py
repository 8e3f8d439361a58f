"""Receipt downloads before and after receipts were stored, as ratios to a
trivial authenticated endpoint (GET /api/v1/me/) measured in the same run.

Run from the project root: `.venv/bin/python bench/receipt_bench.py` (SQLite),
or with DATABASE_URL set for PostgreSQL. It builds a throw-away test database
and one visit signed through the real services, then calls, in interleaved
rounds so that machine noise hits all three alike:
- GET /api/v1/me/                              (the trivial endpoint)
- GET /api/v1/visits/{id}/receipt.pdf, first   (the stored receipt removed
  before each call: it renders and stores, which is what every download cost
  before receipts were stored, plus the write)
- GET /api/v1/visits/{id}/receipt.pdf, stored  (streamed from storage, its
  SHA-256 checked)
Requests go through Django's full stack in process, not over a socket; the
media storage is the file system in a temporary folder. Prints a table and
writes bench/results/receipt.json.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def signed_visit():
    from tests.factories import TechnicianFactory
    from tests.signing import sign
    from tests.visits.checklists.checklist_helpers import (
        answer_everything,
        book,
        start_work,
    )

    technician = TechnicianFactory()
    visit = book(technician)
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=technician).key}"
    )
    start_work(client, visit)
    answer_everything(client, visit)
    assert client.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code
    sign(visit, by=technician)
    return client, visit


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def forget_stored_receipt() -> None:
    from visits.models import SignOffReceipt

    for receipt in SignOffReceipt.objects.all():
        receipt.file.storage.delete(receipt.file.name)
    SignOffReceipt.objects.all().delete()


def measure(rounds: int, warmup: int) -> dict:
    client, visit = signed_visit()
    url = f"/api/v1/visits/{visit.id}/receipt.pdf"

    def download(*, first: bool):
        if first:
            forget_stored_receipt()  # outside the timed span
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content)
        return response, body, time.perf_counter() - started

    def trivial():
        started = time.perf_counter()
        response = client.get("/api/v1/me/")
        return response, response.content, time.perf_counter() - started

    calls = {
        "trivial": trivial,
        "receipt_first": lambda: download(first=True),
        "receipt_stored": lambda: download(first=False),
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    sizes = set()
    for index in range(warmup + rounds):
        for name, call in calls.items():
            response, body, elapsed = call()
            assert response.status_code == 200, (name, response.status_code)
            if name != "trivial":
                sizes.add(len(body))
            if index >= warmup:
                samples[name].append(elapsed * 1000)
    assert len(sizes) == 1, sizes  # the same bytes every time
    result = {}
    for name, values in samples.items():
        result[name] = {
            "median_ms": round(statistics.median(values), 3),
            "p95_ms": round(percentile(values, 0.95), 3),
        }
    trivial_row = result["trivial"]
    for name in ("receipt_first", "receipt_stored"):
        row = result[name]
        row["median_ratio"] = round(row["median_ms"] / trivial_row["median_ms"], 2)
        row["p95_ratio"] = round(row["p95_ms"] / trivial_row["p95_ms"], 2)
    result["receipt_bytes"] = sizes.pop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--output", default=str(ROOT / "bench" / "results" / "receipt.json")
    )
    args = parser.parse_args()

    setup_test_environment()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="receipt-bench-"))
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        result = measure(args.rounds, args.warmup)
        vendor = connection.vendor
    finally:
        teardown_databases(databases, verbosity=0)

    print(f"database: {vendor}; rounds: {args.rounds} (after {args.warmup} warm-up)")
    print(f"receipt: {result['receipt_bytes']} bytes")
    print(f"{'call':<16}{'median ms':>11}{'p95 ms':>9}{'median x':>10}{'p95 x':>8}")
    for name, row in result.items():
        if not isinstance(row, dict):
            continue
        print(
            f"{name:<16}{row['median_ms']:>11.2f}{row['p95_ms']:>9.2f}"
            f"{row.get('median_ratio', 1):>10.2f}{row.get('p95_ratio', 1):>8.2f}"
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
