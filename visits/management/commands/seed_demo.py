"""Loads believable demo data and prints the demo logins.

Everything is created through the services, so the demo visits carry the same
event log, snapshots and punctuality judgements as real ones. Running it again
does nothing but print the logins.
"""

import io
import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts import services as accounts_services
from accounts.models import AreaTier, CompanySettings, Language, Team, User
from visits.calls import services as call_services
from visits.calls.models import Call, CallBackOutcome, CallPurpose, CallState
from visits.checklists import services as checklist
from visits.checklists.models import ItemKind
from visits.complaints import services as complaint_services
from visits.complaints.models import Complaint
from visits.lifecycle import services
from visits.lifecycle.models import LeaveReason, VisitKind, WorkOrder
from visits.signoffs import services as signoff
from visits.signoffs.models import Promotion

PASSWORD = "fieldservice-demo"
SAMPLE_ANSWERS = {
    ItemKind.CONFIRM: True,
    ItemKind.TEXT: "更换入户光纤跳线，重新配置光猫，测速 300M 正常",
    ItemKind.NUMBER: -18.6,
}
STAGES_BEFORE_WORK = ("before_departure", "at_the_door", "in_the_home")


def _demo_photo(seed: int) -> io.BytesIO:
    """A small generated picture standing in for a phone photo."""
    image = Image.new("RGB", (640, 480), ((seed * 67) % 256, (seed * 131) % 256, 160))
    ImageDraw.Draw(image).rectangle(
        (80, 80, 560, 400), outline=(255, 255, 255), width=12
    )
    stream = io.BytesIO()
    image.save(stream, "JPEG", quality=80)
    stream.seek(0)
    return stream


def _demo_signature() -> bytes:
    """A few strokes on a transparent canvas, like a finger-drawn signature."""
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        (30, 110, 90, 40, 130, 120, 180, 50, 230, 115), fill=(20, 20, 60, 255), width=5
    )
    draw.line(
        (260, 60, 330, 60, 300, 130, 380, 90, 450, 100), fill=(20, 20, 60, 255), width=5
    )
    stream = io.BytesIO()
    image.save(stream, "PNG")
    return stream.getvalue()


def answer_checklist(visit, *, stages=None, with_optional=True) -> None:
    """Answers the visit's checklist as a careful technician would: every item,
    or only those of the given stages; the optional items too unless told not to."""
    for item in visit.checklist.order_by("position"):
        if stages is not None and item.stage not in stages:
            continue
        if not with_optional and not item.is_required:
            continue
        if item.kind == ItemKind.PHOTO:
            checklist.photo_add(
                visit=visit,
                by=visit.technician,
                upload=_demo_photo(visit.id * 100 + item.position),
                item=item,
                max_bytes=settings.PHOTO_MAX_BYTES,
                max_pixels=settings.PHOTO_MAX_PIXELS,
                max_side_pixels=settings.PHOTO_MAX_SIDE_PIXELS,
            )
            continue
        value = (
            item.choices[0]["value"]
            if item.kind == ItemKind.CHOICE
            else SAMPLE_ANSWERS[item.kind]
        )
        checklist.checklist_answer_set(
            visit=visit, item=item, by=visit.technician, value=value
        )


TECHNICIANS = [
    ("zhangwei", "伟", "张", "T10001", "13800000001"),
    ("lina", "娜", "李", "T10002", "13800000002"),
    ("wangqiang", "强", "王", "T10003", "13800000003"),
]
CUSTOMERS = [
    ("陈静", "13900000001", "武汉市江汉区解放大道 688 号 3 栋 1201", AreaTier.URBAN),
    ("刘洋", "13900000002", "武汉市洪山区珞喻路 129 号 5 单元 402", AreaTier.URBAN),
    (
        "Emily Carter",
        "13900000003",
        "Wuhan, Wuchang District, Zhongnan Road 9, 17F",
        AreaTier.URBAN,
    ),
    ("赵敏", "13900000004", "孝感市孝南区新华街 21 号", AreaTier.URBAN),
    ("孙立军", "13900000005", "黄陂区木兰乡胜天村 3 组 12 号", AreaTier.RURAL),
    ("周桂兰", "13900000006", "新洲区旧街镇花园村 45 号", AreaTier.RURAL),
    ("吴海", "13900000007", "蔡甸区奓山街星光村 8 号", AreaTier.RURAL),
]


