"""A visit's page: its evidence in one dispatcher endpoint, with the actions
the console may offer now."""

import pytest

from tests.factories import TechnicianFactory
from tests.visits.checklists.checklist_helpers import book
from visits.calls.models import Call
from visits.complaints import services as complaints

pytestmark = pytest.mark.django_db


def evidence(client, visit):
    return client.get(f"/api/v1/console/visits/{visit.id}/")


def test_a_signed_visit_shows_its_evidence(
    desk, signed_visit, django_assert_num_queries
):
    complaints.complaint_file(visit=signed_visit, by=desk.user, description="鞋套")

    # session, user, visit, leaves, events, calls, complaints, conduct,
    # checklist items, their photos: however many of each
    with django_assert_num_queries(10):
        response = evidence(desk, signed_visit)

    assert response.status_code == 200
    body = response.json()
    assert body["visit"]["id"] == signed_visit.id
    assert body["visit"]["state"] == "signed_off"
    assert body["visit"]["arrival_time_source"] == "server"
    assert [leave["reason"] for leave in body["visit"]["leaves"]] == ["fetch_materials"]
    assert "sign_off" in [event["kind"] for event in body["visit"]["events"]]
    photos = [photo for item in body["checklist"] for photo in item["photos"]]
    assert photos
    assert photos[0]["thumbnail_url"] == f"/api/v1/photos/{photos[0]['id']}/thumbnail/"
    assert any(item["answer"] is not None for item in body["checklist"])
    contested = [row for row in body["sign_off"]["conduct"] if not row["is_confirmed"]]
    assert [(row["code"], row["comment"]) for row in contested] == [
        ("shoe_covers", "没有穿鞋套")
    ]
    assert body["sign_off"]["verify_url"].startswith("/verify/")
    assert [call["purpose"] for call in body["calls"]] == [
        "booking_notice",
        "follow_up",
    ]
    assert [row["contested_item"] for row in body["complaints"]] == ["shoe_covers"]
    assert body["actions"] == {
        "cancel": False,
        "close": True,
        "sign_off_link": False,
        "receipt": True,
        "service_card": True,
        "file_complaint": True,
    }
    assert body["receipt_url"] == f"/api/v1/visits/{signed_visit.id}/receipt.pdf"


def test_a_booked_visit_offers_cancel_and_no_receipt(desk, django_assert_num_queries):
    visit = book(TechnicianFactory())

    # no sign-off: its conduct confirmations need no query
    with django_assert_num_queries(9):
        body = evidence(desk, visit).json()

    assert body["sign_off"] is None
    assert body["actions"]["cancel"] is True
    assert body["actions"]["receipt"] is False
    assert body["actions"]["sign_off_link"] is False
    assert body["checklist"]
    assert all(item["answer"] is None for item in body["checklist"])
    assert len(body["calls"]) == Call.objects.filter(visit=visit).count()


def test_the_visit_page_is_for_dispatchers_only(api, signed_visit):
    response = api.as_user(signed_visit.technician).get(
        f"/api/v1/console/visits/{signed_visit.id}/"
    )

    assert response.status_code == 403


def test_an_unknown_visit_is_not_found(desk):
    assert desk.get("/api/v1/console/visits/999999/").status_code == 404


def test_the_console_answers_as_its_schema_documents(desk, signed_visit):
    from drf_spectacular.generators import SchemaGenerator

    from tests.fieldservice.test_schema_truth import assert_answer_documented

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    complaints.complaint_file(visit=signed_visit, by=desk.user, description="鞋套")
    for url in (
        "/api/v1/console/queues/",
        f"/api/v1/console/visits/{signed_visit.id}/",
    ):
        response = desk.get(url)
        assert response.status_code == 200
        assert_answer_documented(openapi, "GET", url, response)
