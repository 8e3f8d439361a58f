"""Every list of the API and the admin over a million visits on PostgreSQL.

Run from the project root, against a database of its own (filled once):

    LIST_BENCH_DATABASE=h_lists_bench .venv/bin/python bench/list_bench.py load
    LIST_BENCH_DATABASE=h_lists_bench .venv/bin/python bench/list_bench.py run \\
        --label after

LIST_BENCH_DATABASE (default h_lists_bench) names a database on the PostgreSQL of
LIST_BENCH_SERVER (default postgres://postgres@127.0.0.1:5432); DATABASE_URL, when
set, wins over both.

`load` migrates the database and, unless it already holds the data (idempotent:
it looks for the last visit), fills it in SQL (INSERT … SELECT generate_series,
foreign-key triggers off during the load) with a fixed random seed:
- 20 teams, 1 dispatcher (an admin superuser) and 500 technicians;
- 200,000 customers (800 distinct names, each phone distinct, in E.164);
- 500,000 work orders created over the two years [2024-12-07, 2026-12-07), each
  with the customer's name and phone copied as the app does;
- 1,000,000 visits, two per work order, one and eight days after it was made, to
  a random technician; past visits mostly closed, future ones scheduled;
- one event per visit (its booking), one reminder call per visit (3 % failed),
  complaints on 1.5 % of the visits and reschedule requests on 0.5 %.

`table` prints the results as a Markdown table, before next to after.

`run` times each list page through Django's whole stack in process (the test
client, signed in as the dispatcher: middleware, authentication, DRF or the
admin, the database): the first page, a middle page and the last (or the deepest
allowed) page, each filter and search; median of RUNS runs after one warm-up,
rounds interleaved with GET /api/v1/me/ (the trivial endpoint) so that machine
noise hits both alike. A page-number list is paged with ?page= (the admin with
?p=); a cursor list through a cursor at the middle and a reversed one at the end.
Writes bench/results/lists.json, merging runs by label ("before", "after"; with
--only, the rows of that run replace their namesakes under the label).
"""

import argparse
import base64
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.test")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("LIST_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    + "/"
    + os.environ.get("LIST_BENCH_DATABASE", "h_lists_bench"),
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RESULTS = ROOT / "bench" / "results"
RUNS = 5
API_TARGET_MS = 100
ADMIN_SEARCH_TARGET_MS = 200

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
    "刚", "桂英", "华", "建华", "玉兰", "萍", "红", "建国", "志强", "海燕",
    "鹏", "辉", "玲", "斌", "宇", "浩", "凯", "婷", "雪", "琳",
]  # fmt: skip

