"""API answers that are files (receipts, service cards, photos, CSV, the
monthly review) answer a client that asks for exactly their type, and refuse
in the JSON error shape whatever the client asked for."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _technician_downloads(world) -> list[tuple[str, str]]:
    signed = world.a.signed.pk
    photo = min(world.a.ids["photo"])
    return [
        (reverse("visit-receipt-pdf", args=[signed]), "application/pdf"),
        (reverse("visit-service-card-pdf", args=[signed]), "application/pdf"),
        (reverse("photo-image", args=[photo]), "image/jpeg"),
        (reverse("photo-thumbnail", args=[photo]), "image/jpeg"),
    ]


def test_each_file_answers_a_client_asking_for_exactly_its_type(world):
    technician = _client(world.a.technician)
    for url, media_type in _technician_downloads(world):
        for accept in (media_type, f"{media_type}, */*;q=0.1", "*/*"):
            response = technician.get(url, HTTP_ACCEPT=accept)
            assert response.status_code == 200, (url, accept, response.status_code)
            assert response["Content-Type"].startswith(media_type)
            body = (
                b"".join(response.streaming_content)
                if response.streaming
                else response.content
            )
            assert body
    dispatcher = _client(world.dispatcher)
    for name in ("scorecard-technicians-csv", "scorecard-teams-csv"):
        response = dispatcher.get(
            reverse(name),
            {"from": "2026-11-01", "to": "2026-11-30"},
            HTTP_ACCEPT="text/csv",
        )
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")


def test_refusals_of_a_file_are_json_whatever_was_asked_for(world):
    other_technician = _client(world.b.technician)
    for url, media_type in _technician_downloads(world):
        response = other_technician.get(
            url, HTTP_ACCEPT=media_type, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
    anonymous = APIClient().get(
        _technician_downloads(world)[0][0], HTTP_ACCEPT="application/pdf"
    )
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    # A month whose review was never asked for.
    missing = _client(world.dispatcher).get(
        reverse("scorecard-review-pdf", args=[2026, 1]),
        HTTP_ACCEPT="application/pdf",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    csv_for_a_technician = _client(world.a.technician).get(
        reverse("scorecard-teams-csv"), HTTP_ACCEPT="text/csv"
    )
    assert csv_for_a_technician.status_code == 403
    assert csv_for_a_technician.json()["code"] == "permission_denied"
