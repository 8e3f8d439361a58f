from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Customer, User
from visits.models import Call, Complaint, RescheduleRequest, Visit, VisitEvent

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_demo_data_has_todays_visits_in_several_states_and_prints_the_logins(settings):
    settings.DEBUG = True

    output = seed()

    states = set(Visit.objects.values_list("state", flat=True))
    assert states >= {
        "scheduled",
        "en_route",
        "in_progress",
        "temporarily_left",
        "work_done",
        "closed",
        "no_show",
        "cancelled",
    }
    assert set(Customer.objects.values_list("area_tier", flat=True)) == {
        "urban",
        "rural",
    }
    # Today's late arrival and the history's 1 + 4 + 8, each with its reason.
    assert Visit.objects.filter(punctuality="late").count() == 14
    assert not Visit.objects.filter(punctuality="late", late_reason="").exists()
    for username in (
        "admin",
        "dispatcher",
        "zhangwei",
        "lina",
        "wangqiang",
        "customer",
    ):
        assert username in output
        assert User.objects.get(username=username).check_password("fieldservice-demo")
    assert RescheduleRequest.objects.filter(handled_at__isnull=True).count() == 1
    assert Complaint.objects.filter(source="dispatcher").exists()
    assert Call.objects.filter(purpose="follow_up").exists()
    # Made through the services: every visit has its history.
    assert not Visit.objects.filter(events__isnull=True).exists()


def test_loading_the_demo_twice_adds_nothing(settings):
    settings.DEBUG = True
    seed()
    counts = (Visit.objects.count(), VisitEvent.objects.count(), User.objects.count())

    output = seed()

    assert "already loaded" in output
    assert (
        Visit.objects.count(),
        VisitEvent.objects.count(),
        User.objects.count(),
    ) == counts


def test_the_demo_is_refused_with_debug_off_unless_asked_for(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published password"):
        seed()
    assert not User.objects.exists()

    seed(allow_production=True)
    assert User.objects.filter(username="dispatcher").exists()


def _this_monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def test_the_demo_has_eight_weeks_of_closed_visits_for_every_technician(settings):
    settings.DEBUG = True

    seed()

    history = Visit.objects.filter(
        appointed_start__date__lt=_this_monday(), state="closed"
    )
    for username in ("zhangwei", "lina", "wangqiang"):
        visits = history.filter(technician__username=username)
        weeks = {
            timezone.localtime(visit.appointed_start).isocalendar()[:2]
            for visit in visits
        }
        assert len(weeks) >= 8
        assert visits.filter(punctuality="on_time").count() > visits.count() / 2
        assert visits.filter(punctuality="late").exists()
        assert not visits.filter(sign_off__isnull=True).exists()
    assert Visit.objects.count() < 80
    ratings = list(
        Call.objects.filter(visit__in=history, rating__isnull=False).values_list(
            "rating", flat=True
        )
    )
    assert len(ratings) == history.count()
    assert sorted(rating for rating in ratings if rating <= 2) == [1, 2]
    complaints = Complaint.objects.filter(visit__in=history)
    assert set(complaints.values_list("source", "state")) == {
        ("follow_up_keypad", "resolved"),
        ("follow_up_rating", "resolved"),
        ("dispatcher", "resolved"),
    }
    # Nothing from the past is left for the call scanner to ring.
    assert not Call.objects.filter(
        visit__in=history, state__in=("queued", "scheduled", "placing", "placed")
    ).exists()


def test_the_seeded_sign_off_chain_verifies(settings):
    settings.DEBUG = True
    seed()
    out = StringIO()

    call_command("verify_signoffs", stdout=out)

    signed = Visit.objects.filter(sign_off__isnull=False).count()
    assert out.getvalue().strip() == f"{signed} sign-off record(s) verified: intact."
    assert signed > 60


def test_the_scorecard_ranks_the_demo_technicians_zhang_li_wang(settings, client):
    settings.DEBUG = True
    seed()
    client.force_login(User.objects.get(username="dispatcher"))
    start = _this_monday() - timedelta(weeks=8)

    response = client.get(
        f"/api/v1/scorecard/technicians/?from={start}&to={timezone.localdate()}"
    )

    assert response.status_code == 200
    rates = {row["name"]: row["on_time_rate"] for row in response.json()["technicians"]}
    assert set(rates) == {"张伟", "李娜", "王强"}
    assert rates["张伟"] > rates["李娜"] > rates["王强"]
