"""Sign-offs and signing links at the same moment, on PostgreSQL: the chain
head, the link and the visit are locked before they are read, so the chain
never forks and a link is never used twice (tests/concurrency.py)."""

import pytest

from fieldservice.errors import Conflict, InvalidTransition
from tests.concurrency import race
from tests.factories import DispatcherFactory, TechnicianFactory
from tests.signing import sign
from tests.visits.lifecycle.service_helpers import S, visit_in, withdraw_checklists
from visits.lifecycle import services as lifecycle
from visits.models import SignOff, SignOffLink, WorkOrder
from visits.signoffs import services as signoff
from visits.signoffs.services import LinkUsed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


@pytest.fixture
def done_visits():
    withdraw_checklists()
    dispatcher = DispatcherFactory()
    return [
        visit_in(S.WORK_DONE, dispatcher=dispatcher, technician=TechnicianFactory())
        for _ in range(3)
    ]


def test_two_sign_offs_at_once_extend_the_chain_one_after_the_other(done_visits):
    earlier, first, second = done_visits
    sign(earlier, by=earlier.technician, conduct=[])  # the chain has a head

    outcome = race(
        first=lambda: sign(first, by=first.technician, conduct=[]),
        second=lambda: sign(second, by=second.technician, conduct=[]),
    )

    assert (outcome.first.error, outcome.second.error) == (None, None)
    records = list(SignOff.objects.order_by("number"))
    assert [record.number for record in records] == [1, 2, 3]
    assert records[2].previous_chain_hash == records[1].chain_hash
    assert signoff.verify_all() == (3, [])


def test_one_link_used_twice_at_once_signs_once(done_visits):
    visit = done_visits[0]
    _link, token = signoff.sign_off_link_create(visit=visit, by=visit.technician)

    outcome = race(
        first=lambda: sign(visit, link_token=token, conduct=[]),
        second=lambda: sign(visit, link_token=token, conduct=[]),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, LinkUsed)
    assert SignOff.objects.filter(visit=visit).count() == 1


def test_no_link_is_made_for_a_visit_being_signed_at_that_moment(done_visits):
    visit = done_visits[0]

    outcome = race(
        first=lambda: sign(visit, by=visit.technician, conduct=[]),
        second=lambda: signoff.sign_off_link_create(visit=visit, by=visit.technician),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, InvalidTransition)
    assert not SignOffLink.objects.filter(visit=visit).exists()


def test_a_description_edited_while_the_customer_signs_waits_and_is_refused(
    done_visits,
):
    """The signature covers the description: an edit at the same moment as the
    sign-off must not slip in after the record was frozen."""
    visit = done_visits[0]
    dispatcher = DispatcherFactory()
    frozen = visit.work_order.description

    outcome = race(
        first=lambda: sign(visit, by=visit.technician, conduct=[]),
        second=lambda: lifecycle.work_order_update_description(
            work_order=visit.work_order,
            description="Changed after signing",
            by=dispatcher,
        ),
    )

    assert outcome.first.error is None
    assert outcome.second_waited
    assert isinstance(outcome.second.error, Conflict)
    assert outcome.second.error.code == "work_order_signed"
    assert WorkOrder.objects.get(pk=visit.work_order_id).description == frozen
    assert frozen in SignOff.objects.get(visit=visit).snapshot
