"""Sign-off input that is malformed is refused with a 400 naming the entry, on
the technician's phone (API) and on the customer's signing page, in English and
Chinese, and nothing is written."""

import pytest

from tests.visits.signoffs.test_signoff import (
    body_for,
    make_link,
    nothing_signed,
    post_link,
)
from visits.models import ConsentStatement, SignOffLink

pytestmark = pytest.mark.django_db


def with_entry(visit, entry) -> list:
    conduct = body_for(visit)["conduct"]
    return [entry, *conduct[1:]]


def first_code(visit) -> str:
    return body_for(visit)["conduct"][0]["code"]


CASES = {
    "code-is-a-list": (
        lambda code: {"code": [code], "confirmed": True},
        "conduct_invalid",
    ),
    "code-missing": (lambda code: {"confirmed": True}, "conduct_invalid"),
    "comment-is-an-object": (
        lambda code: {"code": code, "confirmed": False, "comment": {"a": 1}},
        "conduct_invalid",
    ),
    "comment-is-a-number": (
        lambda code: {"code": code, "confirmed": False, "comment": 5},
        "conduct_invalid",
    ),
    "comment-too-long": (
        lambda code: {"code": code, "confirmed": False, "comment": "脏" * 501},
        "conduct_comment_too_long",
    ),
    "unknown-code": (
        lambda code: {"code": "teleported", "confirmed": True},
        "conduct_unknown",
    ),
    "confirmed-is-text": (
        lambda code: {"code": code, "confirmed": "yes"},
        "conduct_invalid",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(
    ("language", "marker"), [("en", "Conduct entry 1"), ("zh-hans", "客户确认第 1 项")]
)
def test_a_malformed_conduct_entry_is_a_400_naming_it(
    api, done_visit, case, language, marker
):
    make, code = CASES[case]
    conduct = with_entry(done_visit, make(first_code(done_visit)))

    response = api.post(
        f"/api/v1/visits/{done_visit.id}/sign-off/",
        body_for(done_visit, conduct=conduct),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert marker in response.json()["detail"]
    nothing_signed(done_visit)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_duplicate_conduct_entry_is_a_400_naming_it(api, done_visit, language):
    conduct = body_for(done_visit)["conduct"]
    conduct = [*conduct, dict(conduct[0])]

    response = api.post(
        f"/api/v1/visits/{done_visit.id}/sign-off/",
        body_for(done_visit, conduct=conduct),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "conduct_duplicate"
    assert conduct[0]["code"] in response.json()["detail"]
    nothing_signed(done_visit)


@pytest.mark.parametrize("case", ["code-is-a-list", "comment-is-an-object"])
def test_a_malformed_conduct_entry_on_the_signing_page_is_a_400(
    api, client, done_visit, case
):
    token = make_link(api, done_visit)
    make, code = CASES[case]
    body = body_for(done_visit)
    body["conduct"] = with_entry(done_visit, make(first_code(done_visit)))

    response = post_link(client, token, body)

    assert response.status_code == 400
    assert response.json()["code"] == code
    nothing_signed(done_visit)
    assert SignOffLink.objects.get().used_at is None


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "No consent statement is published."), ("zh-hans", "尚未发布")],
)
def test_the_signing_page_without_a_consent_statement_is_a_clear_4xx(
    api, client, done_visit, language, message
):
    token = make_link(api, done_visit)
    body = body_for(done_visit)
    ConsentStatement.objects.all().delete()

    page = client.get(f"/sign/{token}/", HTTP_ACCEPT_LANGUAGE=language)
    signing = post_link(client, token, body)
    screen = api.get(
        f"/api/v1/visits/{done_visit.id}/sign-off/", HTTP_ACCEPT_LANGUAGE=language
    )

    assert 400 <= page.status_code < 500
    assert message in page.text
    assert 400 <= signing.status_code < 500
    assert signing.json()["code"] == "consent_missing"
    assert screen.status_code == 400
    assert screen.json()["code"] == "consent_missing"
    nothing_signed(done_visit)
    assert SignOffLink.objects.get().used_at is None
