"""Both languages, and the one error shape."""

import pytest

from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def test_errors_come_in_chinese_when_the_phone_asks_for_chinese(api, technician):
    visit = VisitFactory(technician=technician)

    response = api.as_user(technician).post(
        f"/api/v1/visits/{visit.id}/actions/arrive/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "不能" in response.json()["detail"]


def test_errors_come_in_english_when_asked(api, technician):
    visit = VisitFactory(technician=technician)

    response = api.as_user(technician).post(
        f"/api/v1/visits/{visit.id}/actions/arrive/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["detail"].startswith(
        "Cannot arrive at this visit: it is scheduled and nobody has set off yet."
    )


def test_the_admin_speaks_chinese(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/visits/visit/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "上门" in response.text
    assert "工单" in response.text


def test_a_json_body_that_is_not_json_is_a_400(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/visits/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
