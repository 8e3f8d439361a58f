"""Customer sign-off: both ways to sign, the frozen and chained record, the
service card and receipt, and verification that catches tampering."""

import base64
import io
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from tests.factories import TechnicianFactory
from tests.signing import all_confirmed, signature_png
from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    book,
    item,
    jpeg,
)
from visits.models import (
    ChecklistAnswer,
    ConductConfirmation,
    Photo,
    Promotion,
    SignOff,
    SignOffLink,
    VisitEvent,
)
from visits.signoffs import services as signoff

pytestmark = pytest.mark.django_db


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def body_for(visit, **changes) -> dict:
    return {
        "signer_name": "刘洋",
        "signature": data_url(signature_png()),
        "consent_version": signoff.current_consent().version,
        "conduct": all_confirmed(visit),
        **changes,
    }


def sign_on_phone(api, visit, **changes):
    return api.post(
        f"/api/v1/visits/{visit.id}/sign-off/",
        body_for(visit, **changes),
        format="json",
    )


def nothing_signed(visit) -> None:
    visit.refresh_from_db()
    assert visit.state == "work_done"
    assert not SignOff.objects.exists()
    assert not ConductConfirmation.objects.exists()
    assert not VisitEvent.objects.filter(visit=visit, kind="sign_off").exists()


# --- On the technician's phone ---------------------------------------------------


def test_the_signing_screen_shows_questions_consent_and_the_service_card(
    api, done_visit
):
    response = api.get(f"/api/v1/visits/{done_visit.id}/sign-off/")

    body = response.json()
    assert response.status_code == 200
    assert [question["code"] for question in body["questions"]] == [
        "show_work_id",
        "shoe_covers",
        "tools_on_work_cloth",
        "rooms_accompanied",
        "consent_items_facilities",
        "items_put_back",
        "site_clean",
    ]
    assert body["consent"]["version"] == "2026-11-2"
    technician = done_visit.technician
    assert body["service_card"]["employee_number"] == (
        technician.technician_profile.employee_number
    )
    assert body["record"] is None


def test_a_rural_customer_is_not_asked_about_shoe_covers(api, technician):
    visit = book(technician, area_tier="rural")

    codes = [question["code"] for question in signoff.conduct_questions(visit)]

    assert "shoe_covers" not in codes
    assert "site_clean" in codes


def test_the_customer_signs_on_the_technicians_phone(api, done_visit):
    conduct = all_confirmed(done_visit)
    conduct[-1] = {"code": "site_clean", "confirmed": False, "comment": "地上有线头"}

    response = sign_on_phone(api, done_visit, conduct=conduct)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == 1
    assert body["channel"] == "technician_device"
    assert body["has_contested_conduct"] is True
    assert body["contested"] == [
        {
            "code": "site_clean",
            "text": "现场已清理干净,残留物已带走",
            "comment": "地上有线头",
        }
    ]
    done_visit.refresh_from_db()
    assert done_visit.state == "signed_off"
    event = done_visit.events.get(kind="sign_off")
    assert event.data["contested"] == ["site_clean"]
    assert event.actor == done_visit.technician


def test_the_record_freezes_what_the_signature_covers(api, done_visit):
    sign_on_phone(api, done_visit)
    record = SignOff.objects.get()

    stored = json.loads(record.snapshot)

    assert signoff.sha256_hex(record.snapshot.encode()) == record.snapshot_sha256
    assert stored["format"] == "fieldservice.signoff/1"
    assert stored["work_order"]["number"] == done_visit.work_order.number
    assert stored["visit"]["punctuality"] == "on_time"
    assert stored["signer"] == {"name": "刘洋", "channel": "technician_device"}
    assert stored["consent"]["version"] == "2026-11-2"
    shoe_covers = next(
        row for row in stored["checklist"] if row["code"] == "shoe_covers"
    )
    assert shoe_covers["photos"] == list(
        Photo.objects.filter(item__code="shoe_covers").values_list("sha256", flat=True)
    )
    assert stored["signature_sha256"] == signoff.sha256_hex(signature_png())
    assert record.signature_sha256 == stored["signature_sha256"]
    assert record.previous_chain_hash == "0" * 64


