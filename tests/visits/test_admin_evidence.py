"""The evidence on the dispatcher's visit and sign-off pages: answers, photos,
leaves, events, the contested items and the signature, for dispatchers and
administrators only."""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import translation
from PIL import Image

from accounts.services import dispatcher_create
from tests.visits.conftest import CONTESTED
from visits.models import Photo, SignOff

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(dispatcher_create(username="desk", password=None))
    return client


@pytest.fixture(params=["dispatcher", "superuser"])
def reviewer(request, client, admin_user):
    if request.param == "dispatcher":
        client.force_login(dispatcher_create(username="desk", password=None))
    else:
        client.force_login(admin_user)
    return client


def is_image(response, image_format: str) -> bool:
    body = b"".join(response.streaming_content)
    return Image.open(io.BytesIO(body)).format == image_format


def test_the_visit_page_shows_answers_photos_leaves_and_events(reviewer, signed_visit):
    response = reviewer.get(
        f"/admin/visits/visit/{signed_visit.id}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    checklist = page.find(id="checklist-group")
    texts = [cell.get_text(strip=True) for cell in checklist.select("td.field-text")]
    assert texts == [
        item.text_en for item in signed_visit.checklist.order_by("position")
    ]
    items = list(signed_visit.checklist.order_by("position"))
    answers = [
        cell.get_text(" ", strip=True)
        for cell in checklist.select("td.field-answer_value")
    ]
    by_code = dict(zip([item.code for item in items], answers, strict=True))
    assert by_code["work_summary"] == "换了光猫"  # a text answer
    assert by_code["show_work_id"] == "Yes"  # a confirmation
    assert by_code["tools_on_work_cloth"] == "Photos: 1"  # a photo item
    assert "Contested by the customer" in by_code[CONTESTED]
    contested = checklist.select("td.field-answer_value .fs-contested")
    assert len(contested) == 1
    stages = [cell.get_text(strip=True) for cell in checklist.select("td.field-stage")]
    with translation.override("en"):
        assert stages == [str(item.get_stage_display()) for item in items]
    assert stages[0] == "Before departure"
    required = [
        bool(cell.select(".fs-required"))
        for cell in checklist.select("td.field-required_mark")
    ]
    assert required == [item.is_required for item in items]

    photos = page.find(id="photos-group")
    links = photos.select("td.field-preview a")
    assert len(links) == Photo.objects.filter(visit=signed_visit).count() > 0
    for link in links:
        full = reviewer.get(link["href"])
        thumbnail = reviewer.get(link.find("img")["src"])
        assert (full.status_code, thumbnail.status_code) == (200, 200)
        assert is_image(full, "JPEG")
        assert is_image(thumbnail, "JPEG")

    leaves = page.find(id="leaves-group")
    reasons = [cell.get_text(strip=True) for cell in leaves.select("td.field-reason")]
    assert reasons == ["Fetch materials or tools"]
    events = page.find(id="events-group")
    kinds = [cell.get_text(strip=True) for cell in events.select("td.field-kind")]
    assert len(kinds) == signed_visit.events.count() >= 7


def test_the_visit_page_in_chinese_shows_the_evidence(desk, signed_visit):
    response = desk.get(
        f"/admin/visits/visit/{signed_visit.id}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    texts = [
        cell.get_text(strip=True)
        for cell in page.find(id="checklist-group").select("td.field-text")
    ]
    assert texts == [
        item.text_zh for item in signed_visit.checklist.order_by("position")
    ]


def test_the_sign_off_page_lists_contested_items_and_shows_the_signature(
    reviewer, signed_visit
):
    record = SignOff.objects.get(visit=signed_visit)

    response = reviewer.get(
        f"/admin/visits/signoff/{record.id}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    listed = page.select("ul.fs-contested-list li")
    assert len(listed) == 1
    assert "没有穿鞋套" in listed[0].get_text()
    image = page.select_one("div.field-signature_image img")
    signature = reviewer.get(image["src"])
    assert signature.status_code == 200
    assert signature["Content-Type"] == "image/png"
    assert is_image(signature, "PNG")
    conduct = page.find(id="conduct-group")
    assert len(conduct.select(".fs-contested")) == 1


@pytest.fixture
def staff_technician(client, signed_visit):
    """A technician given staff access and every view permission by mistake."""
    user = signed_visit.technician
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    return client


def test_a_staff_technician_sees_no_visit_page(staff_technician, signed_visit):
    response = staff_technician.get(f"/admin/visits/visit/{signed_visit.id}/change/")

    assert response.status_code == 403


def test_a_staff_technician_gets_no_sign_off_page_or_signature(
    staff_technician, signed_visit
):
    record = SignOff.objects.get(visit=signed_visit)

    page = staff_technician.get(f"/admin/visits/signoff/{record.id}/change/")
    signature = staff_technician.get(f"/admin/visits/signoff/{record.id}/signature.png")

    assert page.status_code == 403
    assert signature.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/visits/visit/",
        "/admin/visits/workorder/",
        "/admin/visits/signoff/",
        "/admin/visits/complaint/",
        "/admin/visits/call/",
        "/admin/accounts/customer/",
        "/admin/accounts/changerecord/",
    ],
)
def test_a_staff_technician_is_refused_the_dispatch_lists(staff_technician, path):
    assert staff_technician.get(path).status_code == 403


def test_the_sign_off_page_in_chinese_lists_contested_items(desk, signed_visit):
    record = SignOff.objects.get(visit=signed_visit)

    response = desk.get(
        f"/admin/visits/signoff/{record.id}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    listed = page.select_one("ul.fs-contested-list li").get_text()
    assert "意见：没有穿鞋套" in listed  # noqa: RUF001
    assert "防篡改凭证" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/admin/visits/complaint/",
        "/admin/visits/call/",
        "/admin/accounts/customer/",
        "/admin/accounts/changerecord/",
        "/admin/visits/checklisttemplate/",
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dispatch_lists_open_in_both_languages(admin_client, path, language):
    assert admin_client.get(path, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
