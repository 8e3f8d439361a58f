"""What a signing link gives whoever holds it (docs/rules.md#signing-link): its
token names nothing; the link that signed shows the signed copies for
SIGN_OFF_LINK_RECEIPT_HOURS and then nothing personal; any other link of a
signed visit shows nothing personal; tokens made before they were random keep
working until they expire."""

import base64
import hashlib
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from accounts.models import CompanySettings
from tests.factories import DispatcherFactory, TechnicianFactory
from tests.signing import sign
from tests.visits.lifecycle.service_helpers import S, visit_in, withdraw_checklists
from tests.visits.signoffs.test_signoff import (
    OLD_LINK_SALT,
    body_for,
    make_link,
    nothing_signed,
    page_form,
    post_link,
    sign_on_phone,
)
from visits.models import Photo, SignOff, SignOffLink, VisitEvent
from visits.signoffs import services as signoff

pytestmark = pytest.mark.django_db

HOTLINE = "400-820-8820"
SIGNED_ZH = "本次上门服务已通过其他链接或在装维人员的手机上签收"
SIGNED_EN = "This visit has already been signed"
EXPIRED_ZH = "签收后仅在有限时间内显示签收副本"
EXPIRED_EN = "This link has expired: it showed the signed copies"


@pytest.fixture(autouse=True)
def hotline():
    company = CompanySettings.load()
    company.customer_service_hotline = HOTLINE
    company.save(update_fields=["customer_service_hotline"])


def personal_data(visit) -> list[str]:
    """What a page must not show to someone who is not the signer."""
    order = visit.work_order
    profile = visit.technician.technician_profile
    values = [
        order.customer_name,
        order.customer_phone,
        order.address,
        visit.technician.display_name,
        profile.phone,
        "刘洋",  # the signer's name in body_for
        "receipt.pdf",
        "service-card.pdf",
        "/photos/",
        "/verify/",
    ]
    return [value for value in values if value]


def shown_personal_data(response, visit) -> list[str]:
    text = response.content.decode(errors="replace")
    return [value for value in personal_data(visit) if value in text]


def photo_path(token, visit) -> str:
    photo = Photo.objects.filter(visit=visit).order_by("id").first()
    return f"/sign/{token}/photos/{photo.id}.jpg"


def everything(client, token, visit, *, query: str = "") -> list:
    return [
        client.get(f"/sign/{token}/{query}"),
        client.get(f"/sign/{token}/receipt.pdf"),
        client.get(f"/sign/{token}/service-card.pdf"),
        client.get(photo_path(token, visit)),
    ]


# --- Tokens are opaque ---------------------------------------------------------


def test_a_token_is_32_random_bytes_and_names_no_id(done_visit, technician):
    link, token = signoff.sign_off_link_create(visit=done_visit, by=technician)
    _second, other_token = signoff.sign_off_link_create(visit=done_visit, by=technician)

    # Exactly the URL-safe base64 of 32 bytes: no separator, no room for anything else.
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert len(base64.urlsafe_b64decode(token + "=")) == 32
    for salt in (OLD_LINK_SALT, "fieldservice.signoff-link"):
        with pytest.raises(signing.BadSignature):
            signing.loads(token, salt=salt)
    # Two tokens of the same visit share nothing a reader could use.
    assert token[:8] != other_token[:8]
    assert token[-8:] != other_token[-8:]
    for id_text in (f'"visit":{done_visit.id}', f'"link":{link.id}'):
        encoded = base64.urlsafe_b64encode(id_text.encode()).decode().rstrip("=")
        assert encoded[:-1] not in token
    # Only the hash is stored.
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in SignOffLink.objects.values_list()}


def test_the_link_handed_out_is_the_address_and_the_token_only(api, done_visit):
    response = api.post(f"/api/v1/visits/{done_visit.id}/sign-off-links/")

    url = response.json()["url"]
    assert response.status_code == 201
    assert re.fullmatch(r"http://testserver/sign/[A-Za-z0-9_-]{43}/", url)


