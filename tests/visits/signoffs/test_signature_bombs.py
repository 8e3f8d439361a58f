"""A signature that is a decompression bomb is a 400, never a 500: on the
technician's phone (API) and on the customer's signing page, in English and
Chinese, with nothing signed and no file written. The bombs are files of the
upload attack corpus (tests/corpus/uploads/)."""

from pathlib import Path

import pytest

from tests.visits.signoffs.test_signoff import (
    body_for,
    data_url,
    make_link,
    nothing_signed,
    post_link,
)

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "uploads"
# One pixel high and four million wide: within the pixel count, no pad's size.
WIDE = "signature-bomb-png-1x4000000.png"
# 20,000 x 20,000 in a 69-byte file: over Pillow's own bomb guard, which
# raised DecompressionBombError (a 500) before the fix.
HUGE = "signature-bomb-png-header-20000x20000.png"
MESSAGES = {"en": "The signature image is too large.", "zh-hans": "签名图片过大。"}


def bomb(name: str) -> str:
    return data_url((CORPUS / name).read_bytes())


def files_in(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


@pytest.mark.parametrize("name", [WIDE, HUGE])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_bomb_signature_on_the_phone_is_a_400_and_nothing_is_signed(
    api, done_visit, media_root, name, language
):
    files_before = files_in(media_root)

    response = api.post(
        f"/api/v1/visits/{done_visit.id}/sign-off/",
        body_for(done_visit, signature=bomb(name)),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "signature_too_large"
    assert response.json()["detail"] == MESSAGES[language]
    nothing_signed(done_visit)
    assert files_in(media_root) == files_before


@pytest.mark.parametrize("name", [WIDE, HUGE])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_bomb_signature_on_the_signing_page_is_a_400_and_nothing_is_signed(
    api, client, done_visit, media_root, name, language
):
    token = make_link(api, done_visit)
    files_before = files_in(media_root)

    response = client.post(
        f"/sign/{token}/",
        body_for(done_visit, signature=bomb(name)),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "signature_too_large"
    assert response.json()["detail"] == MESSAGES[language]
    nothing_signed(done_visit)
    assert files_in(media_root) == files_before
    # The link was not used up by the refusal: the customer can sign again.
    assert post_link(client, token, body_for(done_visit)).status_code == 201