class Command(BaseCommand):
    help = "Load demo users, customers and today's visits in several states."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off (the demo logins have a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo logins have a "
                "published password. Pass --allow-production to load it anyway."
            )
        if User.objects.filter(username="dispatcher").exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()
        self._queue_demo()

    def _load(self) -> None:
        company = CompanySettings.load()
        today = timezone.localdate()
        Promotion.objects.create(
            title_zh="冬季宽带提速",
            title_en="Winter broadband boost",
            body_zh="300M 升级 1000M，首年半价。详询客服热线。",
            body_en="Upgrade 300M to 1000M at half price for the first year. Ask the hotline.",
            valid_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=60),
        )
        accounts_services.dispatcher_group_ensure()
        User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
        dispatcher = accounts_services.dispatcher_create(
            username="dispatcher",
            password=PASSWORD,
            first_name="敏",
            last_name="何",
            phone="02712345678",
        )
        technicians = [
            accounts_services.technician_create(
                username=username,
                password=PASSWORD,
                first_name=first,
                last_name=last,
                employee_number=number,
                phone=phone,
            ).user
            for username, first, last, number, phone in TECHNICIANS
        ]
        customers = [
            accounts_services.customer_create(
                name=name,
                phone=phone,
                address=address,
                area_tier=tier,
                language=Language.ENGLISH if name.isascii() else Language.CHINESE,
                username="customer" if index == 0 else None,
                password=PASSWORD if index == 0 else None,
            )
            for index, (name, phone, address, tier) in enumerate(CUSTOMERS)
        ]
        self._visits(
            dispatcher, technicians, customers, company.arrival_tolerance_minutes
        )
        self._teams(technicians)
        self._history(dispatcher, technicians, customers)

    def _teams(self, technicians) -> None:
        """Two teams for the scorecard to compare: 张伟 and 李娜 in the east,
        王强 in the west."""
        zhang, li, wang = technicians
        east = Team.objects.create(name="江汉一组")
        west = Team.objects.create(name="汉阳二组")
        for technician, team in ((zhang, east), (li, east), (wang, west)):
            profile = technician.technician_profile
            profile.team = team
            profile.save(update_fields=["team"])

    # Late arrivals per technician over the eight weeks: 张伟 best, 王强 worst.
    HISTORY_LATE_ARRIVALS = {"zhangwei": 1, "lina": 4, "wangqiang": 8}
    HISTORY_LATE_REASONS = (
        "前一单超时，已电话告知客户",
        "路上堵车，已电话告知客户",
        "小区门禁登记耽误，已告知客户",
        "找不到单元楼，已电话联系客户",
    )
    HISTORY_REPAIRS = (
        "光猫红灯，无法上网",
        "宽带晚间掉线，需测速",
        "路由器 Wi-Fi 信号弱",
        "电视机顶盒无信号",
        "固话杂音大",
    )
    HISTORY_INSTALLATIONS = ("宽带新装 300M，含光猫安装调试", "加装 IPTV 机顶盒")

    def _history(self, dispatcher, technicians, customers) -> None:
        """Eight weeks of closed visits before this week, so the scorecard's trend
        and ranking read like a real team's: two or three visits per technician
        and week, Monday to Saturday afternoons (one a day at most: clear of
        today's visits and of the travel buffer), mostly on time; all signed off
        and closed, one with a contested conduct item; every follow-up call
        answered, two with a poor rating that opens a complaint, one of them only
        reached on a call-back days later. The complaint services take no time:
        the complaints are answered now, so the old one counts as answered late.
        Deterministic: a fixed random seed, days counted from this week's Monday."""
        rng = random.Random(8)
        _zhang, li, wang = technicians
        today = timezone.localdate()
        this_monday = today - timedelta(days=today.weekday())
        visits = []
        for technician in technicians:
            plan = []
            for weeks_back in range(8, 0, -1):
                monday = this_monday - timedelta(weeks=weeks_back)
                days = sorted(rng.sample(range(6), rng.choice((2, 2, 3))))
                for day in days:
                    slot = rng.choice((time(13, 30), time(16, 0)))
                    plan.append(
                        timezone.make_aware(
                            datetime.combine(monday + timedelta(days=day), slot)
                        )
                    )
            late = set(
                rng.sample(
                    range(len(plan)),
                    self.HISTORY_LATE_ARRIVALS[technician.username],
                )
            )
            for index, start in enumerate(plan):
                visits.append(
                    self._history_visit(
                        dispatcher,
                        technician,
                        rng.choice(customers),
                        start,
                        rng,
                        is_late=index in late,
                        contested=technician == wang and index == len(plan) // 2,
                    )
                )
        # Follow-up calls, answered on the keypad the day they were due;
        # two poor ratings open complaints through the calls' own rule.
        recent_for_wang = max(
            (visit for visit in visits if visit.technician == wang),
            key=lambda visit: visit.appointed_start,
        )
        called_back = next(
            visit
            for visit in visits
            if visit.technician == li
            and timezone.localdate(visit.appointed_start)
            >= this_monday - timedelta(weeks=5)
        )
        for visit in visits:
            call = visit.calls.get(purpose=CallPurpose.FOLLOW_UP)
            if visit == called_back:
                # Not answered: a dispatcher called back two days later.
                Call.objects.filter(pk=call.pk).update(
                    state=CallState.FAILED,
                    attempts=settings.CALL_MAX_ATTEMPTS,
                    last_error="the customer did not answer (no-answer)",
                    placed_at=call.due_at,
                    ended_at=call.due_at + timedelta(hours=2),
                    provider="console",
                )
                call_services.call_record_call_back(
                    call=call,
                    by=dispatcher,
                    outcome=CallBackOutcome.RATED,
                    rating=1,
                    note="客户出差刚回来，说网络仍然时断时续",
                    at=call.due_at + timedelta(days=2),
                )
                continue
            rating = (
                2
                if visit == recent_for_wang
                else rng.choices((5, 4, 3), weights=(6, 3, 1))[0]
            )
            Call.objects.filter(pk=call.pk).update(
                state=CallState.PLACED,
                attempts=1,
                placed_at=call.due_at,
                provider="console",
            )
            call_services.call_record_keys(
                call=call, step="rating", digits=str(rating), attempt=1
            )
            call_services.call_record_keys(
                call=call, step="problem", digits="1" if rating <= 2 else "2", attempt=1
            )
            call_services.call_record_status(call=call, status="completed")
        for complaint in Complaint.objects.filter(visit__in=visits).order_by("id"):
            complaint_services.complaint_respond(
                complaint=complaint,
                by=dispatcher,
                response="已致电客户致歉，安排技术员复查",
            )
            complaint_services.complaint_resolve(
                complaint=complaint,
                by=dispatcher,
                resolution="技术员复查后问题已解决，客户表示满意",
            )

    def _history_visit(
        self, dispatcher, technician, customer, start, rng, *, is_late, contested
    ):
        """One past visit from booking to closing, through the services at its
        own times."""
        minute = timedelta(minutes=1)
        is_installation = rng.random() < 0.3
        kind, minutes, description = (
            (VisitKind.INSTALLATION, 90, rng.choice(self.HISTORY_INSTALLATIONS))
            if is_installation
            else (VisitKind.REPAIR, 60, rng.choice(self.HISTORY_REPAIRS))
        )
        work_order = services.work_order_create(
            customer=customer, kind=kind, description=description, by=dispatcher
        )
        visit = services.visit_schedule(
            work_order=work_order,
            technician=technician,
            appointed_start=start,
            expected_duration_minutes=minutes,
            by=dispatcher,
            now=start - timedelta(days=rng.choice((1, 2, 3))),
        )
        services.visit_start_travel(visit=visit, by=technician, at=start - 25 * minute)
        if is_late:
            offset = (visit.arrival_tolerance_minutes + rng.randint(3, 35)) * minute
            late_reason = rng.choice(self.HISTORY_LATE_REASONS)
        else:
            offset, late_reason = rng.randint(-8, 8) * minute, ""
        arrived_at = start + offset
        services.visit_arrive(
            visit=visit, by=technician, at=arrived_at, late_reason=late_reason
        )
        services.visit_start_work(
            visit=visit, by=technician, at=arrived_at + 3 * minute
        )
        answer_checklist(visit, with_optional=rng.random() < 0.7)
        finished_at = arrived_at + (minutes - rng.randint(0, 15)) * minute
        services.visit_finish_work(visit=visit, by=technician, at=finished_at)
        comments = {"site_clean": "地上留有线头"} if contested else {}
        signoff.visit_sign_off(
            visit=visit,
            by=technician,
            at=finished_at + 5 * minute,
            data=signoff.SignOffInput(
                signer_name=customer.name,
                signature_png=_demo_signature(),
                consent_version=signoff.current_consent().version,
                conduct=[
                    {
                        "code": question["code"],
                        "confirmed": question["code"] not in comments,
                        "comment": comments.get(question["code"], ""),
                    }
                    for question in signoff.conduct_questions(visit)
                ],
            ),
        )
        if contested:
            item = visit.sign_off.conduct.get(code="site_clean")
            complaint_services.complaint_open_for_conduct(item=item, by=dispatcher)
        services.visit_close(visit=visit, by=dispatcher, at=finished_at + 60 * minute)
        return visit

    def _visits(self, dispatcher, technicians, customers, tolerance_minutes) -> None:
        zhang, li, wang = technicians
        now = timezone.now().replace(second=0, microsecond=0)
        minute = timedelta(minutes=1)

        def book(
            customer,
            technician,
            start,
            kind=VisitKind.REPAIR,
            description="",
            minutes=60,
        ):
            work_order = services.work_order_create(
                customer=customer, kind=kind, description=description, by=dispatcher
            )
            return services.visit_schedule(
                work_order=work_order,
                technician=technician,
                appointed_start=start,
                expected_duration_minutes=minutes,
                by=dispatcher,
                now=min(start, now) - timedelta(days=1),
            )

        def arrive(visit, offset, late_reason=""):
            start = visit.appointed_start
            services.visit_start_travel(
                visit=visit, by=visit.technician, at=start - 25 * minute
            )
            return services.visit_arrive(
                visit=visit,
                by=visit.technician,
                at=start + offset,
                late_reason=late_reason,
            )

        # Signed off and closed this morning: an installation, on time.
        closed = book(
            customers[0],
            li,
            now - 300 * minute,
            VisitKind.INSTALLATION,
            "宽带新装 300M，含光猫安装调试",
            minutes=90,
        )
        arrive(closed, -3 * minute)
        services.visit_start_work(visit=closed, by=li, at=closed.appointed_start)
        answer_checklist(closed)
        services.visit_finish_work(
            visit=closed, by=li, at=closed.appointed_start + 80 * minute
        )
        signoff.visit_sign_off(
            visit=closed,
            by=li,
            at=closed.appointed_start + 85 * minute,
            data=signoff.SignOffInput(
                signer_name="陈静",
                signature_png=_demo_signature(),
                consent_version=signoff.current_consent().version,
                conduct=[
                    {"code": question["code"], "confirmed": True}
                    for question in signoff.conduct_questions(closed)
                ],
            ),
        )
        services.visit_close(
            visit=closed,
            by=dispatcher,
            note="回访满意",
            at=closed.appointed_start + 120 * minute,
        )

        # Late by more than the tolerance, with a reason; work done, waiting for sign-off.
        late = book(
            customers[1], zhang, now - 180 * minute, description="光猫红灯，无法上网"
        )
        arrive(
            late,
            (tolerance_minutes + 7) * minute,
            late_reason="前一单超时，已电话告知客户",
        )
        services.visit_start_work(
            visit=late, by=zhang, at=late.appointed_start + 20 * minute
        )
        answer_checklist(late)
        services.visit_finish_work(
            visit=late, by=zhang, at=late.appointed_start + 70 * minute
        )

        # Left for the equipment room without returning: a fix deadline was committed.
        left = book(
            customers[4], wang, now - 200 * minute, description="农村宽带频繁掉线"
        )
        arrive(left, 4 * minute)
        services.visit_start_work(
            visit=left, by=wang, at=left.appointed_start + 6 * minute
        )
        services.visit_leave(
            visit=left,
            by=wang,
            reason=LeaveReason.EQUIPMENT_ROOM_TEST,
            is_returning=False,
            fix_deadline=now + timedelta(hours=20),
            note="需回机房测试端口，明天 12 点前修通",
            at=left.appointed_start + 40 * minute,
        )

        # Nobody at home.
        no_show = book(
            customers[5], zhang, now - 90 * minute, description="电视机顶盒无信号"
        )
        arrive(no_show, 2 * minute)
        services.visit_mark_no_show(
            visit=no_show,
            by=zhang,
            note="敲门无人应答，电话未接",
            at=no_show.appointed_start + 15 * minute,
        )
        complaint_services.complaint_file(
            visit=no_show,
            by=dispatcher,
            description="客户来电：当时在家，未听到敲门，要求尽快重新上门",
        )

        # In progress right now, arrived early; then on the way; then later today.
        working = book(
            customers[2],
            wang,
            now - 35 * minute,
            VisitKind.INSTALLATION,
            "IPTV installation, second set-top box",
        )
        arrive(working, -12 * minute, late_reason="前一单提前完成，已电话征得客户同意")
        services.visit_start_work(visit=working, by=wang, at=working.appointed_start)
        answer_checklist(working, stages=STAGES_BEFORE_WORK)
        on_the_way = book(
            customers[3], li, now + 20 * minute, description="固话无拨号音"
        )
        services.visit_start_travel(visit=on_the_way, by=li, at=now - 5 * minute)
        book(customers[6], zhang, now + 150 * minute, description="路由器 Wi-Fi 信号弱")
        book(
            customers[0],
            li,
            now + 240 * minute,
            VisitKind.INSTALLATION,
            "加装千兆路由器",
        )

        # The phone app right away for zhangwei: a visit due in a few minutes
        # (set off, arrive on time, work the checklist, have it signed) and
        # one tomorrow morning.
        book(
            customers[2],
            zhang,
            now + 8 * minute,
            VisitKind.INSTALLATION,
            "Broadband installation, 1000M, with Wi-Fi router",
            minutes=90,
        )
        tomorrow_morning = timezone.localtime(now + timedelta(days=1)).replace(
            hour=9, minute=30
        )
        slow_evenings = book(
            customers[1], zhang, tomorrow_morning, description="宽带晚间掉线，需测速"
        )
        # The customer pressed 2 on the reminder: a reschedule request awaits.
        # Tomorrow morning's reminder (an hour before) exists whatever the time
        # of seeding; this evening's visits may have none left to make.
        reminder = slow_evenings.calls.order_by("due_at").first()
        if reminder is not None:
            Call.objects.filter(pk=reminder.pk).update(
                state=CallState.PLACED, attempts=1, placed_at=now, provider="console"
            )
            call_services.call_record_keys(
                call=reminder, step="confirm", digits="2", attempt=1
            )

        # Tomorrow, then cancelled by the customer's request.
        cancelled = book(
            customers[3],
            wang,
            now + timedelta(days=1, hours=1),
            VisitKind.INSTALLATION,
            "宽带移机",
        )
        services.visit_cancel(
            visit=cancelled, by=dispatcher, reason="客户来电取消，改期另约"
        )

    def _print_logins(self) -> None:
        rows = [
            ("admin", "administrator (everything)"),
            ("dispatcher", "dispatcher (admin site and API)"),
            *[
                (username, f"technician {number}")
                for username, _f, _l, number, _p in TECHNICIANS
            ],
            ("customer", "customer 陈静 (API: own work orders)"),
        ]
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD}):")
        for username, what in rows:
            self.stdout.write(f"  {username:<12} {what}")

    # --- The console's queues --------------------------------------------------------

    QUEUE_DEMO_ORDER = "客厅光猫移位，重新布线"

    def _queue_demo(self) -> None:
        """Work for the console's queues: two signed visits of the last days, one
        with two conduct items contested; a complaint near its first-response
        deadline, an overdue one, and a follow-up call that failed. Once only."""
        dispatcher = User.objects.filter(username="dispatcher").first()
        if (
            dispatcher is None
            or WorkOrder.objects.filter(description=self.QUEUE_DEMO_ORDER).exists()
        ):
            return
        li = User.objects.get(username="lina")
        wang = User.objects.get(username="wangqiang")
        now = timezone.now().replace(second=0, microsecond=0)
        with transaction.atomic():
            customers = (
                accounts_services.customer_create(
                    name="郑晓东",
                    phone="13900000008",
                    address="武汉市武昌区中北路 66 号 2 栋 803",
                    area_tier=AreaTier.URBAN,
                ),
                accounts_services.customer_create(
                    name="何芳",
                    phone="13900000009",
                    address="武汉市汉阳区钟家村 18 号 1 单元 502",
                    area_tier=AreaTier.URBAN,
                ),
            )

            def signed(customer, technician, start, description, contested=()):
                work_order = services.work_order_create(
                    customer=customer,
                    kind=VisitKind.REPAIR,
                    description=description,
                    by=dispatcher,
                )
                visit = services.visit_schedule(
                    work_order=work_order,
                    technician=technician,
                    appointed_start=start,
                    by=dispatcher,
                    now=start - timedelta(days=1),
                )
                services.visit_start_travel(
                    visit=visit, by=technician, at=start - timedelta(minutes=20)
                )
                services.visit_arrive(
                    visit=visit, by=technician, at=start + timedelta(minutes=2)
                )
                services.visit_start_work(
                    visit=visit, by=technician, at=start + timedelta(minutes=5)
                )
                answer_checklist(visit)
                services.visit_finish_work(
                    visit=visit, by=technician, at=start + timedelta(minutes=50)
                )
                comments = dict(contested)
                signoff.visit_sign_off(
                    visit=visit,
                    by=technician,
                    at=start + timedelta(minutes=55),
                    data=signoff.SignOffInput(
                        signer_name=customer.name,
                        signature_png=_demo_signature(),
                        consent_version=signoff.current_consent().version,
                        conduct=[
                            {
                                "code": question["code"],
                                "confirmed": question["code"] not in comments,
                                "comment": comments.get(question["code"], ""),
                            }
                            for question in signoff.conduct_questions(visit)
                        ],
                    ),
                )
                return visit

            three_days_ago = timezone.localtime(now - timedelta(days=3)).replace(
                hour=10, minute=0
            )
            contested = signed(
                customers[0],
                li,
                three_days_ago,
                self.QUEUE_DEMO_ORDER,
                contested=[
                    ("shoe_covers", "进门没有穿鞋套"),
                    ("site_clean", "地上留有线头"),
                ],
            )
            yesterday = timezone.localtime(now - timedelta(days=1)).replace(
                hour=9, minute=0
            )
            rated = signed(customers[1], wang, yesterday, "宽带测速只有 50M")
            # The follow-up calls: the first answered, the second failed.
            Call.objects.filter(visit=contested, purpose="follow_up").update(
                state=CallState.COMPLETED,
                attempts=1,
                outcome="rated",
                rating=3,
                placed_at=three_days_ago + timedelta(days=1),
                ended_at=three_days_ago + timedelta(days=1, minutes=2),
                provider="console",
            )
            Call.objects.filter(visit=rated, purpose="follow_up").update(
                state=CallState.FAILED,
                attempts=settings.CALL_MAX_ATTEMPTS,
                last_error="the customer did not answer (no-answer)",
                placed_at=now - timedelta(hours=2),
                ended_at=now - timedelta(hours=2),
                provider="console",
            )
            # Overdue: opened 55 hours ago, no first response yet (linked to the
            # first contested item; the second awaits its own complaint).
            complaint_services.complaint_open(
                visit=contested,
                source="customer",
                description="客户来电：技术员进门没穿鞋套，地上留有线头",
                at=now - timedelta(hours=55),
            )
            # Near its deadline: opened 40 hours ago, 8 hours left to respond.
            complaint_services.complaint_open(
                visit=rated,
                source="dispatcher",
                description="客户来电：网速仍然只有 50M，要求再次上门",
                at=now - timedelta(hours=40),
                by=dispatcher,
            )
        self.stdout.write(
            "Demo queues loaded: complaints, a failed call, contested conduct."
        )