def test_a_token_made_before_tokens_were_random_keeps_working_until_it_expires(
    api, client, done_visit, technician
):
    """Links made before this change stored the SHA-256 of a signed value
    naming the link and the visit; they are found by the same hash."""
    now = timezone.now()
    old_token = signing.dumps(
        {"link": 1, "visit": done_visit.id, "nonce": "n0nce"}, salt=OLD_LINK_SALT
    )
    expired_token = signing.dumps(
        {"link": 2, "visit": done_visit.id, "nonce": "0ther"}, salt=OLD_LINK_SALT
    )
    for token, expires_at in (
        (old_token, now + timedelta(hours=1)),
        (expired_token, now - timedelta(seconds=1)),
    ):
        SignOffLink.objects.create(
            visit=done_visit,
            token_sha256=hashlib.sha256(token.encode()).hexdigest(),
            created_by=technician,
            created_at=now - timedelta(hours=2),
            expires_at=expires_at,
        )

    expired_page = client.get(f"/sign/{expired_token}/")
    page = client.get(f"/sign/{old_token}/")
    signed = post_link(client, old_token, body_for(done_visit))

    assert expired_page.status_code == 410
    assert page.status_code == 200
    assert page_form(page)["summary"]["work_order_number"] == (
        done_visit.work_order.number
    )
    assert signed.status_code == 201, signed.content
    assert SignOff.objects.get().visit == done_visit


def test_an_overlong_token_is_not_a_link(api, client, done_visit):
    make_link(api, done_visit)

    response = post_link(client, "A" * 300, body_for(done_visit))

    assert response.status_code == 404
    assert response.json()["code"] == "sign_off_link_invalid"
    nothing_signed(done_visit)


# --- The link that signed, for a while -----------------------------------------


def signed_through_link(api, client, visit) -> str:
    token = make_link(api, visit)
    assert post_link(client, token, body_for(visit)).status_code == 201
    return token


def age_signature(hours: float) -> None:
    """As if the link had been used `hours` ago (the record itself cannot change)."""
    SignOffLink.objects.filter(used_at__isnull=False).update(
        used_at=F("used_at") - timedelta(hours=hours)
    )


def test_the_link_that_signed_shows_the_copies_for_72_hours(api, client, done_visit):
    token = signed_through_link(api, client, done_visit)
    age_signature(72 - 1 / 60)

    responses = everything(client, token, done_visit)

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert SignOff.objects.get().snapshot_sha256 in responses[0].text
    assert [response["Content-Type"] for response in responses[1:]] == [
        "application/pdf",
        "application/pdf",
        "image/jpeg",
    ]


def test_72_hours_after_signing_the_link_shows_nothing_personal(
    api, client, done_visit
):
    token = signed_through_link(api, client, done_visit)
    age_signature(72)

    page, receipt, card, photo = everything(client, token, done_visit)
    english = client.get(f"/sign/{token}/?lang=en")

    assert [response.status_code for response in (page, receipt, card, photo)] == [
        410,
        410,
        410,
        404,
    ]
    for response in (page, receipt, card, photo, english):
        assert shown_personal_data(response, done_visit) == []
    for response in (page, receipt, card):
        assert response["Content-Type"].startswith("text/html")
        assert EXPIRED_ZH in response.text
        assert f'<a href="tel:{HOTLINE}">{HOTLINE}</a>' in response.text
    assert EXPIRED_EN in english.text
    assert '<a href="?lang=en" lang="en" hreflang="en">English</a>' in page.text
    assert f'<a href="tel:{HOTLINE}">{HOTLINE}</a>' in english.text
    assert done_visit.work_order.number not in page.text


