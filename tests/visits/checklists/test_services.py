"""Who may write a visit's checklist, at the service (the API also hides other
technicians' visits; the service refuses them whatever the caller looked up)."""

import pytest

from fieldservice.errors import NotAllowed
from tests.visits.checklists.checklist_helpers import book, item
from visits.checklists import services
from visits.models import ChecklistAnswer, Photo

pytestmark = pytest.mark.django_db


def test_the_visits_own_technician_answers_its_checklist(technician):
    visit = book(technician)

    answer = services.checklist_answer_set(
        visit=visit, item=item(visit, "carry_tools"), by=technician, value=True
    )

    assert (answer.value, answer.answered_by) == (True, technician)


@pytest.mark.parametrize("who", ["other_technician", "dispatcher"])
def test_nobody_else_answers_a_visits_checklist(who, request, technician):
    visit = book(technician)

    with pytest.raises(NotAllowed):
        services.checklist_answer_set(
            visit=visit,
            item=item(visit, "carry_tools"),
            by=request.getfixturevalue(who),
            value=True,
        )

    assert not ChecklistAnswer.objects.exists()
    assert not Photo.objects.exists()
