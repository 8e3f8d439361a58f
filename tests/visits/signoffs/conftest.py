"""Fixtures shared by the sign-off tests."""

import pytest

from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    book,
    start_work,
)


@pytest.fixture
def done_visit(api, technician):
    """A city repair whose work is done, its checklist complete."""
    visit = book(technician)
    api.as_user(technician)
    start_work(api, visit)
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    visit.refresh_from_db()
    return visit
