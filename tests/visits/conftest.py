"""Fixtures shared by the tests of the visits' admin pages."""

import pytest

from tests.factories import TechnicianFactory
from tests.signing import all_confirmed, sign
from tests.visits.checklists.checklist_helpers import answer_everything, book

CONTESTED = "shoe_covers"


@pytest.fixture
def signed_visit(api):
    """A visit worked through the phone's API: a temporary leave, every item
    answered (photos too), signed with one conduct item contested."""
    technician = TechnicianFactory()
    visit = book(technician)
    api.as_user(technician)
    steps = [
        ("start-travel", {}),
        ("arrive", {}),
        ("start-work", {}),
        ("leave", {"reason": "fetch_materials", "is_returning": True}),
        ("return", {}),
    ]
    for step, body in steps:
        response = api.post(
            f"/api/v1/visits/{visit.id}/actions/{step}/", body, format="json"
        )
        assert response.status_code == 200, response.json()
    answer_everything(api, visit)
    response = api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")
    assert response.status_code == 200, response.json()
    conduct = all_confirmed(visit)
    assert CONTESTED in [entry["code"] for entry in conduct]
    for entry in conduct:
        if entry["code"] == CONTESTED:
            entry.update(confirmed=False, comment="没有穿鞋套")
    sign(visit, by=technician, conduct=conduct)
    visit.refresh_from_db()
    return visit
