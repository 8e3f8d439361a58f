"""What the customer signs for: the sign-off form's summary and photos (API and
the signing page), the link's own photo thumbnails, the page's language switch,
the explanation after signing, and pages a strict CSP can serve."""

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import TechnicianFactory
from tests.visits.checklists.checklist_helpers import (
    book,
    item,
    jpeg,
    upload,
)
from tests.visits.signoffs.test_signoff import (
    body_for,
    make_link,
    page_form,
    post_link,
)
from visits.lifecycle.models import Visit
from visits.models import Photo, SignOffLink
from visits.signoffs.api import sign_off_form

pytestmark = pytest.mark.django_db

THUMBNAIL_CODES = ["shoe_covers", "tools_on_work_cloth", "site_clean"]


def local(value) -> str:
    return timezone.localtime(value).isoformat()


def loaded(visit) -> Visit:
    return Visit.objects.select_related(
        "work_order__customer", "technician__technician_profile"
    ).get(pk=visit.pk)


# --- The form's summary and photos -------------------------------------------------


def test_the_sign_off_form_says_what_the_customer_signs_for(api, done_visit):
    response = api.get(f"/api/v1/visits/{done_visit.id}/sign-off/")

    body = response.json()
    order = done_visit.work_order
    technician = done_visit.technician
    assert response.status_code == 200
    assert body["language"] == "zh-hans"
    assert body["summary"] == {
        "work_order_number": order.number,
        "kind": "repair",
        "kind_label": "修障",
        "customer_name": order.customer_name,
        "address": order.address,
        "request": "",
        "work_done": [
            {
                "code": "fault_cause",
                "text": "故障原因",
                "answer": "线路故障",
                "note": "",
            },
            {
                "code": "terminal_fault_explained",
                "text": item(done_visit, "terminal_fault_explained").text_zh,
                "answer": "是",
                "note": "",
            },
            {
                "code": "service_restored",
                "text": item(done_visit, "service_restored").text_zh,
                "answer": "是",
                "note": "",
            },
            {
                "code": "work_summary",
                "text": "施工内容说明",
                "answer": "换了光猫",
                "note": "",
            },
        ],
        "appointed_start": local(done_visit.appointed_start),
        "arrived_at": local(done_visit.arrived_at),
        "work_started_at": local(done_visit.work_started_at),
        "work_done_at": local(done_visit.work_done_at),
        "technician_name": technician.display_name,
        "employee_number": technician.technician_profile.employee_number,
    }
    photos = list(Photo.objects.filter(visit=done_visit).order_by("uploaded_at", "id"))
    assert [
        (photo["id"], photo["item_code"], photo["stage"], photo["thumbnail_url"])
        for photo in body["photos"]
    ] == [
        (photo.id, code, stage, f"/api/v1/photos/{photo.id}/thumbnail/")
        for photo, code, stage in zip(
            photos,
            THUMBNAIL_CODES,
            ["in_the_home", "in_the_home", "clean_up"],
            strict=True,
        )
    ]
    assert body["photos"][2]["item_text"] == item(done_visit, "site_clean").text_zh
    assert body["photos"][2]["stage_label"] == "清理现场"
    assert body["photos"][2]["captured_at"] == local(photos[2].uploaded_at)


def test_the_form_can_be_drawn_in_english_for_a_chinese_customer(done_visit):
    form = sign_off_form(loaded(done_visit), language="en")

    assert form["language"] == "en"
    assert form["summary"]["kind_label"] == "Fault repair"
    assert form["summary"]["work_done"][0]["answer"] == "Line fault"
    assert form["summary"]["work_done"][1]["answer"] == "Yes"
    assert form["questions"][0]["text"] == (
        "The technician showed a work ID and said why they came"
    )
    assert form["photos"][0]["item_text"].startswith("Clean shoe covers")


def form_queries(visit) -> int:
    visit = loaded(visit)
    with CaptureQueriesContext(connection) as queries:
        sign_off_form(visit)
    return len(queries)


def test_the_forms_queries_do_not_grow_with_photos_or_answers(api, done_visit):
    before = form_queries(done_visit)
    for shade in range(4):
        response = api.post(
            f"/api/v1/visits/{done_visit.id}/photos/",
            {
                "file": upload(data=jpeg(color=(10, shade * 40, 90))),
                "item": item(done_visit, "site_clean").id,
            },
            format="multipart",
        )
        assert response.status_code == 201, response.json()

    after = form_queries(done_visit)

    assert Photo.objects.filter(visit=done_visit).count() == 7
    # consent, record, summary's answers, photos, questions, company, promotion,
    # the record again for the card
    assert (before, after) == (8, 8)


# --- The link's photo thumbnails -----------------------------------------------------


def thumbnail_path(token, photo) -> str:
    return f"/sign/{token}/photos/{photo.id}.jpg"


def no_personal_data(response, visit) -> bool:
    order = visit.work_order
    text = response.content.decode(errors="replace")
    return not any(
        value in text
        for value in (order.customer_name, order.customer_phone, order.address)
    )


