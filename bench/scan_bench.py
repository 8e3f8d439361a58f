"""The call scan on a large table: is it bounded by the due rows, not the table?

Run from the project root with PostgreSQL (and Redis, as in production):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/scan_bench.py

In a throw-away test database it writes 100,000 future scheduled calls plus
10,000 due ones, runs one scan (claim in batches + enqueue one task each) and
times it; then grows the future calls to 1,000,000 and does it again with a
fresh 10,000 due. The ratio of the two scan times is the figure (target
<= 1.5). Finally two scanners run at once over 10,000 due calls and the claims
are checked for duplicates. The enqueued messages are purged. Writes
bench/results/scan.json.
"""

import json
import os
import platform
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
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

from fieldservice.celery import app as celery_app  # noqa: E402

DUE = 10_000


def insert_calls(visit_id: int, count: int, *, due: bool) -> None:
    """Rows written straight in SQL: the ORM would take minutes for a million."""
    due_at = (
        "now() - interval '1 minute'"
        if due
        else "now() + (n %% 30 + 1) * interval '1 day'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO visits_call (visit_id, purpose, state, due_at, to_phone, language,
                attempts, provider, outcome, digits, last_error, created_at)
            SELECT %s, 'reminder_before_arrival', 'scheduled', {due_at}, '13900000000',
                'zh-hans', 0, '', '', '', '', now()
            FROM generate_series(1, %s) AS n
            """,
            [visit_id, count],
        )
        cursor.execute("ANALYZE visits_call")


def timed_scan() -> tuple[float, int]:
    from visits.calls import tasks

    started = time.perf_counter()
    claimed = tasks.calls_scan_task()
    return time.perf_counter() - started, claimed


def explain_claim() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM visits_call WHERE state = 'scheduled' AND due_at <= now() "
            "ORDER BY due_at LIMIT 1000 FOR UPDATE SKIP LOCKED"
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def concurrent_claims() -> dict:
    from visits.calls import services, tasks

    claimed: list[list[int]] = [[], []]

    def scanner(slot: int) -> None:
        while True:
            batch = services.calls_claim_due(on_claimed=tasks.place_each, limit=500)
            if not batch:
                break
            claimed[slot].extend(batch)
        connection.close()

    threads = [threading.Thread(target=scanner, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = claimed[0] + claimed[1]
    return {
        "claimed_by_first": len(claimed[0]),
        "claimed_by_second": len(claimed[1]),
        "claimed_twice": len(every) - len(set(every)),
        "total": len(set(every)),
    }


def main() -> None:
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        if connection.vendor != "postgresql":
            raise SystemExit("bench/scan_bench.py needs PostgreSQL: set DATABASE_URL")
        from tests.factories import VisitFactory

        visit = VisitFactory()
        results = {}
        for future in (100_000, 1_000_000):
            existing = connection.cursor()
            existing.execute(
                "SELECT count(*) FROM visits_call WHERE state = 'scheduled'"
            )
            insert_calls(visit.id, future - existing.fetchone()[0], due=False)
            runs = []
            for _run in range(3):
                insert_calls(visit.id, DUE, due=True)
                seconds, claimed = timed_scan()
                assert claimed == DUE, claimed
                runs.append(seconds)
                celery_app.control.purge()
            results[f"{future}_future_rows"] = {
                "scan_seconds_median": round(statistics.median(runs), 3),
                "scan_seconds_runs": [round(value, 3) for value in runs],
                "due_calls_claimed_and_enqueued": DUE,
            }
        ratio = (
            results["1000000_future_rows"]["scan_seconds_median"]
            / results["100000_future_rows"]["scan_seconds_median"]
        )
        insert_calls(visit.id, DUE, due=True)
        concurrency = concurrent_claims()
        celery_app.control.purge()
        plan = explain_claim()
    finally:
        teardown_databases(databases, verbosity=0)

    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "broker": "redis" if os.environ.get("REDIS_URL") else "filesystem",
        "results": results,
        "ratio_1m_to_100k": round(ratio, 2),
        "target_ratio": 1.5,
        "two_scanners": concurrency,
        "claim_query_plan": plan,
    }
    for name, row in results.items():
        print(
            f"{name:>22}: scan {row['scan_seconds_median']:.3f} s median "
            f"({', '.join(str(run) for run in row['scan_seconds_runs'])}) for {DUE} due calls"
        )
    print(f"ratio 1M/100k: {ratio:.2f} (target <= 1.5)")
    print(f"two scanners: {concurrency}")
    print(plan)
    output = ROOT / "bench" / "results" / "scan.json"
    output.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
