"""Verification of the sign-off chain: it uses only what was frozen (so ordinary
later edits never fail it), and every kind of tampering is reported by record
and by what is wrong, by `verify_signoffs` and by the public verify page."""

import hashlib
import io
import os
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from pypdf import PdfReader

from accounts.models import Language
from tests.factories import CustomerFactory
from tests.visits.checklists.checklist_helpers import answer_everything, book
from tests.visits.signoffs.test_signoff import sign_on_phone
from visits.models import Photo, SignOff, WorkOrder

pytestmark = pytest.mark.django_db


def finish(api, visit) -> None:
    api.as_user(visit.technician)
    for step in ("start-travel", "arrive", "start-work"):
        # The later visits of the chain are arrived at hours early: say why.
        body = {"late_reason": "The customer asked us to come early"}
        response = api.post(f"/api/v1/visits/{visit.id}/actions/{step}/", body)
        assert response.status_code == 200, response.json()
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    visit.refresh_from_db()


@pytest.fixture
def chain(api, technician) -> list[SignOff]:
    """Three signed visits: records #1, #2 and #3."""
    for minutes in (1, 180, 360):
        visit = book(technician, minutes_ahead=minutes)
        finish(api, visit)
        assert sign_on_phone(api, visit).status_code == 201
    return list(SignOff.objects.order_by("number"))