def test_a_valid_link_shows_its_visits_photo_thumbnails(api, client, done_visit):
    token = make_link(api, done_visit)
    photo = Photo.objects.filter(visit=done_visit).first()

    page = client.get(f"/sign/{token}/")
    response = client.get(thumbnail_path(token, photo))

    assert [entry["thumbnail_url"] for entry in page_form(page)["photos"]] == [
        thumbnail_path(token, each)
        for each in Photo.objects.filter(visit=done_visit).order_by("uploaded_at")
    ]
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    with photo.thumbnail.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_another_visits_photo_through_a_valid_link_is_a_404(api, client, done_visit):
    token = make_link(api, done_visit)
    other_technician = TechnicianFactory()
    other = book(other_technician)
    api.as_user(other_technician)
    for step in ("start-travel", "arrive"):
        assert api.post(f"/api/v1/visits/{other.id}/actions/{step}/").status_code == 200
    response = api.post(
        f"/api/v1/visits/{other.id}/photos/",
        {"file": upload(), "item": item(other, "site_clean").id},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    photo = Photo.objects.get(visit=other)

    response = client.get(thumbnail_path(token, photo))

    assert response.status_code == 404
    assert no_personal_data(response, other)


def test_an_expired_link_shows_no_photos(api, client, done_visit):
    token = make_link(api, done_visit)
    SignOffLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    photo = Photo.objects.filter(visit=done_visit).first()

    response = client.get(thumbnail_path(token, photo))

    assert response.status_code == 404
    assert no_personal_data(response, done_visit)


def test_an_unknown_or_forged_link_shows_no_photos(api, client, done_visit):
    token = make_link(api, done_visit)
    photo = Photo.objects.filter(visit=done_visit).first()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    responses = [
        client.get(thumbnail_path(forged, photo)),
        client.get(thumbnail_path("not-a-token", photo)),
    ]

    assert [response.status_code for response in responses] == [404, 404]
    assert all(no_personal_data(response, done_visit) for response in responses)


def test_after_signing_only_the_link_that_signed_shows_photos(api, client, done_visit):
    spare = make_link(api, done_visit)
    used = make_link(api, done_visit)
    assert post_link(client, used, body_for(done_visit)).status_code == 201
    photo = Photo.objects.filter(visit=done_visit).first()

    spare_response = client.get(thumbnail_path(spare, photo))
    used_response = client.get(thumbnail_path(used, photo))

    assert spare_response.status_code == 404
    assert no_personal_data(spare_response, done_visit)
    assert used_response.status_code == 200


# --- The page's language ---------------------------------------------------------------


def test_the_page_switches_language_and_remembers_it_for_the_link(
    api, client, done_visit
):
    token = make_link(api, done_visit)

    chinese = client.get(f"/sign/{token}/")
    english = client.get(f"/sign/{token}/?lang=en")
    again = client.get(f"/sign/{token}/")
    back = client.get(f"/sign/{token}/?lang=zh")

    assert page_form(chinese)["language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in chinese.text
    assert page_form(english)["language"] == "en"
    assert page_form(english)["questions"][0]["text"] == (
        "The technician showed a work ID and said why they came"
    )
    assert '<html lang="en">' in english.text
    assert "Service card" in english.text
    assert page_form(again)["language"] == "en"
    assert page_form(back)["language"] == "zh-hans"
    assert 'data-language="zh-hans"' in back.text


def test_a_refusal_on_the_page_is_in_the_language_the_page_asks_for(
    api, client, done_visit
):
    token = make_link(api, done_visit)

    response = client.post(
        f"/sign/{token}/",
        json.dumps(body_for(done_visit, conduct=[])),
        content_type="application/json",
        headers={"accept-language": "en"},
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The customer has not answered:")


# --- After signing -------------------------------------------------------------------


def test_after_signing_the_page_explains_what_was_signed(api, client, done_visit):
    token = make_link(api, done_visit)
    assert post_link(client, token, body_for(done_visit)).status_code == 201

    page = client.get(f"/sign/{token}/")

    record = done_visit.sign_off
    signed_at = timezone.localtime(record.signed_at)
    assert page.status_code == 200
    assert (
        f"您于 {signed_at:%Y-%m-%d} {signed_at:%H:%M} "
        f"签收了工单 {done_visit.work_order.number}。"
    ) in page.text
    assert (
        '<a class="link-button" href="receipt.pdf">施工单回执（PDF）</a>' in page.text
    )
    assert '<a class="link-button" href="service-card.pdf">服务卡（PDF）</a>' in (
        page.text
    )
    verify = f"{settings.SITE_URL}/verify/{record.snapshot_sha256}/"
    assert f'<a class="verify-link" href="{verify}">{verify}</a>' in page.text
    assert done_visit.technician.technician_profile.employee_number in page.text
    assert 'id="sign-off-form"' not in page.text
    assert "signing-form.js" not in page.text


# --- Pages a strict Content-Security-Policy can serve ------------------------------------


class InlineCode(HTMLParser):
    """Collects what `script-src 'self'; style-src 'self'` would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
            if "src" not in attributes and attributes.get("type") != (
                "application/json"
            ):
                self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag}[{name}]")


def inline_code(response) -> InlineCode:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def test_the_public_pages_carry_no_inline_script_or_style(api, client, done_visit):
    token = make_link(api, done_visit)
    expired = make_link(api, done_visit)
    SignOffLink.objects.filter(pk=SignOffLink.objects.order_by("-pk")[0].pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    form_page = client.get(f"/sign/{token}/")
    error_page = client.get(f"/sign/{expired}/")
    assert post_link(client, token, body_for(done_visit)).status_code == 201
    signed_page = client.get(f"/sign/{token}/")
    verify_page = client.get(f"/verify/{done_visit.sign_off.snapshot_sha256}/")
    missing_page = client.get(f"/verify/{'0' * 64}/")

    pages = [form_page, error_page, signed_page, verify_page, missing_page]
    assert [page.status_code for page in pages] == [200, 410, 200, 200, 404]
    parsed = [inline_code(page) for page in pages]
    assert [page.found for page in parsed] == [[], [], [], [], []]
    assert parsed[0].scripts == [
        {"type": "module", "src": "/static/sign/sign.js"},
        {"id": "sign-off-form", "type": "application/json"},
    ]
    for page in pages:
        assert '<link rel="stylesheet" href="/static/sign/public.css">' in page.text
