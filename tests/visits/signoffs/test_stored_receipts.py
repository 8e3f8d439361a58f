"""Receipts rendered once per sign-off record and served from storage: the
first download (or the task queued at sign-off) renders and stores the PDF,
later downloads stream the stored bytes; a stored file that was changed or lost
is drawn again from the record; a refused request renders nothing.

Renders are counted from what they leave behind (the files under receipts/ in
storage and the row's `rendered_at`), not by replacing any of our code."""

import hashlib
import io
import threading
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from kombu.simple import SimpleQueue
from pypdf import PdfReader

from fieldservice.celery import app as celery_app
from tests.visits.signoffs.test_signing_links import age_signature
from tests.visits.signoffs.test_signoff import (
    body_for,
    make_link,
    post_link,
    sign_on_phone,
)
from visits.models import SignOff, SignOffReceipt
from visits.signoffs import services as signoff
from visits.signoffs import tasks

pytestmark = pytest.mark.django_db


def stored_receipts(visit) -> list[str]:
    """The receipt files in storage for a visit."""
    folder = f"receipts/{visit.id}"
    if not default_storage.exists(folder):
        return []
    return sorted(default_storage.listdir(folder)[1])


def download(api, visit):
    return api.get(f"/api/v1/visits/{visit.id}/receipt.pdf")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def test_the_first_download_stores_the_receipt_and_its_sha256(api, done_visit):
    sign_on_phone(api, done_visit)
    record = SignOff.objects.get()
    assert stored_receipts(done_visit) == []

    response = download(api, done_visit)

    content = response.getvalue()
    stored = SignOffReceipt.objects.get(sign_off=record)
    assert response.status_code == 200
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored_receipts(done_visit) == [f"{stored.sha256}.pdf"]
    with default_storage.open(stored.file.name, "rb") as stream:
        assert stream.read() == content
    assert record.snapshot_sha256 in pdf_text(content).replace("\n", "")


def test_the_second_download_streams_the_stored_bytes_without_rendering(
    api, done_visit
):
    sign_on_phone(api, done_visit)
    first = download(api, done_visit).getvalue()
    rendered_at = SignOffReceipt.objects.get().rendered_at

    second = download(api, done_visit)

    assert second.streaming is True
    assert second.getvalue() == first
    assert SignOffReceipt.objects.get().rendered_at == rendered_at
    assert len(stored_receipts(done_visit)) == 1


def test_the_receipt_keeps_the_personal_data_policy_and_names_its_bytes(
    api, done_visit
):
    sign_on_phone(api, done_visit)

    response = download(api, done_visit)

    stored = SignOffReceipt.objects.get()
    assert response["Cache-Control"] == "private, no-store"
    assert response["ETag"] == f'"{stored.sha256}"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{done_visit.work_order.number}.pdf"'
    )


def test_the_link_and_the_api_serve_the_same_stored_receipt(api, client, done_visit):
    token = make_link(api, done_visit)
    assert post_link(client, token, body_for(done_visit)).status_code == 201

    through_link = client.get(f"/sign/{token}/receipt.pdf")
    through_api = download(api, done_visit)

    assert through_link.status_code == 200
    assert "no-store" in through_link["Cache-Control"]
    assert through_link.getvalue() == through_api.getvalue()
    assert len(stored_receipts(done_visit)) == 1


def test_a_changed_stored_receipt_is_drawn_again_from_the_record(
    api, done_visit, media_root, caplog
):
    sign_on_phone(api, done_visit)
    original = download(api, done_visit).getvalue()
    stored = SignOffReceipt.objects.get()
    path = Path(media_root) / stored.file.name
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 1
    path.write_bytes(bytes(changed))

    response = download(api, done_visit)

    assert response.getvalue() == original
    assert path.read_bytes() == original
    assert SignOffReceipt.objects.get().rendered_at > stored.rendered_at
    assert "missing or changed" in caplog.text


def test_a_lost_stored_receipt_is_drawn_again(api, done_visit, media_root):
    sign_on_phone(api, done_visit)
    original = download(api, done_visit).getvalue()
    default_storage.delete(SignOffReceipt.objects.get().file.name)

    response = download(api, done_visit)

    assert response.getvalue() == original
    assert len(stored_receipts(done_visit)) == 1


def test_a_new_site_address_draws_the_receipt_again_with_its_verify_link(
    api, done_visit, settings
):
    settings.SITE_URL = "https://old.example.com"
    sign_on_phone(api, done_visit)
    download(api, done_visit)
    settings.SITE_URL = "https://new.example.com"

    text = pdf_text(download(api, done_visit).getvalue()).replace("\n", "")

    assert "https://new.example.com/verify/" in text.replace(" ", "")
    assert len(stored_receipts(done_visit)) == 1


# --- Refused requests render nothing -------------------------------------------


def test_someone_elses_receipt_is_refused_and_nothing_is_rendered(
    api, done_visit, other_technician
):
    sign_on_phone(api, done_visit)

    response = api.as_user(other_technician).get(
        f"/api/v1/visits/{done_visit.id}/receipt.pdf"
    )

    assert response.status_code == 404
    assert not SignOffReceipt.objects.exists()
    assert stored_receipts(done_visit) == []


def test_an_unsigned_visits_receipt_is_refused_and_nothing_is_rendered(api, done_visit):
    response = download(api, done_visit)

    assert response.status_code == 404
    assert not SignOffReceipt.objects.exists()
    assert stored_receipts(done_visit) == []


