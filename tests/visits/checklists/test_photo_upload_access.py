"""Who may add a photo is checked before the upload is read: a customer's or
a dispatcher's decompression bomb is refused without Pillow ever opening it,
and a body that is no image at all gets the same answer. Bounds on each side
are answered in both languages."""

from pathlib import Path

import pytest
from PIL import Image

from tests.visits.checklists.checklist_helpers import book, start_work, upload
from visits.checklists.models import Photo

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "uploads"
BOMB = "bomb-png-1x50000000-wide.png"


@pytest.fixture
def pillow_opens(monkeypatch) -> list:
    """Every Image.open call, counted at Pillow's boundary."""
    calls: list = []
    real_open = Image.open

    def counting_open(*args, **kwargs):
        calls.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    return calls


def files_in(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


@pytest.fixture
def working_visit(api, technician):
    visit = book(technician)
    start_work(api.as_user(technician), visit)
    return visit


def post_photo(api, user, visit, **data):
    return api.as_user(user).post(
        f"/api/v1/visits/{visit.id}/photos/", data, format="multipart"
    )


def test_the_customer_of_the_visit_is_refused_a_bomb_without_it_being_decoded(
    api, working_visit, customer_user, pillow_opens, media_root
):
    working_visit.work_order.customer = customer_user.customer
    working_visit.work_order.save(update_fields=["customer"])

    response = post_photo(
        api,
        customer_user,
        working_visit,
        file=upload(BOMB, (CORPUS / BOMB).read_bytes()),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert pillow_opens == []
    assert not Photo.objects.exists()
    assert files_in(media_root) == []


def test_a_customer_sending_no_image_at_all_gets_the_same_403(
    api, working_visit, customer_user, pillow_opens
):
    # Without the check before the body is read, this is a 400 about the file.
    working_visit.work_order.customer = customer_user.customer
    working_visit.work_order.save(update_fields=["customer"])

    response = post_photo(api, customer_user, working_visit, item="not a number")

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert pillow_opens == []


def test_a_dispatcher_is_refused_a_bomb_without_it_being_decoded(
    api, working_visit, dispatcher, pillow_opens
):
    response = post_photo(
        api, dispatcher, working_visit, file=upload(BOMB, (CORPUS / BOMB).read_bytes())
    )

    assert response.status_code == 403
    assert pillow_opens == []
    assert not Photo.objects.exists()


def test_another_technicians_visit_is_a_404_without_decoding(
    api, working_visit, other_technician, pillow_opens
):
    response = post_photo(
        api,
        other_technician,
        working_visit,
        file=upload(BOMB, (CORPUS / BOMB).read_bytes()),
    )

    assert response.status_code == 404
    assert pillow_opens == []


def test_the_service_refuses_a_stranger_before_decoding(
    working_visit, dispatcher, pillow_opens
):
    from fieldservice.errors import NotAllowed
    from visits.checklists import services
    from visits.checklists.api import photo_limits

    with pytest.raises(NotAllowed):
        services.photo_add(
            visit=working_visit,
            by=dispatcher,
            upload=upload(BOMB, (CORPUS / BOMB).read_bytes()),
            **photo_limits(),
        )

    assert pillow_opens == []
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "The photo is more than 12000 pixels wide or high."),
        ("zh-hans", "照片的宽或高超过 12000 像素。"),
    ],
)
def test_a_photo_one_pixel_high_and_fifty_million_wide_is_a_400_in_both_languages(
    api, technician, working_visit, media_root, language, detail
):
    response = api.as_user(technician).post(
        f"/api/v1/visits/{working_visit.id}/photos/",
        {"file": upload(BOMB, (CORPUS / BOMB).read_bytes())},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "photo_side_too_long"
    assert response.json()["detail"] == detail
    assert response.json()["max_side_pixels"] == 12000
    assert not Photo.objects.exists()
    assert files_in(media_root) == []


def test_the_longest_side_follows_the_setting(api, technician, working_visit, settings):
    settings.PHOTO_MAX_SIDE_PIXELS = 63

    response = api.as_user(technician).post(
        f"/api/v1/visits/{working_visit.id}/photos/",
        {"file": upload()},  # a 64 x 48 JPEG
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "photo_side_too_long"


# --- The body is not even parsed for a stranger --------------------------------


@pytest.fixture
def multipart_parses(monkeypatch) -> list:
    """Every multipart body Django parses, counted at its boundary."""
    from django.http import multipartparser

    calls: list = []
    real_parse = multipartparser.MultiPartParser.parse

    def counting_parse(self):
        calls.append(self)
        return real_parse(self)

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", counting_parse)
    return calls


def test_a_customers_upload_is_not_even_parsed(
    api, working_visit, customer_user, multipart_parses
):
    working_visit.work_order.customer = customer_user.customer
    working_visit.work_order.save(update_fields=["customer"])

    response = api.as_user(customer_user).post(
        f"/api/v1/visits/{working_visit.id}/photos/",
        {"file": upload(BOMB, (CORPUS / BOMB).read_bytes())},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="3f7c9a1e-0000-4000-8000-000000000001",
    )

    assert response.status_code == 403
    assert multipart_parses == []


def test_an_anonymous_upload_is_not_even_parsed(api, working_visit, multipart_parses):
    api.credentials()

    response = api.post(
        f"/api/v1/visits/{working_visit.id}/photos/",
        {"file": upload(BOMB, (CORPUS / BOMB).read_bytes())},
        format="multipart",
    )

    assert response.status_code == 401
    assert multipart_parses == []


def test_the_technicians_upload_is_parsed_once(
    api, technician, working_visit, multipart_parses
):
    response = post_photo(api, technician, working_visit, file=upload())

    assert response.status_code == 201
    assert len(multipart_parses) == 1


def test_a_body_declared_larger_than_a_photo_is_a_413_unread(
    api, technician, working_visit, multipart_parses, settings, media_root
):
    settings.PHOTO_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post_photo(api, technician, working_visit, file=upload(data=b"x" * 3000))

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["max_bytes"] == 2000
    assert multipart_parses == []
    assert not Photo.objects.exists()
    assert files_in(media_root) == []


def test_a_nul_character_in_an_uploads_field_is_still_a_400(
    api, technician, working_visit
):
    response = post_photo(api, technician, working_visit, file=upload(), item="1\x00")

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert not Photo.objects.exists()