LOAD = [
    "SELECT setseed(0.13)",
    "INSERT INTO accounts_team (id, name) SELECT g, 'Team ' || g FROM generate_series(1, 20) g",
    """INSERT INTO accounts_user (id, password, is_superuser, username, first_name,
         last_name, email, is_staff, is_active, date_joined, role, phone, language)
       SELECT g, '!', g = 1, 'bench' || g, 'Tech' || g, 'Bench', '', g = 1, true,
         now(), CASE WHEN g = 1 THEN 'dispatcher' ELSE 'technician' END, '', 'zh-hans'
       FROM generate_series(1, 501) g""",
    """INSERT INTO accounts_technicianprofile (id, user_id, employee_number, phone,
         is_active, team_id)
       SELECT g, g, 'B' || lpad(g::text, 5, '0'), '+86138' || lpad(g::text, 8, '0'),
         true, 1 + g % 20
       FROM generate_series(2, 501) g""",
    f"""INSERT INTO accounts_customer (id, name, phone, address, area_tier, language,
         created_at, time_zone)
       SELECT g,
         substr('{SURNAMES}', 1 + g % 20, 1)
           || (ARRAY{GIVEN!r})[1 + (g / 20) % 40],
         '+86139' || lpad(g::text, 8, '0'), '武汉市洪山区 ' || g || ' 号',
         CASE WHEN g % 5 = 0 THEN 'rural' ELSE 'urban' END, 'zh-hans',
         timestamptz '2024-12-01 00:00+08', ''
       FROM generate_series(1, 200000) g""",
    """INSERT INTO visits_workorder (id, number, kind, description, customer_name,
         customer_phone, address, area_tier, created_at, created_by_id, customer_id)
       SELECT w.id, 'WO' || lpad(w.id::text, 8, '0'),
         CASE WHEN random() < 0.4 THEN 'installation' ELSE 'repair' END, '',
         c.name, c.phone, c.address, c.area_tier, w.created_at, 1, c.id
       FROM (
         SELECT g AS id, 1 + (g::bigint * 7919) % 200000 AS customer_id,
           timestamptz '2024-12-07 00:00+08'
             + (g - 1) * interval '2 years' / 500000
             + floor(random() * 60) * interval '1 second' AS created_at
         FROM generate_series(1, 500000) g
       ) w JOIN accounts_customer c ON c.id = w.customer_id""",
    """INSERT INTO visits_visit (id, work_order_id, sequence, technician_id,
         appointed_start, expected_duration_minutes, arrival_tolerance_minutes,
         state, punctuality, arrival_deviation_seconds, arrived_at,
         arrival_time_source, late_reason, ended_reason, created_at, signed_off_at,
         closed_at)
       SELECT id, work_order_id, sequence, technician_id, appointed, 60, 10, state,
         CASE WHEN state = 'closed' THEN 'on_time' ELSE '' END,
         CASE WHEN state = 'closed' THEN 0 END,
         CASE WHEN state = 'closed' THEN appointed END,
         CASE WHEN state = 'closed' THEN 'server' ELSE '' END, '', '', created_at,
         CASE WHEN state = 'closed' THEN appointed + interval '90 minutes' END,
         CASE WHEN state = 'closed' THEN appointed + interval '2 hours' END
       FROM (
         SELECT v.*, CASE
             WHEN appointed > timestamptz '2026-12-07 00:00+08' THEN 'scheduled'
             WHEN s < 0.04 THEN 'cancelled' WHEN s < 0.06 THEN 'no_show'
             ELSE 'closed' END AS state
         FROM (
           SELECT (w.id - 1) * 2 + p AS id, w.id AS work_order_id, p AS sequence,
             2 + floor(random() * 500)::int AS technician_id, random() AS s,
             w.created_at AS created_at,
             date_trunc('hour', w.created_at) + interval '1 day' * (1 + (p - 1) * 7)
               + floor(random() * 4) * interval '15 minutes' AS appointed
           FROM visits_workorder w CROSS JOIN generate_series(1, 2) p
         ) v
       ) judged""",
    """INSERT INTO visits_visitevent (visit_id, kind, from_state, to_state, at, data,
         actor_id)
       SELECT id, 'scheduled', '', 'scheduled', created_at, '{}'::jsonb, 1
       FROM visits_visit""",
    """INSERT INTO visits_call (visit_id, purpose, state, due_at, to_phone, language,
         attempts, provider, outcome, digits, last_error, created_at, call_back_note,
         call_back_outcome)
       SELECT v.id, 'reminder', CASE WHEN v.state = 'scheduled' THEN 'scheduled'
           WHEN random() < 0.03 THEN 'failed' ELSE 'completed' END,
         v.appointed_start - interval '1 day', w.customer_phone, 'zh-hans',
         1, 'console', '', '', '', v.created_at, '', ''
       FROM visits_visit v JOIN visits_workorder w ON w.id = v.work_order_id""",
    """UPDATE visits_call SET outcome = CASE WHEN state = 'failed' THEN 'no_answer'
         ELSE 'answered' END WHERE state <> 'scheduled'""",
    """INSERT INTO visits_complaint (visit_id, source, description, state, opened_at,
         first_response_due_at, resolution_due_at, response, resolution,
         escalation_level, first_responded_at, resolved_at)
       SELECT id, 'dispatcher', '服务态度', CASE WHEN random() < 0.9 THEN 'resolved'
           ELSE 'open' END, appointed_start + interval '1 day',
         appointed_start + interval '3 days', appointed_start + interval '9 days',
         '', '', 0, NULL, NULL
       FROM visits_visit WHERE state = 'closed' AND random() < 0.015""",
    """UPDATE visits_complaint SET first_responded_at = opened_at + interval '2 hours',
         resolved_at = opened_at + interval '3 days', response = '已回复',
         resolution = '已解决' WHERE state = 'resolved'""",
    """INSERT INTO visits_reschedulerequest (visit_id, requested_at)
       SELECT id, appointed_start - interval '1 day'
       FROM visits_visit WHERE random() < 0.005""",
]
TABLES = [
    "accounts_team",
    "accounts_user",
    "accounts_technicianprofile",
    "accounts_customer",
    "visits_workorder",
    "visits_visit",
    "visits_visitevent",
    "visits_call",
    "visits_complaint",
    "visits_reschedulerequest",
]
LAST_VISIT = 1_000_000


