from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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
    assert Visit.objects.filter(punctuality="late").exclude(late_reason="").count() == 1
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