def test_records_are_chained(api, technician):
    first, second = book(technician), book(technician, minutes_ahead=180)
    for visit in (first, second):
        api.as_user(technician)
        for step in ("start-travel", "arrive", "start-work"):
            response = api.post(
                f"/api/v1/visits/{visit.id}/actions/{step}/",
                {"late_reason": "The customer asked us to come early"},
            )
            assert response.status_code == 200, response.json()
        answer_everything(api, visit)
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")
        assert sign_on_phone(api, visit).status_code == 201

    one, two = SignOff.objects.order_by("number")

    assert (one.number, two.number) == (1, 2)
    assert two.previous_chain_hash == one.chain_hash
    assert signoff.verify_all() == (2, [])


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"consent_version": "2020-01"}, "consent_required"),
        ({"consent_version": ""}, "invalid"),
        ({"signature": ""}, "invalid"),
        ({"signer_name": "   "}, "invalid"),
        ({"conduct": []}, "conduct_unanswered"),
        ({"conduct": [{"code": "teleported", "confirmed": True}]}, "conduct_unknown"),
    ],
    ids=[
        "old-consent",
        "no-consent",
        "no-signature",
        "no-name",
        "no-conduct",
        "unknown-question",
    ],
)
def test_signing_without_what_it_needs_is_a_400_and_stores_nothing(
    api, done_visit, changes, code
):
    response = sign_on_phone(api, done_visit, **changes)

    assert response.status_code == 400
    assert response.json()["code"] == code
    nothing_signed(done_visit)


def _png(size, color, mode="RGBA") -> bytes:
    stream = io.BytesIO()
    Image.new(mode, size, color).save(stream, "PNG")
    return stream.getvalue()


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        (data_url(_png((300, 100), (0, 0, 0, 0))), "signature_empty"),
        (data_url(_png((300, 100), (255, 255, 255), "RGB")), "signature_empty"),
        (
            "data:image/jpeg;base64," + base64.b64encode(jpeg()).decode(),
            "signature_invalid",
        ),
        ("not base64 at all!", "signature_invalid"),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 600_000), "signature_too_large"),
        (data_url(_png((4000, 1001), (0, 0, 0, 0))), "signature_too_large"),
    ],
    ids=[
        "transparent",
        "white",
        "jpeg",
        "garbage",
        "oversized-bytes",
        "oversized-pixels",
    ],
)
def test_a_bad_signature_image_is_a_400_and_stores_nothing(
    api, done_visit, signature, code
):
    response = sign_on_phone(api, done_visit, signature=signature)

    assert response.status_code == 400
    assert response.json()["code"] == code
    nothing_signed(done_visit)


def test_a_visit_whose_work_is_not_done_cannot_be_signed(api, technician):
    visit = book(technician)

    response = sign_on_phone(api.as_user(technician), visit)

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert not SignOff.objects.exists()


def test_signing_twice_is_refused_and_keeps_the_first_record(api, done_visit):
    sign_on_phone(api, done_visit)
    first = SignOff.objects.get()

    again = sign_on_phone(api, done_visit, signer_name="someone else")

    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert list(SignOff.objects.all()) == [first]
    assert SignOff.objects.get().signer_name == "刘洋"


def test_a_dispatcher_cannot_sign_for_the_customer(api, done_visit, dispatcher):
    response = sign_on_phone(api.as_user(dispatcher), done_visit)

    assert response.status_code == 403
    nothing_signed(done_visit)


# --- On the customer's own phone ------------------------------------------------------


def make_link(api, visit) -> str:
    response = api.post(f"/api/v1/visits/{visit.id}/sign-off-links/")
    assert response.status_code == 201, response.json()
    return response.json()["url"].split("/sign/", 1)[1].rstrip("/")


def post_link(client, token, body):
    return client.post(
        f"/sign/{token}/", json.dumps(body), content_type="application/json"
    )


def page_form(page) -> dict:
    """The sign-off form the signing page hands its script (a json_script block)."""
    start = page.text.index('id="sign-off-form" type="application/json">')
    start = page.text.index(">", start) + 1
    return json.loads(page.text[start : page.text.index("</script>", start)])


def test_the_customer_signs_on_their_own_phone_through_the_link(
    api, client, done_visit
):
    token = make_link(api, done_visit)

    page = client.get(f"/sign/{token}/")
    signed = post_link(client, token, body_for(done_visit))
    after = client.get(f"/sign/{token}/")
    receipt = client.get(f"/sign/{token}/receipt.pdf")

    assert page.status_code == 200
    assert page_form(page)["questions"][0]["text"] == "装维人员出示了工作证并说明了来意"
    assert signed.status_code == 201, signed.content
    record = SignOff.objects.get()
    assert record.channel == "customer_link"
    assert record.recorded_by is None
    assert SignOffLink.objects.get().used_at == record.signed_at
    assert record.snapshot_sha256 in after.text
    assert receipt["Content-Type"] == "application/pdf"
    assert done_visit.events.get(kind="sign_off").actor is None


