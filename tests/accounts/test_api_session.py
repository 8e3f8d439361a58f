"""Signing in with a session cookie (the phone app): POST/DELETE /api/v1/auth/session/."""

import pytest
from rest_framework.test import APIClient

from tests.factories import TechnicianFactory

URL = "/api/v1/auth/session/"


@pytest.fixture
def browser():
    """A client that checks CSRF tokens as a browser's requests are checked."""
    return APIClient(enforce_csrf_checks=True)


def csrf_token(client) -> str:
    """What the app shell does: GET /app/ sets the csrftoken cookie."""
    client.get("/app/")
    return client.cookies["csrftoken"].value


def sign_in(client, username, password, **extra):
    return client.post(
        URL,
        {"username": username, "password": password},
        format="json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
        **extra,
    )


@pytest.mark.django_db
def test_signing_in_starts_an_httponly_session_and_answers_who_i_am(browser):
    technician = TechnicianFactory(username="zhang", first_name="伟", last_name="张")

    response = sign_in(browser, "zhang", "secret-pass-1")

    assert response.status_code == 200
    assert response.json() == {
        "id": technician.id,
        "username": "zhang",
        "name": "张伟",
        "role": "technician",
        "language": technician.language,
        "employee_number": technician.technician_profile.employee_number,
    }
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == 7 * 24 * 3600
    assert browser.get("/api/v1/me/").json()["username"] == "zhang"


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_the_users_language(browser):
    TechnicianFactory(username="zhang")

    english = sign_in(browser, "zhang", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    chinese = sign_in(browser, "zhang", "wrong", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.status_code == 400
    assert english.json() == {
        "code": "wrong_credentials",
        "detail": "Wrong username or password.",
    }
    assert chinese.json() == {
        "code": "wrong_credentials",
        "detail": "用户名或密码错误。",
    }
    assert "sessionid" not in browser.cookies
    assert browser.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.django_db
def test_signing_in_is_throttled_with_the_login_scope(browser, settings):
    TechnicianFactory(username="zhang")
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["login"] == "10/min"
    settings.AXES_FAILURE_LIMIT = 100  # the throttle alone, before any lockout

    answers = [sign_in(browser, "zhang", "wrong").status_code for _ in range(10)]
    eleventh = sign_in(browser, "zhang", "secret-pass-1")

    assert answers == [400] * 10
    assert eleventh.status_code == 429
    assert "sessionid" not in browser.cookies


@pytest.mark.django_db
def test_signing_in_without_the_csrf_token_is_refused(browser):
    TechnicianFactory(username="zhang")

    response = browser.post(
        URL, {"username": "zhang", "password": "secret-pass-1"}, format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "sessionid" not in browser.cookies


@pytest.mark.django_db
def test_signing_out_without_the_csrf_token_is_refused_and_keeps_the_session(browser):
    TechnicianFactory(username="zhang")
    sign_in(browser, "zhang", "secret-pass-1")

    response = browser.delete(URL)

    assert response.status_code == 403
    assert browser.get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_signing_out_ends_the_session(browser):
    TechnicianFactory(username="zhang")
    sign_in(browser, "zhang", "secret-pass-1")
    old_session = browser.cookies["sessionid"].value

    response = browser.delete(URL, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)

    assert response.status_code == 204
    assert browser.get("/api/v1/me/").status_code in (401, 403)
    replay = APIClient()
    replay.cookies["sessionid"] = old_session
    assert replay.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.django_db
def test_the_csrf_refusals_are_documented(browser):
    from drf_spectacular.generators import SchemaGenerator

    from tests.fieldservice.test_schema_truth import assert_answer_documented

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    TechnicianFactory(username="zhang")

    sign_in_refused = browser.post(
        URL, {"username": "zhang", "password": "secret-pass-1"}, format="json"
    )
    sign_out_refused = browser.delete(URL)

    assert [sign_in_refused.status_code, sign_out_refused.status_code] == [403, 403]
    assert_answer_documented(openapi, "POST", URL, sign_in_refused)
    assert_answer_documented(openapi, "DELETE", URL, sign_out_refused)
