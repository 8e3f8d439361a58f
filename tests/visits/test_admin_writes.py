"""Writes in the dispatcher's admin: they go through the services, what a
signature covers stays as signed, and a refused change keeps what was typed."""

import pytest

from accounts.services import dispatcher_create
from fieldservice.errors import Conflict
from tests.factories import VisitFactory
from visits.lifecycle import services
from visits.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    user = dispatcher_create(username="desk", password=None)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.user = user
    return client


def work_order_post(desk, order, description):
    return desk.post(
        f"/admin/visits/workorder/{order.id}/change/",
        {
            "description": description,
            "visits-TOTAL_FORMS": 0,
            "visits-INITIAL_FORMS": 0,
        },
    )


# --- What a signature covers (docs/rules.md#signed-record) -------------------------


def test_a_work_order_description_is_editable_until_a_customer_signs(desk):
    order = VisitFactory().work_order

    response = work_order_post(desk, order, "光猫更换后无法上网")

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.description == "光猫更换后无法上网"


def test_a_signed_work_order_shows_its_description_read_only(desk, signed_visit):
    order = signed_visit.work_order

    response = desk.get(f"/admin/visits/workorder/{order.id}/change/")

    assert response.status_code == 200
    assert 'name="description"' not in response.text


def test_a_forged_post_cannot_change_a_signed_description(desk, signed_visit):
    order = signed_visit.work_order
    before = WorkOrder.objects.filter(pk=order.pk).values().get()

    work_order_post(desk, order, "签收后改写的描述")

    assert WorkOrder.objects.filter(pk=order.pk).values().get() == before


def test_the_service_refuses_to_change_a_signed_description(desk, signed_visit):
    order = signed_visit.work_order

    with pytest.raises(Conflict) as refused:
        services.work_order_update_description(
            work_order=order, description="签收后改写的描述", by=desk.user
        )

    assert refused.value.code == "work_order_signed"
    order.refresh_from_db()
    assert order.description != "签收后改写的描述"
