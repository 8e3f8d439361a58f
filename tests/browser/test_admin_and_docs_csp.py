"""The Django admin and the API docs in a real Chromium under the
Content-Security-Policy: each page opens and draws with no CSP violation (the
`desktop` fixture fails a test on any), the admin's scripts run (its calendar
widget opens) and the docs render the schema."""

import pytest

from tests.browser.conftest import sign_in_to_console
from tests.factories import UserFactory, VisitFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]
TIMEOUT = 15000


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_the_admin_login_page_holds_the_policy(desktop, live_server):
    page = desktop("en-US")

    page.goto(f"{live_server.url}/admin/login/")

    page.wait_for_selector("#id_username")
    assert page.locator("input[type=submit]").is_visible()
    assert page.script_errors == []


def test_the_visits_changelist_and_change_form_hold_the_policy(
    desktop, live_server, superuser
):
    visit = VisitFactory()
    page = desktop("en-US")
    sign_in_to_console(page, live_server, superuser, path="/admin/visits/visit/")

    page.wait_for_selector("#result_list", timeout=TIMEOUT)
    page.goto(f"{live_server.url}/admin/visits/visit/{visit.pk}/change/")
    page.wait_for_selector("form#visit_form", timeout=TIMEOUT)
    # The admin's own scripts ran: the date widgets' shortcuts were added.
    page.wait_for_selector(".datetimeshortcuts", timeout=TIMEOUT)
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#content-main", timeout=TIMEOUT)

    assert page.script_errors == []


def test_swagger_ui_draws_the_schema_under_the_policy(desktop, live_server):
    page = desktop("en-US")

    page.goto(f"{live_server.url}/api/docs/")

    page.wait_for_selector(".opblock", timeout=TIMEOUT)
    assert page.locator(".opblock").count() > 10
    assert page.script_errors == []


def test_redoc_draws_the_schema_under_the_policy(desktop, live_server):
    page = desktop("en-US")

    page.goto(f"{live_server.url}/api/redoc/")

    page.wait_for_selector("[data-section-id]", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-section-id]").count() > 10
    assert page.script_errors == []
