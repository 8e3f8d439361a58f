"""Media on S3-compatible object storage (MEDIA_STORAGE=s3), as several web
nodes share it: photos, signatures and receipts go through the real API into a
bucket on an S3 server started in this process (moto), are served by the
permission-checked views to those who may see them and to no one else, and a
refused upload leaves no object behind. Runs in `make test`, on SQLite and on
PostgreSQL: the server is in-process on a free port, nothing else is needed."""

import io
import uuid
from io import StringIO

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from moto.server import ThreadedMotoServer
from PIL import Image
from pypdf import PdfReader

from accounts.services import dispatcher_create
from fieldservice.files import undone_on_error
from fieldservice.settings import base
from tests.signing import signature_png
from tests.visits.checklists.checklist_helpers import jpeg, upload
from tests.visits.signoffs.test_signoff import sign_on_phone
from visits.models import Photo, SignOff, SignOffReceipt

pytestmark = pytest.mark.django_db

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, and the media storage of production settings
    (MEDIA_STORAGE=s3) pointed at it."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=name)
    production = base.MEDIA_STORAGE_BACKENDS["s3"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": production["BACKEND"],
            "OPTIONS": {
                **production["OPTIONS"],
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
            },
        },
    }

    class Bucket:
        def keys(self, prefix: str = "") -> list[str]:
            listed = client.list_objects_v2(Bucket=name, Prefix=prefix)
            return sorted(entry["Key"] for entry in listed.get("Contents", []))

        def read(self, key: str) -> bytes:
            return client.get_object(Bucket=name, Key=key)["Body"].read()

        def write(self, key: str, data: bytes) -> None:
            client.put_object(Bucket=name, Key=key, Body=data)

        def is_private(self, key: str) -> bool:
            grants = client.get_object_acl(Bucket=name, Key=key)["Grants"]
            return all(
                "AllUsers" not in grant["Grantee"].get("URI", "") for grant in grants
            )

    return Bucket()


