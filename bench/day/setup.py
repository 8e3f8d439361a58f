"""Sets up N technicians with their day of visits, through the product's own
services (as seed_demo does): technicians, customers, work orders and booked
visits, whose checklists are copied from the published templates the
migrations seed. Run in the stack's environment (production settings, the
bench's database):

    python -m bench.day.setup --technicians 10 --run-id r1 --output plan.json

Every run makes new logins (prefixed with the run id) and leaves what earlier
runs made in place, so it never empties a database it is given. Writes the
plan the replay needs (logins, visits and their local day) as JSON.
"""

import argparse
import json
import os
import random
import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings.base")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts import services as accounts_services  # noqa: E402
from accounts.models import AreaTier, Language  # noqa: E402
from visits.lifecycle import services  # noqa: E402
from visits.lifecycle.models import VisitKind  # noqa: E402

# A technician's six appointments (local time) and their length in minutes: a
# full day of installations, 80 minutes apart on average, as the replay paces it.
APPOINTMENTS = [
    (time(8, 30), 60),
    (time(10, 0), 60),
    (time(11, 30), 60),
    (time(13, 30), 60),
    (time(15, 0), 60),
    (time(16, 30), 60),
]
ADDRESSES = [
    "武汉市江汉区解放大道 688 号 {n} 栋 1201",
    "武汉市洪山区珞喻路 129 号 {n} 单元 402",
    "武汉市武昌区中南路 9 号 {n} 楼",
]


def build(*, technicians: int, run_id: str, day, visits_per_day: int) -> dict:
    password = secrets.token_urlsafe(16)
    rng = random.Random(run_id)
    zone = ZoneInfo(settings.TIME_ZONE)
    booked_at = datetime.combine(day - timedelta(days=1), time(8, 0), tzinfo=zone)
    with transaction.atomic():
        accounts_services.dispatcher_group_ensure()
        dispatcher = accounts_services.dispatcher_create(
            username=f"{run_id}-dispatcher",
            password=password,
            first_name="调度",
            last_name="压测",
            phone="02712345678",
        )
    plan = {"run_id": run_id, "day": day.isoformat(), "password": password}
    plan["technicians"] = []
    for index in range(technicians):
        with transaction.atomic():
            technician = accounts_services.technician_create(
                username=f"{run_id}-t{index}",
                password=password,
                first_name=f"{index}",
                last_name="技",
                employee_number=f"{run_id}-{index}".upper()[:20],
                phone=f"138{rng.randrange(10**8):08d}",
            ).user
            visit_ids = []
            for number, (start, minutes) in enumerate(APPOINTMENTS[:visits_per_day]):
                customer = accounts_services.customer_create(
                    name=f"客户{index}-{number}",
                    phone=f"139{rng.randrange(10**8):08d}",
                    address=rng.choice(ADDRESSES).format(n=number + 1),
                    area_tier=AreaTier.URBAN,
                    language=Language.CHINESE,
                )
                work_order = services.work_order_create(
                    customer=customer,
                    kind=VisitKind.INSTALLATION,
                    description="宽带新装：光猫安装与测速",
                    by=dispatcher,
                )
                visit = services.visit_schedule(
                    work_order=work_order,
                    technician=technician,
                    appointed_start=datetime.combine(day, start, tzinfo=zone),
                    expected_duration_minutes=minutes,
                    by=dispatcher,
                    now=booked_at,
                )
                visit_ids.append(visit.id)
        plan["technicians"].append(
            {"username": technician.username, "visits": visit_ids}
        )
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--technicians", type=int, required=True)
    parser.add_argument("--visits", type=int, default=6)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--day", help="local day of the visits (default: today)")
    parser.add_argument("--output", required=True)
    parser.add_argument("--migrate", action="store_true")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", "--noinput", verbosity=0)
    day = (
        datetime.fromisoformat(args.day).date()
        if args.day
        else datetime.now(ZoneInfo(settings.TIME_ZONE)).date()
    )
    plan = build(
        technicians=args.technicians,
        run_id=args.run_id,
        day=day,
        visits_per_day=args.visits,
    )
    with open(args.output, "w") as stream:
        json.dump(plan, stream, indent=1)


if __name__ == "__main__":
    main()
