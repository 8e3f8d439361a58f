"""Fixtures shared by the sign-off tests."""

import pytest

from tests.visits.checklists.checklist_helpers import answer_everything, book


@pytest.fixture
def done_visit(api, technician):
    """A city repair whose work is done, its checklist complete."""
    visit = book(technician)
    api.as_user(technician)
    for step in ("start-travel", "arrive", "start-work"):
        assert api.post(f"/api/v1/visits/{visit.id}/actions/{step}/").status_code == 200
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    visit.refresh_from_db()
    return visit