def test_an_expired_links_receipt_is_refused_and_nothing_is_rendered(
    api, client, done_visit, settings
):
    token = make_link(api, done_visit)
    assert post_link(client, token, body_for(done_visit)).status_code == 201
    age_signature(settings.SIGN_OFF_LINK_RECEIPT_HOURS + 1)

    response = client.get(f"/sign/{token}/receipt.pdf")

    assert response.status_code == 410
    assert not SignOffReceipt.objects.exists()
    assert stored_receipts(done_visit) == []


def test_an_anonymous_caller_gets_401_and_nothing_is_rendered(api, done_visit):
    sign_on_phone(api, done_visit)
    api.credentials()

    response = download(api, done_visit)

    assert response.status_code == 401
    assert not SignOffReceipt.objects.exists()


# --- At sign-off ---------------------------------------------------------------


def queued_receipt_tasks() -> list[list]:
    """The arguments of the receipt tasks waiting on the broker (taken off it)."""
    found = []
    with celery_app.connection_for_write() as broker:
        queue = SimpleQueue(broker, celery_app.conf.task_default_queue)
        try:
            while True:
                message = queue.get(block=False)
                message.ack()
                if message.headers.get("task") == tasks.receipt_render_task.name:
                    found.append(message.decode()[0])
        except queue.Empty:
            pass
        finally:
            queue.close()
    return found


def test_signing_queues_the_receipt_after_commit_and_the_task_stores_it(
    api, done_visit, django_capture_on_commit_callbacks
):
    queued_receipt_tasks()  # whatever an earlier test left
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_on_phone(api, done_visit).status_code == 201
    record = SignOff.objects.get()
    assert queued_receipt_tasks() == [[record.pk]]
    assert not SignOffReceipt.objects.exists()

    tasks.receipt_render_task.apply(args=[record.pk])
    tasks.receipt_render_task.apply(args=[record.pk])  # delivered twice
    rendered_at = SignOffReceipt.objects.get().rendered_at
    response = download(api, done_visit)

    assert response.status_code == 200
    assert SignOffReceipt.objects.get().rendered_at == rendered_at
    assert len(stored_receipts(done_visit)) == 1


def test_a_refused_sign_off_queues_no_receipt(
    api, done_visit, django_capture_on_commit_callbacks
):
    queued_receipt_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_on_phone(api, done_visit, signer_name=" ")

    assert response.status_code == 400
    assert queued_receipt_tasks() == []


# --- Two first downloads at once -----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_downloads_at_once_render_the_receipt_once(
    migration_seeds, api, done_visit
):
    """The record's row lock is held here while two downloads start; both wait
    for it, then one renders and the other reads what it stored."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    sign_on_phone(api, done_visit)
    record = SignOff.objects.get()
    results: list = []

    def first_download():
        try:
            stream, receipt = signoff.receipt_open(record)
            with stream:
                results.append((receipt.sha256, stream.read()))
        except Exception as error:  # reported below
            results.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        SignOff.objects.select_for_update().get(pk=record.pk)
        threads = [threading.Thread(target=first_download) for _ in range(2)]
        for thread in threads:
            thread.start()
        # Both are blocked on the lock (or past it, if the lock was dropped).
        for thread in threads:
            thread.join(timeout=0.5)
    for thread in threads:
        thread.join()

    assert len(results) == 2, results
    assert not any(isinstance(result, Exception) for result in results), results
    assert results[0] == results[1]
    assert len(stored_receipts(done_visit)) == 1
    assert SignOffReceipt.objects.count() == 1


def test_what_changes_after_sign_off_does_not_change_the_receipt(
    api, done_visit, dispatcher
):
    """Drawn from the frozen record only: a complaint, the customer's new
    language and the technician's new name and phone after sign-off leave a
    receipt drawn again byte for byte the same."""
    from visits.complaints.services import complaint_open

    sign_on_phone(api, done_visit)
    first = download(api, done_visit).getvalue()
    complaint_open(
        visit=done_visit, source="dispatcher", description="安装后网速慢", by=dispatcher
    )
    customer = done_visit.work_order.customer
    customer.language = "en"
    customer.save(update_fields=["language"])
    technician = done_visit.technician
    technician.last_name, technician.first_name = "改", "名之后"
    technician.save(update_fields=["last_name", "first_name"])
    profile = technician.technician_profile
    profile.phone = "13999999999"
    profile.save(update_fields=["phone"])
    default_storage.delete(SignOffReceipt.objects.get().file.name)

    again = download(api, done_visit).getvalue()

    assert again == first


# --- Through a real worker -------------------------------------------------------


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_receipt_when_the_sign_off_commits(
    migration_seeds, api, done_visit, media_root, tmp_path
):
    """Signed through the API (its transaction commits), the queued task runs
    in a `celery worker` on the same database and storage; the download that
    follows reads what the worker stored."""
    from tests.visits.calls.test_calls_worker import Worker, wait_for

    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database: PostgreSQL")
    celery_app.control.purge()
    worker = Worker(tmp_path / "calls.log", seconds_per_call=0)
    worker.env["MEDIA_ROOT"] = str(media_root)
    worker.start()
    try:
        assert sign_on_phone(api, done_visit).status_code == 201
        wait_for(lambda: SignOffReceipt.objects.exists())
    finally:
        worker.stop()
        celery_app.control.purge()
    rendered_at = SignOffReceipt.objects.get().rendered_at

    response = download(api, done_visit)

    assert response.status_code == 200
    assert SignOffReceipt.objects.get().rendered_at == rendered_at
    assert stored_receipts(done_visit) == [f"{SignOffReceipt.objects.get().sha256}.pdf"]
