"""The service scorecard over 1,000,000 visits on PostgreSQL.

Run from the project root, against a database of its own (it is emptied):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/i11_score \\
        .venv/bin/python bench/scorecard_bench.py load     # migrate, then fill
    DATABASE_URL=… .venv/bin/python bench/scorecard_bench.py run [--label after]

`load` migrates the database, empties the tables the scorecard reads and fills
them in SQL (INSERT … SELECT generate_series, foreign-key triggers off during the
load), with a fixed random seed:
- 20 teams, 500 technicians, 250,000 work orders of 4 visits: 1,000,000 visits
  spread evenly over the 12 months [2025-12-01, 2026-12-01) Asia/Shanghai;
  4 % cancelled, 2 % nobody at home, 3 % still scheduled, 10 % signed off,
  81 % closed; arrivals 82 % on time, 12 % late (11-90 min), 6 % early;
- 3 required checklist items per visit not cancelled (2 confirmations, 1 photo);
  98 % of the confirmations of finished visits answered, 93 % of photo items with
  a photo;
- a sign-off for each signed-off or closed visit (and its signed_off_at), 2 conduct
  items each, 1 % contested (the sign-off flagged as contested);
- a follow-up call for each closed visit, 70 % rated (1-5, mostly 4-5);
- complaints on 1.5 % of the visits, 90 % answered (some late), 85 % resolved.

`run` times the scorecard of all technicians for October 2026 (about 82,000
visits): the whole `scorecard_by_technician` (its aggregate queries and the
technicians' list) and each aggregate query, median of 7 runs after one warm-up; writes
bench/results/scorecard.json (merging the runs by label, e.g. "before" and
"after" an index) and the EXPLAIN (ANALYZE, BUFFERS) of every query to
bench/results/scorecard_plan.txt, the main (visits) query first.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MONTH = (date(2026, 10, 1), date(2026, 11, 1))
TARGET_SECONDS = 1.0
RUNS = 7

LOAD = [
    # The tables the scorecard reads, emptied, with their identities restarted.
    """TRUNCATE visits_complaint, visits_call, visits_conductconfirmation,
       visits_signoff, visits_photo, visits_checklistanswer,
       visits_visitchecklistitem, visits_visitevent, visits_temporaryleave,
       visits_reschedulerequest, visits_visit, visits_workorder,
       visits_workordersequence, accounts_customer, accounts_technicianprofile,
       accounts_team, accounts_user RESTART IDENTITY CASCADE""",
    "SELECT setseed(0.42)",
    "INSERT INTO accounts_team (id, name) SELECT g, 'Team ' || g FROM generate_series(1, 20) g",
    """INSERT INTO accounts_user (id, password, is_superuser, username, first_name,
         last_name, email, is_staff, is_active, date_joined, role, phone, language)
       SELECT g, '!', false, 'bench' || g, 'Tech' || g, 'Bench', '', g = 1, true,
         now(), CASE WHEN g = 1 THEN 'dispatcher' ELSE 'technician' END, '', 'zh-hans'
       FROM generate_series(1, 501) g""",
    """INSERT INTO accounts_technicianprofile (id, user_id, employee_number, phone,
         is_active, team_id)
       SELECT g, g, 'B' || lpad(g::text, 5, '0'), '+86138' || lpad(g::text, 8, '0'),
         true, 1 + g % 20
       FROM generate_series(2, 501) g""",
    """INSERT INTO accounts_customer (id, name, phone, address, area_tier, language,
         created_at, time_zone)
       VALUES (1, '陈静', '+8613900000001', '武汉市', 'urban', 'zh-hans', now(), '')""",
    """INSERT INTO visits_workorder (id, number, kind, description, customer_name,
         customer_phone, address, area_tier, created_at, created_by_id, customer_id)
       SELECT g, 'WO-B' || g, 'repair', '', '陈静', '+8613900000001', '武汉市',
         'urban', now(), 1, 1
       FROM generate_series(1, 250000) g""",
    # One random draw per visit for state, punctuality and deviation.
    """CREATE TEMP TABLE draws AS
       SELECT g AS id, random() AS s, random() AS p, random() AS d,
         2 + floor(random() * 500)::int AS technician_id,
         timestamptz '2025-12-01 00:00 Asia/Shanghai'
           + floor(random() * 365 * 24 * 4) * interval '15 minutes' AS appointed
       FROM generate_series(1, 1000000) g""",
    """INSERT INTO visits_visit (id, work_order_id, sequence, technician_id,
         appointed_start, expected_duration_minutes, arrival_tolerance_minutes,
         state, punctuality, arrival_deviation_seconds, arrived_at,
         arrival_time_source, late_reason, ended_reason, created_at, signed_off_at)
       SELECT id, (id - 1) / 4 + 1, (id - 1) % 4 + 1, technician_id, appointed, 60, 10,
         state, punctuality, deviation,
         CASE WHEN punctuality <> '' THEN appointed + deviation * interval '1 second' END,
         CASE WHEN punctuality <> '' THEN 'server' ELSE '' END,
         CASE WHEN punctuality IN ('late', 'early') THEN '交通拥堵' ELSE '' END,
         '', appointed - interval '2 days',
         CASE WHEN state IN ('signed_off', 'closed') THEN appointed + interval '90 minutes' END
       FROM (
         SELECT id, technician_id, appointed, state,
           CASE WHEN state IN ('cancelled', 'no_show', 'scheduled') THEN ''
                WHEN p < 0.12 THEN 'late' WHEN p < 0.18 THEN 'early'
                ELSE 'on_time' END AS punctuality,
           CASE WHEN state IN ('cancelled', 'no_show', 'scheduled') THEN NULL
                WHEN p < 0.12 THEN 660 + floor(d * 79 * 60)::int
                WHEN p < 0.18 THEN -660 - floor(d * 19 * 60)::int
                ELSE floor(d * 1200)::int - 600 END AS deviation
         FROM (
           SELECT *, CASE WHEN s < 0.04 THEN 'cancelled' WHEN s < 0.06 THEN 'no_show'
                          WHEN s < 0.09 THEN 'scheduled' WHEN s < 0.19 THEN 'signed_off'
                          ELSE 'closed' END AS state
           FROM draws
         ) states
       ) judged""",
    """INSERT INTO visits_visitchecklistitem (visit_id, code, stage, position,
         text_zh, text_en, kind, is_required, choices)
       SELECT v.id, 'item-' || p, 'work', p, '检查', 'Check',
         CASE WHEN p = 2 THEN 'photo' ELSE 'confirm' END, true, '[]'::jsonb
       FROM visits_visit v CROSS JOIN generate_series(0, 2) p
       WHERE v.state <> 'cancelled'""",
    """INSERT INTO visits_checklistanswer (item_id, value, note, answered_by_id,
         received_at, version)
       SELECT i.id, 'true'::jsonb, '', v.technician_id, v.appointed_start, 1
       FROM visits_visitchecklistitem i JOIN visits_visit v ON v.id = i.visit_id
       WHERE i.kind = 'confirm' AND v.state IN ('signed_off', 'closed')
         AND random() < 0.98""",
    """INSERT INTO visits_photo (visit_id, item_id, image, thumbnail, width, height,
         sha256, byte_size, source_format, uploaded_at, uploaded_by_id)
       SELECT v.id, i.id, 'p.jpg', 'p.thumb.jpg', 64, 48, md5(i.id::text) || md5(i.id::text),
         1000, 'jpeg', v.appointed_start, v.technician_id
       FROM visits_visitchecklistitem i JOIN visits_visit v ON v.id = i.visit_id
       WHERE i.kind = 'photo' AND v.state IN ('signed_off', 'closed')
         AND random() < 0.93""",
    """INSERT INTO visits_signoff (id, visit_id, number, signed_at, signer_name,
         channel, consent_version, snapshot, snapshot_sha256, signature,
         signature_sha256, previous_chain_hash, chain_hash, has_contested_conduct)
       SELECT v.id, v.id, v.id, v.appointed_start + interval '90 minutes', '陈静',
         'technician_device', '1', '{}', '', 's.png', '', '',
         md5(v.id::text) || md5('chain' || v.id::text), false
       FROM visits_visit v WHERE v.state IN ('signed_off', 'closed')""",
    """INSERT INTO visits_conductconfirmation (sign_off_id, code, text, is_confirmed,
         comment)
       SELECT s.id, 'conduct-' || p, '?', random() >= 0.01, ''
       FROM visits_signoff s CROSS JOIN generate_series(0, 1) p""",
    """UPDATE visits_signoff s SET has_contested_conduct = true
       WHERE EXISTS (SELECT 1 FROM visits_conductconfirmation c
                     WHERE c.sign_off_id = s.id AND NOT c.is_confirmed)""",
    """INSERT INTO visits_call (visit_id, purpose, state, due_at, to_phone, language,
         attempts, provider, outcome, digits, rating, last_error, created_at)
       SELECT v.id, 'follow_up', 'completed', v.appointed_start + interval '1 day',
         '+8613900000001', 'zh-hans', 1, 'console', 'answered', '',
         CASE WHEN r < 0.70 THEN
           CASE WHEN r < 0.02 THEN 1 WHEN r < 0.05 THEN 2 WHEN r < 0.12 THEN 3
                WHEN r < 0.35 THEN 4 ELSE 5 END END,
         '', v.appointed_start
       FROM (SELECT v.*, random() AS r FROM visits_visit v WHERE v.state = 'closed') v""",
    """INSERT INTO visits_complaint (visit_id, source, description, state, opened_at,
         first_response_due_at, resolution_due_at, first_responded_at, response,
         resolved_at, resolution, escalation_level)
       SELECT id, 'dispatcher', '', CASE WHEN resolved IS NOT NULL THEN 'resolved'
           WHEN responded IS NOT NULL THEN 'responded' ELSE 'open' END,
         opened, opened + interval '48 hours', opened + interval '9 days',
         responded, '', resolved, '', 0
       FROM (
         SELECT v.id, v.appointed_start + interval '1 day' AS opened,
           CASE WHEN random() < 0.9 THEN v.appointed_start + interval '1 day'
             + random() * interval '60 hours' END AS responded,
           CASE WHEN random() < 0.85 THEN v.appointed_start + interval '1 day'
             + random() * interval '11 days' END AS resolved
         FROM visits_visit v WHERE v.state <> 'cancelled' AND random() < 0.015
       ) c""",
]
SEQUENCES = [
    "accounts_team",
    "accounts_user",
    "accounts_technicianprofile",
    "accounts_customer",
    "visits_workorder",
    "visits_visit",
    "visits_signoff",
]


def load() -> dict:
    call_command("migrate", verbosity=0)
    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for statement in LOAD:
            started = time.perf_counter()
            cursor.execute(statement)
            label = " ".join(statement.split()[:3])
            timings[label] = round(time.perf_counter() - started, 1)
            print(f"{timings[label]:7.1f} s  {label} ({cursor.rowcount} rows)")
        for table in SEQUENCES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("DROP TABLE draws")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = round(time.perf_counter() - started, 1)
    return timings


def row_counts() -> dict:
    tables = [
        "visits_visit",
        "visits_visitchecklistitem",
        "visits_checklistanswer",
        "visits_photo",
        "visits_signoff",
        "visits_conductconfirmation",
        "visits_call",
        "visits_complaint",
    ]
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def timed(function, runs: int = RUNS) -> dict:
    function()  # warm-up
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(seconds), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
        "runs": runs,
    }


def _run(query) -> None:
    from visits.scorecard import selectors

    with transaction.atomic():
        selectors._without_jit()
        list(query.all())


def run(label: str) -> dict:
    from visits.scorecard import selectors
    from visits.scorecard.selectors import Period, Scope

    scope = Scope(Period(*MONTH))
    queries = selectors.aggregate_queries(scope, selectors.GROUP_TECHNICIAN)
    result = {
        "whole_scorecard_by_technician": timed(
            lambda: selectors.scorecard_by_technician(scope)
        ),
        "queries": {name: timed(lambda q=q: _run(q)) for name, q in queries},
    }
    result["load_average_1_5_15"] = [round(load, 2) for load in os.getloadavg()]
    rows = selectors.scorecard_by_technician(scope)
    result["technicians"] = len(rows)
    result["visits_in_month"] = sum(row["visits"] for row in rows)
    plans = []
    for name, query in queries:
        with transaction.atomic():
            selectors._without_jit()  # as the scorecard runs them
            plan = query.explain(analyze=True, buffers=True)
        plans.append(f"=== {name} ({label})\n{query.query}\n\n{plan}\n")
    (RESULTS / "scorecard_plan.txt").write_text("\n".join(plans), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["load", "run"])
    parser.add_argument("--label", default="after")
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to an empty PostgreSQL database of its own.")
    path = RESULTS / "scorecard.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if arguments.phase == "load":
        started = time.perf_counter()
        results["load"] = {
            "steps_s": load(),
            "total_s": round(time.perf_counter() - started, 1),
            "rows": row_counts(),
        }
    else:
        results[arguments.label] = run(arguments.label)
        results["target_s"] = TARGET_SECONDS
        results["month"] = [day.isoformat() for day in MONTH]
        results["machine"] = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": connection.cursor().connection.info.server_version,
        }
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