def load() -> dict:
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM visits_visit WHERE id = %s", [LAST_VISIT])
        if cursor.fetchone():
            print("already loaded")
            return {}
        cursor.execute(
            "TRUNCATE " + ", ".join(reversed(TABLES)) + ", visits_workordersequence "
            "RESTART IDENTITY CASCADE"
        )
        timings = {}
        cursor.execute("SET session_replication_role = replica")
        for statement in LOAD:
            started = time.perf_counter()
            cursor.execute(statement)
            label = " ".join(statement.split()[:3])
            timings[label] = round(time.perf_counter() - started, 1)
            print(f"{timings[label]:7.1f} s  {label} ({cursor.rowcount} rows)")
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("SET session_replication_role = origin")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = round(time.perf_counter() - started, 1)
    return timings


# --- Run ------------------------------------------------------------------------


def _scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _cursor(position: str | None, *, reverse: bool = False) -> str:
    """A cursor as DRF's CursorPagination encodes it."""
    tokens = {}
    if reverse:
        tokens["r"] = "1"
    if position is not None:
        tokens["p"] = position
    return base64.b64encode(urlencode(tokens, doseq=True).encode()).decode()


def _deep(client: Client, url: str, order_sql: str, table: str) -> list:
    """(name, url) for the middle and last page of an API list, by page number
    or by cursor, whichever the list answers with."""
    first = client.get(url).json()
    separator = "&" if "?" in url else "?"
    if "count" in first:
        middle = max(1, first["count"] // 50 // 2)
        return [
            ("page 200 (offset 9,950)", f"{url}{separator}page=200"),
            ("middle page", f"{url}{separator}page={middle}"),
            ("last page", f"{url}{separator}page=last"),
        ]
    total = _scalar(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'")
    position = _scalar(
        f"SELECT {order_sql} FROM {table} ORDER BY {order_sql} OFFSET %s LIMIT 1",
        [total // 2],
    )
    if hasattr(position, "isoformat"):
        position = position.isoformat()
    return [
        ("middle page (cursor)", f"{url}{separator}cursor={_cursor(str(position))}"),
        ("last page (cursor)", f"{url}{separator}cursor={_cursor(None, reverse=True)}"),
    ]


def cases(client: Client) -> list[tuple[str, str, str]]:
    """(group, name, url) of every list page to time."""
    technician = 250
    customer_phone = _scalar("SELECT phone FROM accounts_customer WHERE id = 123457")
    customer_name = _scalar("SELECT name FROM accounts_customer WHERE id = 123457")
    work_order = _scalar("SELECT number FROM visits_workorder WHERE id = 250001")
    local_phone = f"{customer_phone[3:6]} {customer_phone[6:10]} {customer_phone[10:]}"
    api = [
        ("visits", "/api/v1/visits/", "appointed_start", "visits_visit"),
        ("work orders", "/api/v1/work-orders/", "created_at DESC", "visits_workorder"),
        ("customers", "/api/v1/customers/", "name", "accounts_customer"),
        ("calls", "/api/v1/calls/", "due_at DESC", "visits_call"),
        ("complaints", "/api/v1/complaints/", "opened_at DESC", "visits_complaint"),
    ]
    rows = []
    for group, url, order_sql, table in api:
        rows.append((f"API {group}", "first page", url))
        for name, deep_url in _deep(client, url, order_sql, table):
            rows.append((f"API {group}", name, deep_url))
    rows += [
        ("API visits", "?state=scheduled", "/api/v1/visits/?state=scheduled"),
        ("API visits", "?date=2026-06-15", "/api/v1/visits/?date=2026-06-15"),
        ("API visits", "?technician=", f"/api/v1/visits/?technician={technician}"),
        ("API visits", "?work_order=", "/api/v1/visits/?work_order=250001"),
        (
            "API work orders",
            "?kind=installation",
            "/api/v1/work-orders/?kind=installation",
        ),
        ("API work orders", "?customer=", "/api/v1/work-orders/?customer=123457"),
        (
            "API work orders",
            "?customer_phone=",
            f"/api/v1/work-orders/?customer_phone={customer_phone}",
        ),
        ("API work orders", "?number=", f"/api/v1/work-orders/?number={work_order}"),
        (
            "API customers",
            "?phone= (E.164)",
            f"/api/v1/customers/?phone={customer_phone}",
        ),
        ("API customers", "?area_tier=rural", "/api/v1/customers/?area_tier=rural"),
        ("API technicians", "first page", "/api/v1/technicians/"),
        ("API calls", "?state=failed", "/api/v1/calls/?state=failed"),
        ("API complaints", "?state=open", "/api/v1/complaints/?state=open"),
        ("API reschedule requests", "first page", "/api/v1/reschedule-requests/"),
        (
            "API console customer search",
            "q=phone (as typed)",
            "/api/v1/console/customers/?" + urlencode({"q": local_phone}),
        ),
        (
            "API console customer search",
            "q=name",
            "/api/v1/console/customers/?" + urlencode({"q": customer_name}),
        ),
    ]
    for group, url in [
        ("admin visits", "/admin/visits/visit/"),
        ("admin work orders", "/admin/visits/workorder/"),
        ("admin customers", "/admin/accounts/customer/"),
        ("admin calls", "/admin/visits/call/"),
        ("admin complaints", "/admin/visits/complaint/"),
    ]:
        rows.append((group, "first page", url))
        rows.append((group, "page 100", f"{url}?p=100"))
        rows.append((group, "page 5000", f"{url}?p=5000"))
    rows += [
        ("admin visits", "?state=closed", "/admin/visits/visit/?state__exact=closed"),
        ("admin visits", "?day=today", "/admin/visits/visit/?day=today"),
        ("admin calls", "?state=failed", "/admin/visits/call/?state__exact=failed"),
    ]
    searches = {
        "phone E.164": customer_phone,
        "phone as typed": local_phone,
        "name": customer_name,
        "work-order number": work_order,
    }
    for group, url in [
        ("admin search visits", "/admin/visits/visit/"),
        ("admin search work orders", "/admin/visits/workorder/"),
        ("admin search customers", "/admin/accounts/customer/"),
    ]:
        for name, term in searches.items():
            if group.endswith("customers") and name == "work-order number":
                continue
            rows.append((group, name, f"{url}?" + urlencode({"q": term})))
    return rows


def timed(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - started) * 1000, response.status_code


def run(label: str, only: str) -> dict:
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench1"))
    rows = []
    for group, name, url in cases(client):
        if only and only not in group:
            continue
        timed(client, url)
        timed(client, "/api/v1/me/")
        times, trivial = [], []
        for _ in range(RUNS):
            elapsed, status = timed(client, url)
            times.append(elapsed)
            trivial.append(timed(client, "/api/v1/me/")[0])
        median = statistics.median(times)
        row = {
            "group": group,
            "name": name,
            "url": url,
            "status": status,
            "median_ms": round(median, 1),
            "trivial_ms": round(statistics.median(trivial), 1),
            "ratio": round(median / statistics.median(trivial), 1),
        }
        rows.append(row)
        print(
            f"{group:28} {name:24} {status:4} {row['median_ms']:9.1f} ms "
            f"{row['ratio']:7.1f}x"
        )
    return {
        "label": label,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"load average at start {os.getloadavg()}",
        "runs": RUNS,
        "rows": rows,
    }


def table() -> str:
    """bench/results/lists.json as a Markdown table, before next to after."""
    runs = json.loads((RESULTS / "lists.json").read_text())
    before = {(r["group"], r["name"].split(" (")[0]): r for r in runs["before"]["rows"]}
    lines = [
        "| list | page / filter | before ms (x) | after ms (x) |",
        "|---|---|---|---|",
    ]
    for row in runs["after"]["rows"]:
        old = before.get((row["group"], row["name"].split(" (")[0]))
        old_text = f"{old['median_ms']} ({old['ratio']}x)" if old else "-"
        if old and old["status"] != 200:
            old_text += f" {old['status']}"
        new_text = f"{row['median_ms']} ({row['ratio']}x)"
        if row["status"] != 200:
            new_text += f" {row['status']}"
        lines.append(f"| {row['group']} | {row['name']} | {old_text} | {new_text} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["load", "run", "table"])
    parser.add_argument("--label", default="after")
    parser.add_argument("--only", default="", help="only groups containing this")
    arguments = parser.parse_args()
    if arguments.command == "load":
        print(json.dumps(load(), indent=1))
        return
    if arguments.command == "table":
        print(table())
        return
    result = run(arguments.label, arguments.only)
    result["load_average_at_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "lists.json"
    merged = json.loads(path.read_text()) if path.exists() else {}
    if arguments.only and arguments.label in merged:  # replace only those rows
        whole = merged[arguments.label]
        fresh = {(row["group"], row["name"]) for row in result["rows"]}
        whole["rows"] = [
            row for row in whole["rows"] if (row["group"], row["name"]) not in fresh
        ] + result["rows"]
        whole.setdefault("partial_runs", []).append(
            {key: result[key] for key in ("date", "machine", "load_average_at_end")}
            | {"only": arguments.only}
        )
        result = whole
    merged[arguments.label] = result
    path.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
