"""The demo data fills the console's queues, once."""

import pytest
from django.core.management import call_command

from visits.console import selectors
from visits.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_queue_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)

    queues = selectors.queues()

    statuses = {row["first_response"]["status"] for row in queues["complaints"]}
    assert {"overdue", "due_soon"} <= statuses
    assert [row["purpose"] for row in queues["failed_calls"]] == ["follow_up"]
    contested = queues["contested_conduct"]
    assert sorted(row["code"] for row in contested) == ["shoe_covers", "site_clean"]
    assert sorted(row["complaint"] is None for row in contested) == [False, True]
    assert queues["reschedule_requests"]

    complaints = Complaint.objects.count()
    call_command("seed_demo", stdout=None)
    assert Complaint.objects.count() == complaints
