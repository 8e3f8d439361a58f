"""Two dispatchers working one complaint at the same moment, on PostgreSQL: the
complaint (or the visit of a contested item) is locked before it is read, so
the second one decides on what the first did (tests/concurrency.py)."""

import pytest

from fieldservice.errors import InvalidTransition
from tests.concurrency import race
from tests.factories import DispatcherFactory, VisitFactory
from tests.visits.console.test_queues import contested_item
from visits.complaints import services
from visits.complaints.models import Complaint

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


@pytest.fixture
def complaint():
    return services.complaint_open(
        visit=VisitFactory(), source="dispatcher", description="来晚了"
    )


def test_two_first_responses_at_once_keep_the_first(complaint):
    first, second = DispatcherFactory(), DispatcherFactory()

    outcome = race(
        first=lambda: services.complaint_respond(
            complaint=complaint, by=first, response="马上处理"
        ),
        second=lambda: services.complaint_respond(
            complaint=complaint, by=second, response="明天处理"
        ),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, InvalidTransition)
    complaint.refresh_from_db()
    assert (complaint.state, complaint.response) == ("responded", "马上处理")


def test_two_resolutions_at_once_keep_the_first(complaint):
    first, second = DispatcherFactory(), DispatcherFactory()

    outcome = race(
        first=lambda: services.complaint_resolve(
            complaint=complaint, by=first, resolution="已道歉"
        ),
        second=lambda: services.complaint_resolve(
            complaint=complaint, by=second, resolution="已退款"
        ),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, InvalidTransition)
    complaint.refresh_from_db()
    assert (complaint.state, complaint.resolution) == ("resolved", "已道歉")


def test_the_complaint_of_a_contested_item_opened_twice_at_once_is_one():
    item = contested_item(VisitFactory(), 1)
    first, second = DispatcherFactory(), DispatcherFactory()

    outcome = race(
        first=lambda: services.complaint_open_for_conduct(item=item, by=first),
        second=lambda: services.complaint_open_for_conduct(item=item, by=second),
    )

    assert (outcome.first.error, outcome.second.error) == (None, None)
    assert outcome.first.value[1] is True
    assert outcome.second.value == (outcome.first.value[0], False)
    assert Complaint.objects.filter(conduct_item=item).count() == 1