def test_an_expired_link_is_refused_with_410(api, client, done_visit):
    token = make_link(api, done_visit)
    SignOffLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client.get(f"/sign/{token}/")
    response = post_link(client, token, body_for(done_visit))

    assert page.status_code == 410
    assert response.status_code == 410
    assert response.json()["code"] == "sign_off_link_expired"
    nothing_signed(done_visit)


def test_a_link_lasts_twenty_four_hours_by_default(api, done_visit):
    make_link(api, done_visit)

    link = SignOffLink.objects.get()

    assert link.expires_at - link.created_at == timedelta(hours=24)


def test_a_used_link_cannot_sign_again(api, client, done_visit):
    token = make_link(api, done_visit)
    post_link(client, token, body_for(done_visit))

    again = post_link(client, token, body_for(done_visit, signer_name="other"))

    assert again.status_code == 409
    assert again.json()["code"] == "sign_off_link_used"
    assert SignOff.objects.get().signer_name == "刘洋"


def test_a_forged_or_altered_link_is_refused(api, client, done_visit):
    token = make_link(api, done_visit)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = post_link(client, forged, body_for(done_visit))

    assert response.status_code == 404
    assert response.json()["code"] == "sign_off_link_invalid"
    nothing_signed(done_visit)


# Tokens made before they were random: a value signed with the site's key and
# this salt, naming the link and the visit.
OLD_LINK_SALT = "fieldservice.signoff-link"


def test_a_token_naming_a_link_and_visit_signs_nothing(
    api, client, technician, done_visit
):
    make_link(api, done_visit)
    link = SignOffLink.objects.get()
    other = book(TechnicianFactory(), minutes_ahead=300)
    forged = [
        signing.dumps(
            {"link": link.pk, "visit": visit_id, "nonce": "x"}, salt=OLD_LINK_SALT
        )
        for visit_id in (done_visit.id, other.id)
    ]

    responses = [post_link(client, token, body_for(done_visit)) for token in forged]

    assert [response.status_code for response in responses] == [404, 404]
    nothing_signed(done_visit)


def test_only_the_technician_or_a_dispatcher_makes_links_and_only_when_work_is_done(
    api, technician, other_technician
):
    visit = book(technician)

    too_early = api.as_user(technician).post(
        f"/api/v1/visits/{visit.id}/sign-off-links/"
    )
    stranger = api.as_user(other_technician).post(
        f"/api/v1/visits/{visit.id}/sign-off-links/"
    )

    assert too_early.status_code == 409
    assert stranger.status_code == 404
    assert not SignOffLink.objects.exists()


# --- Nothing signed can change ----------------------------------------------------


def test_the_database_refuses_to_change_or_delete_a_record(
    api, done_visit, is_postgres
):
    sign_on_phone(api, done_visit)

    with pytest.raises(DatabaseError), transaction.atomic():
        SignOff.objects.update(signer_name="forger")
    if is_postgres:
        with pytest.raises(DatabaseError), transaction.atomic():
            ConductConfirmation.objects.all().delete()
    assert SignOff.objects.get().signer_name == "刘洋"


