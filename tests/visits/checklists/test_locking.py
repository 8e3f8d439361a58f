"""A checklist answer written while the customer signs, on PostgreSQL:
answering locks the visit, so no answer changes after the signed record froze
them (tests/concurrency.py)."""

import pytest

from fieldservice.errors import Conflict
from tests.concurrency import race
from tests.signing import sign
from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    book,
    start_work,
)
from visits.checklists import services as checklists
from visits.lifecycle import services as lifecycle
from visits.models import ChecklistAnswer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


def test_an_answer_changed_while_the_customer_signs_is_refused(api, technician):
    visit = book(technician)
    api.as_user(technician)
    start_work(api, visit)
    answer_everything(api, visit)
    lifecycle.visit_finish_work(visit=visit, by=technician)
    item = visit.checklist.filter(kind="confirm").order_by("position").first()
    before = ChecklistAnswer.objects.get(item=item)

    outcome = race(
        first=lambda: sign(visit, by=technician),
        second=lambda: checklists.checklist_answer_set(
            visit=visit, item=item, by=technician, value=False
        ),
    )

    assert outcome.first.error is None
    assert isinstance(outcome.second.error, Conflict)
    assert outcome.second.error.code == "checklist_closed"
    after = ChecklistAnswer.objects.get(item=item)
    assert (after.value, after.version) == (before.value, before.version)
