"""The admin's date filters (date hierarchy) with days no calendar holds."""

import pytest

from accounts.services import dispatcher_create

pytestmark = pytest.mark.django_db

LISTS = [
    "/admin/visits/visit/",
    "/admin/visits/workorder/",
    "/admin/visits/call/",
    "/admin/visits/holiday/",
]


@pytest.mark.parametrize(
    "query",
    [
        "appointed_start__year=9999&appointed_start__month=12&appointed_start__day=31",
        "appointed_start__year=9999",
        "appointed_start__year=1&appointed_start__month=1&appointed_start__day=1",
        "appointed_start__year=99999999999999999999",
        "created_at__year=9999",
        "due_at__year=0",
        "day__year=9999&day__month=12",
        "created_at__year=2026&created_at__month=13",
    ],
)
def test_an_impossible_day_in_an_admin_list_is_a_400_page(client, query):
    client.force_login(dispatcher_create(username="desk", password="a-long-pw-9x"))

    for path in LISTS:
        response = client.get(f"{path}?{query}", HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 400, path
        assert "Enter a date between 2000-01-01 and 2099-12-31." in response.text


def test_a_day_in_the_supported_years_filters_as_before(client):
    client.force_login(dispatcher_create(username="desk", password="a-long-pw-9x"))

    response = client.get(
        "/admin/visits/visit/?appointed_start__year=2026&appointed_start__month=11"
    )

    assert response.status_code == 200