@override_settings(SIGN_OFF_LINK_RECEIPT_HOURS=2)
def test_how_long_the_copies_are_shown_is_a_setting(api, client, done_visit):
    token = signed_through_link(api, client, done_visit)
    age_signature(2 - 1 / 60)
    before = client.get(f"/sign/{token}/receipt.pdf")
    age_signature(1 / 60)

    after = client.get(f"/sign/{token}/receipt.pdf")

    assert (before.status_code, after.status_code) == (200, 410)


# --- Any other link of a signed visit ------------------------------------------


@pytest.mark.parametrize("spare_made", ["before", "after"])
def test_another_link_of_a_signed_visit_shows_nothing_personal(
    api, client, done_visit, spare_made
):
    """The spare link is made before or after the link that signs."""
    if spare_made == "before":
        spare = make_link(api, done_visit)
        used = make_link(api, done_visit)
    else:
        used = make_link(api, done_visit)
        spare = make_link(api, done_visit)
    assert post_link(client, used, body_for(done_visit)).status_code == 201

    page, receipt, card, photo = everything(client, spare, done_visit)
    english = client.get(f"/sign/{spare}/?lang=en")

    assert [response.status_code for response in (page, receipt, card, photo)] == [
        409,
        404,
        404,
        404,
    ]
    for response in (page, receipt, card, photo, english):
        assert shown_personal_data(response, done_visit) == []
    assert SIGNED_ZH in page.text
    assert f'<a href="tel:{HOTLINE}">{HOTLINE}</a>' in page.text
    assert SIGNED_EN in english.text
    assert client.get(f"/sign/{used}/").status_code == 200


def test_signing_ends_every_other_unused_link_of_the_visit(api, client, done_visit):
    spare = make_link(api, done_visit)
    used = make_link(api, done_visit)

    assert post_link(client, used, body_for(done_visit)).status_code == 201

    signed_at = SignOff.objects.get().signed_at
    spare_link = SignOffLink.objects.get(used_at__isnull=True)
    assert spare_link.expires_at == signed_at
    again = post_link(client, spare, body_for(done_visit, signer_name="另一个人"))
    assert again.status_code == 409
    assert again.json()["code"] == "sign_off_link_visit_signed"
    assert SignOff.objects.get().signer_name == "刘洋"
    assert VisitEvent.objects.filter(visit=done_visit, kind="sign_off").count() == 1


def test_signing_on_the_technicians_phone_ends_the_links_too(api, client, done_visit):
    spare = make_link(api, done_visit)

    assert sign_on_phone(api, done_visit).status_code == 201

    page = client.get(f"/sign/{spare}/")
    assert SignOffLink.objects.get().expires_at == SignOff.objects.get().signed_at
    assert page.status_code == 409
    assert shown_personal_data(page, done_visit) == []


def test_a_link_row_made_after_signing_shows_nothing_personal(
    api, client, done_visit, technician
):
    """The service refuses to make one; a row written another way still shows
    nothing, because only the link used shows the record."""
    assert sign_on_phone(api, done_visit).status_code == 201
    token = "made-after-signing-" + "x" * 30
    SignOffLink.objects.create(
        visit=done_visit,
        token_sha256=hashlib.sha256(token.encode()).hexdigest(),
        created_by=technician,
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=24),
    )

    responses = everything(client, token, done_visit)

    assert [response.status_code for response in responses] == [409, 404, 404, 404]
    for response in responses:
        assert shown_personal_data(response, done_visit) == []


def test_a_link_signs_its_own_visit_whatever_visit_the_caller_names():
    withdraw_checklists()
    dispatcher = DispatcherFactory()
    own, other = (
        visit_in(S.WORK_DONE, dispatcher=dispatcher, technician=TechnicianFactory())
        for _ in range(2)
    )
    _link, token = signoff.sign_off_link_create(visit=own, by=own.technician)

    record = sign(other, link_token=token, conduct=[])

    assert record.visit_id == own.pk
    other.refresh_from_db()
    assert other.state == "work_done"
    assert not SignOff.objects.filter(visit=other).exists()