def verify_output() -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("verify_signoffs", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def page(client, record: SignOff) -> str:
    response = client.get(
        f"/verify/{record.snapshot_sha256}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.text


@contextmanager
def tampering():
    """What an attacker with database access can do: the append-only triggers
    are dropped for the test (its transaction restores them)."""
    with connection.cursor() as cursor:
        for table in ("visits_signoff", "visits_conductconfirmation"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    yield


def line(record: SignOff, what: str) -> str:
    return (
        f"record #{record.number} (work order {record.visit.work_order.number}): {what}"
    )


# --- Legitimate later edits ---------------------------------------------------------


def test_ordinary_edits_after_sign_off_do_not_fail_verification(api, client, chain):
    # Given signed records, then edits the admin makes directly in the database
    record = chain[1]
    visit = record.visit
    customer = visit.work_order.customer
    customer.language = (
        Language.ENGLISH if customer.language != Language.ENGLISH else Language.CHINESE
    )
    customer.save()
    visit.technician.first_name, visit.technician.last_name = "Renamed", "Person"
    visit.technician.save()
    profile = visit.technician.technician_profile
    profile.phone = "13711112222"
    profile.save()
    WorkOrder.objects.filter(pk=visit.work_order_id).update(
        description="A description edited after sign-off"
    )

    # When verified by the command and by the page
    is_intact, output = verify_output()
    text = page(client, record)

    # Then both still say intact
    assert is_intact, output
    assert "3 sign-off record(s) verified: intact." in output
    assert "are intact" in text


def test_the_service_card_pdf_keeps_the_signed_language(api, chain):
    visit = chain[0].visit
    customer = visit.work_order.customer
    customer.language = Language.ENGLISH
    customer.save()
    api.as_user(visit.technician)

    pdf = api.get(f"/api/v1/visits/{visit.id}/service-card.pdf")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages
    )

    assert "服务卡" in text
    assert "Service card" not in text


# --- Tampering, each reported by name ---------------------------------------------


def test_each_chain_hash_covers_the_previous_hash_the_record_and_the_signature(chain):
    """The chain's published form, so anyone can check it without our code: a
    record moved, removed or replaced changes every chain hash after it."""
    previous = chain[0].previous_chain_hash
    for record in chain:
        text = f"{previous}:{record.snapshot_sha256}:{record.signature_sha256}"
        assert record.previous_chain_hash == previous
        assert record.chain_hash == hashlib.sha256(text.encode()).hexdigest()
        previous = record.chain_hash


def test_an_altered_previous_hash_link_is_reported(client, chain):
    record = chain[1]
    with tampering():
        SignOff.objects.filter(pk=record.pk).update(previous_chain_hash="f" * 64)

    is_intact, output = verify_output()

    assert not is_intact
    assert line(record, "the link to the previous record is broken") in output
    assert "the link to the previous record is broken" in page(client, record)


def test_a_record_whose_chain_hash_was_rewritten_is_reported(client, chain):
    record = chain[2]
    with tampering():
        SignOff.objects.filter(pk=record.pk).update(chain_hash="e" * 64)

    is_intact, output = verify_output()

    assert not is_intact
    assert line(record, "the chain hash does not match") in output
    assert "the chain hash does not match" in page(client, record)


def test_a_deleted_record_is_reported_as_missing(client, chain):
    removed, after = chain[1], chain[2]
    with tampering():
        removed.conduct.all().delete()
        SignOff.objects.filter(pk=removed.pk).delete()

    is_intact, output = verify_output()

    assert not is_intact
    assert line(after, "records 2 to 2 are missing") in output
    assert line(after, "the link to the previous record is broken") in output
    assert "record 2 before it is missing" in page(client, after)


def test_a_deleted_last_record_is_reported(chain):
    with tampering():
        chain[2].conduct.all().delete()
        SignOff.objects.filter(pk=chain[2].pk).delete()

    is_intact, output = verify_output()

    assert not is_intact
    assert "the chain ends before its recorded last record" in output


def test_a_gap_in_the_numbering_is_reported(chain):
    with tampering():
        SignOff.objects.filter(pk=chain[2].pk).update(number=5)
    moved = SignOff.objects.get(pk=chain[2].pk)

    is_intact, output = verify_output()

    assert not is_intact
    assert line(moved, "records 3 to 4 are missing") in output


def test_reordered_records_are_reported(client, chain):
    first, second = chain[0], chain[1]
    with tampering():
        SignOff.objects.filter(pk=first.pk).update(number=99)
        SignOff.objects.filter(pk=second.pk).update(number=1)
        SignOff.objects.filter(pk=first.pk).update(number=2)
    now_first = SignOff.objects.get(pk=second.pk)
    now_second = SignOff.objects.get(pk=first.pk)

    is_intact, output = verify_output()

    assert not is_intact
    assert line(now_first, "the link to the previous record is broken") in output
    assert line(now_second, "the link to the previous record is broken") in output
    assert "the link to the previous record is broken" in page(client, now_first)


def flip_byte(path: str, position: int) -> None:
    with open(path, "r+b") as stream:
        data = bytearray(stream.read())
        data[position] ^= 1
        stream.seek(0)
        stream.write(data)


def test_one_altered_byte_of_a_photo_is_reported(client, chain):
    record = chain[0]
    photo = Photo.objects.filter(visit=record.visit).order_by("id").first()
    flip_byte(photo.image.path, 200)

    is_intact, output = verify_output()

    # The command reads the files; the public page compares stored digests
    # only (test_the_verify_page_answers_from_stored_digests_without_files).
    what = f"photo {photo.id} ({photo.sha256[:12]}) was changed or is missing"
    assert not is_intact
    assert line(record, what) in output
    assert what not in page(client, record)


def test_a_photo_named_in_the_record_that_is_gone_is_reported(client, chain):
    record = chain[0]
    photo = Photo.objects.filter(visit=record.visit).order_by("id").first()
    Photo.objects.filter(pk=photo.pk).update(sha256="0" * 64)

    is_intact, output = verify_output()

    what = f"photo {photo.sha256[:12]} named in the record is missing"
    assert not is_intact
    assert line(record, what) in output
    assert what in page(client, record)


def test_one_altered_byte_of_the_signature_is_reported(client, chain):
    record = chain[1]
    flip_byte(record.signature.path, -20)

    is_intact, output = verify_output()

    # Only the command reads the signature file (the page never opens a file).
    assert not is_intact
    assert line(record, "the signature image was changed") in output
    assert "the signature image was changed" not in page(client, record)


def test_an_altered_frozen_field_is_reported(client, chain):
    record = chain[1]
    forged = record.snapshot.replace("刘洋", "王五")
    assert forged != record.snapshot
    with tampering():
        SignOff.objects.filter(pk=record.pk).update(snapshot=forged)

    is_intact, output = verify_output()

    what = "the stored record text does not match its SHA-256"
    assert not is_intact
    assert line(record, what) in output
    assert what in page(client, record)


def test_a_changed_signature_hash_in_the_record_is_reported(chain):
    record = chain[0]
    with tampering():
        SignOff.objects.filter(pk=record.pk).update(signature_sha256="d" * 64)

    is_intact, output = verify_output()

    assert not is_intact
    assert line(record, "the signature hash in the record was changed") in output


# --- What a signature covers cannot be changed -------------------------------------


@pytest.mark.parametrize(("length", "status"), [(2000, 201), (2001, 400)])
def test_a_work_order_description_is_capped_at_two_thousand_characters(
    api, dispatcher, length, status
):
    # The cap that keeps a receipt readable (the receipt lays out any length).
    customer = CustomerFactory()

    response = api.as_user(dispatcher).post(
        "/api/v1/work-orders/",
        {"customer": customer.id, "kind": "repair", "description": "修" * length},
        format="json",
    )

    assert response.status_code == status
    assert WorkOrder.objects.count() == (1 if status == 201 else 0)


# --- The public page: cheap, cached and throttled ------------------------------------


def test_the_verify_page_answers_from_stored_digests_without_files(
    client, chain, django_assert_num_queries
):
    # Given a record whose photo and signature files are gone from disk
    record = chain[1]
    photo = Photo.objects.filter(visit=record.visit).order_by("id").first()
    os.rename(photo.image.path, photo.image.path + ".gone")
    os.rename(record.signature.path, record.signature.path + ".gone")

    # When the page is asked: the record, the record before it, the photos' digests
    with django_assert_num_queries(3):
        text = page(client, record)

    # Then it answers from the stored digests, while the full check reads the files
    is_intact, output = verify_output()
    assert "are intact" in text
    assert not is_intact
    assert line(record, "the signature image is missing") in output
    what = f"photo {photo.id} ({photo.sha256[:12]}) was changed or is missing"
    assert line(record, what) in output


def test_the_verify_pages_verdict_is_kept_for_a_while(
    client, chain, settings, django_assert_num_queries
):
    settings.VERIFY_PAGE_CACHE_SECONDS = 60
    record = chain[0]
    assert "are intact" in page(client, record)
    photo = Photo.objects.filter(visit=record.visit).order_by("id").first()
    Photo.objects.filter(pk=photo.pk).update(sha256="0" * 64)

    with django_assert_num_queries(1):  # the record only: the verdict is cached
        text = page(client, record)

    assert "are intact" in text
    cache.clear()
    assert f"photo {photo.sha256[:12]} named in the record is missing" in page(
        client, record
    )


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Too many"), ("zh-hans", "过多")]
)
def test_the_verify_page_is_throttled_per_client_address(
    client, chain, settings, language, words
):
    settings.VERIFY_PAGE_THROTTLE_RATE = "3/min"
    path = f"/verify/{chain[0].snapshot_sha256}/"
    statuses = [
        client.get(path, HTTP_ACCEPT_LANGUAGE=language).status_code for _ in range(3)
    ]

    refused = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    rotated = client.get(
        path, HTTP_ACCEPT_LANGUAGE=language, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    elsewhere = client.get(path, REMOTE_ADDR="198.51.100.7")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert words in refused.text
    assert int(refused["Retry-After"]) > 0
    assert refused.has_header("Content-Security-Policy")
    assert rotated.status_code == 429  # a header the client sets is not its address
    assert elsewhere.status_code == 200