def test_no_role_can_change_or_delete_a_record_in_the_admin(
    api, done_visit, admin_client
):
    sign_on_phone(api, done_visit)
    record = SignOff.objects.get()

    change = admin_client.post(
        f"/admin/visits/signoff/{record.id}/change/", {"signer_name": "forger"}
    )
    delete = admin_client.post(
        f"/admin/visits/signoff/{record.id}/delete/", {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    assert SignOff.objects.get().signer_name == "刘洋"


def test_answers_and_photos_are_frozen_after_sign_off(api, done_visit):
    sign_on_phone(api, done_visit)
    entry = item(done_visit, "carry_tools")

    answer = api.put(
        f"/api/v1/visits/{done_visit.id}/checklist/{entry.id}/",
        {"value": False},
        format="json",
    )

    assert answer.status_code == 409
    assert ChecklistAnswer.objects.get(item=entry).value is True


# --- Verification ---------------------------------------------------------------------


def verify() -> str:
    out = StringIO()
    call_command("verify_signoffs", stdout=out)
    return out.getvalue()


def verify_failing() -> str:
    out = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("verify_signoffs", stdout=out)
    return out.getvalue()


def test_an_intact_chain_verifies(api, done_visit):
    sign_on_phone(api, done_visit)

    assert "1 sign-off record(s) verified: intact." in verify()


def test_verification_reads_the_frozen_record_not_the_answer_rows(api, done_visit):
    # An answer row edited later (directly in the database) is not the record:
    # the receipt keeps what was signed, and verification uses only that.
    sign_on_phone(api, done_visit)
    ChecklistAnswer.objects.filter(item__code="work_summary").update(value="伪造的答案")

    assert "1 sign-off record(s) verified: intact." in verify()
    assert "伪造的答案" not in SignOff.objects.get().snapshot


def test_one_changed_byte_of_a_photo_is_reported(api, done_visit):
    sign_on_phone(api, done_visit)
    photo = Photo.objects.filter(item__code="site_clean").get()
    path = photo.image.path
    with open(path, "r+b") as stream:
        stream.seek(200)
        original = stream.read(1)
        stream.seek(200)
        stream.write(bytes([original[0] ^ 1]))

    output = verify_failing()

    assert f"photo {photo.id} ({photo.sha256[:12]}) was changed or is missing" in output


def test_one_changed_byte_of_the_signature_is_reported(api, done_visit):
    sign_on_phone(api, done_visit)
    path = SignOff.objects.get().signature.path
    with open(path, "r+b") as stream:
        data = bytearray(stream.read())
        data[-20] ^= 1
        stream.seek(0)
        stream.write(data)

    output = verify_failing()

    assert "record #1" in output
    assert "the signature image was changed" in output


def test_the_public_verification_page_checks_a_receipt(api, client, done_visit):
    sign_on_phone(api, done_visit)
    record = SignOff.objects.get()

    intact = client.get(f"/verify/{record.snapshot_sha256}/", HTTP_ACCEPT_LANGUAGE="en")
    unknown = client.get(f"/verify/{'a' * 64}/")

    # What the page reports when a record is tampered with:
    # tests/visits/signoffs/test_verification.py.
    assert "are intact" in intact.text
    assert done_visit.work_order.customer_phone not in intact.text
    assert unknown.status_code == 404


# --- The service card and the receipt -----------------------------------------------------


def pdf_text(content: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_service_card_pdf_carries_the_four_fields(api, done_visit):
    today = timezone.localdate()
    Promotion.objects.create(
        title_zh="冬季宽带提速",
        title_en="Winter boost",
        body_zh="半价",
        body_en="Half price",
        valid_from=today,
        valid_until=today,
    )

    response = api.get(f"/api/v1/visits/{done_visit.id}/service-card.pdf")

    text = pdf_text(response.content)
    profile = done_visit.technician.technician_profile
    assert response["Content-Type"] == "application/pdf"
    assert done_visit.technician.display_name in text
    assert profile.employee_number in text
    assert profile.phone in text
    assert "10000" in text
    assert "冬季宽带提速" in text


def test_the_promotion_on_the_card_is_the_one_in_force_that_day(api, done_visit):
    today = timezone.localdate()
    Promotion.objects.create(
        title_zh="过期",
        title_en="Expired",
        body_zh="x",
        body_en="x",
        valid_from=today - timedelta(days=10),
        valid_until=today - timedelta(days=1),
    )
    Promotion.objects.create(
        title_zh="下月",
        title_en="Next month",
        body_zh="x",
        body_en="x",
        valid_from=today + timedelta(days=1),
        valid_until=today + timedelta(days=30),
    )

    card = api.get(f"/api/v1/visits/{done_visit.id}/service-card/").json()

    assert card["promotion"] is None


def test_the_card_is_frozen_at_sign_off(api, done_visit):
    sign_on_phone(api, done_visit)
    profile = done_visit.technician.technician_profile
    profile.phone = "13999999999"
    profile.save(update_fields=["phone"])

    card = api.get(f"/api/v1/visits/{done_visit.id}/service-card/").json()

    assert card["contact_phone"] != "13999999999"


def test_the_receipt_pdf_names_the_record_and_how_to_verify_it(
    api, done_visit, settings
):
    settings.SITE_URL = "https://fs.example.com"
    sign_on_phone(api, done_visit)
    record = SignOff.objects.get()

    response = api.get(f"/api/v1/visits/{done_visit.id}/receipt.pdf")

    # Long hashes and addresses wrap: compare without line breaks and spaces.
    text = pdf_text(response.getvalue()).replace("\n", "").replace(" ", "")
    assert done_visit.work_order.number in text
    assert record.snapshot_sha256 in text
    assert f"https://fs.example.com/verify/{record.snapshot_sha256}/" in text


def test_there_is_no_receipt_before_sign_off(api, done_visit):
    assert api.get(f"/api/v1/visits/{done_visit.id}/receipt.pdf").status_code == 404


def test_someone_elses_receipt_is_a_404(api, done_visit, other_technician):
    sign_on_phone(api, done_visit)

    response = api.as_user(other_technician).get(
        f"/api/v1/visits/{done_visit.id}/receipt.pdf"
    )

    assert response.status_code == 404