def post_photo(api, visit, data: bytes):
    return api.post(
        f"/api/v1/visits/{visit.id}/photos/",
        {"file": upload(data=data)},
        format="multipart",
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_media_storage_is_the_bucket(bucket):
    storage = storages["default"]

    assert type(storage).__name__ == "S3Storage"
    assert storage.querystring_auth is False
    assert storage.default_acl == "private"
    assert storage.file_overwrite is False


def test_an_uploaded_photo_is_in_the_bucket_and_served_to_who_may_see_it(
    bucket, api, done_visit, other_technician, dispatcher
):
    response = post_photo(api, done_visit, jpeg(color=(1, 2, 3)))
    assert response.status_code == 201, response.json()
    photo = Photo.objects.get(pk=response.json()["id"])

    keys = bucket.keys(f"photos/{done_visit.id}/{photo.sha256}")
    own = api.get(f"/api/v1/photos/{photo.id}/image/")
    thumbnail = api.get(f"/api/v1/photos/{photo.id}/thumbnail/")
    desk = api.as_user(dispatcher).get(f"/api/v1/photos/{photo.id}/image/")
    stranger = api.as_user(other_technician).get(f"/api/v1/photos/{photo.id}/image/")

    assert keys == [
        f"photos/{done_visit.id}/{photo.sha256}.jpg",
        f"photos/{done_visit.id}/{photo.sha256}.thumb.jpg",
    ]
    assert all(bucket.is_private(key) for key in keys)
    assert body(own) == bucket.read(keys[0])
    assert body(thumbnail) == bucket.read(keys[1])
    assert "no-store" in own["Cache-Control"]
    assert desk.status_code == 200
    assert stranger.status_code == 404


def test_refused_photo_uploads_leave_no_object_in_the_bucket(
    bucket, api, done_visit, other_technician
):
    before = bucket.keys()
    not_an_image = post_photo(api, done_visit, b"not a picture at all")
    stranger = post_photo(api.as_user(other_technician), done_visit, jpeg())

    assert not_an_image.status_code == 400
    assert stranger.status_code == 404
    assert before != []  # the visit's checklist photos
    assert bucket.keys() == before


def write_then_fail(photo: Photo, bucket, written: list) -> None:
    with undone_on_error() as files:
        files.save(photo.image, "display.jpg", b"picture")
        written.append(bucket.keys())
        raise RuntimeError("the row could not be saved")


def test_files_of_a_failed_write_are_removed_from_the_bucket(bucket):
    photo = Photo(visit_id=1, sha256="ab" * 32)
    written: list[list[str]] = []

    with pytest.raises(RuntimeError):
        write_then_fail(photo, bucket, written)

    assert written == [[photo.image.name]]
    assert bucket.keys() == []


def test_a_signature_and_its_receipt_are_in_the_bucket_and_the_receipt_embeds_it(
    bucket, api, done_visit, other_technician
):
    assert sign_on_phone(api, done_visit).status_code == 201
    record = SignOff.objects.get()

    receipt = api.get(f"/api/v1/visits/{done_visit.id}/receipt.pdf")
    again = api.get(f"/api/v1/visits/{done_visit.id}/receipt.pdf")
    stranger = api.as_user(other_technician).get(
        f"/api/v1/visits/{done_visit.id}/receipt.pdf"
    )

    stored = SignOffReceipt.objects.get()
    signature_key = f"signatures/{done_visit.id}/{record.signature_sha256}.png"
    receipt_key = f"receipts/{done_visit.id}/{stored.sha256}.pdf"
    assert bucket.keys("signatures/") == [signature_key]
    assert bucket.read(signature_key) == signature_png()
    assert bucket.keys("receipts/") == [receipt_key]
    assert body(receipt) == bucket.read(receipt_key) == body(again)
    assert stranger.status_code == 404
    images = [
        image
        for page in PdfReader(io.BytesIO(bucket.read(receipt_key))).pages
        for image in page.images
    ]
    signature = Image.open(io.BytesIO(bucket.read(signature_key)))
    assert len(images) == 1
    assert images[0].image.size == signature.size


def test_a_changed_receipt_object_is_drawn_again(bucket, api, done_visit):
    assert sign_on_phone(api, done_visit).status_code == 201
    original = body(api.get(f"/api/v1/visits/{done_visit.id}/receipt.pdf"))
    key = bucket.keys("receipts/")[0]
    bucket.write(key, original[:-10])

    served = body(api.get(f"/api/v1/visits/{done_visit.id}/receipt.pdf"))

    assert served == original
    assert bucket.keys("receipts/") == [key]
    assert bucket.read(key) == original


def test_the_signature_is_served_to_the_desk_from_the_bucket(
    bucket, api, client, done_visit
):
    assert sign_on_phone(api, done_visit).status_code == 201
    record = SignOff.objects.get()
    client.force_login(dispatcher_create(username="desk", password=None))

    response = client.get(f"/admin/visits/signoff/{record.id}/signature.png")

    assert response.status_code == 200
    assert Image.open(io.BytesIO(body(response))).format == "PNG"


def test_the_verify_page_and_the_full_check_work_on_the_bucket(
    bucket, api, client, done_visit
):
    assert bucket.keys("photos/")  # the checklist's photos are in the bucket
    assert sign_on_phone(api, done_visit).status_code == 201
    record = SignOff.objects.get()

    page = client.get(f"/verify/{record.snapshot_sha256}/", HTTP_ACCEPT_LANGUAGE="en")
    out = StringIO()
    call_command("verify_signoffs", stdout=out)
    key = bucket.keys("signatures/")[0]
    bucket.write(key, bucket.read(key) + b"x")
    with pytest.raises(CommandError):
        call_command("verify_signoffs", stdout=(changed := StringIO()))

    assert "are intact" in page.text
    assert "verified: intact" in out.getvalue()
    assert "the signature image was changed" in changed.getvalue()
