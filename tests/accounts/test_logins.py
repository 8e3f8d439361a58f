"""Password guessing, logins and tokens: who a client is, lockout on every
sign-in, tokens that expire and end, inactive technicians, passwords set
through the API."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import checks
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Customer, TechnicianProfile, User
from fieldservice.throttling import client_address
from tests.factories import DispatcherFactory, TechnicianFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
SESSION_URL = "/api/v1/auth/session/"
PASSWORD = "secret-pass-1"  # the factories'


@pytest.fixture(autouse=True)
def own_throttle_cache(settings, request):
    """A cache of the test's own: these tests spend the throttle allowance of
    addresses other than 127.0.0.1, which the shared fixture does not reset."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def token_sign_in(client, username, password, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, **extra)


def session_sign_in(client, username, password, **extra):
    return client.post(
        SESSION_URL, {"username": username, "password": password}, **extra
    )


def admin_sign_in(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **extra,
    )


# --- Who the client is ------------------------------------------------------------


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_client_is_the_connection_whatever_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_from("198.51.100.4", "1.2.3.4")) == "198.51.100.4"


def test_with_one_proxy_the_client_is_the_rightmost_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    request = request_from("10.0.0.2", "1.2.3.4, 203.0.113.7")

    assert client_address(request) == "203.0.113.7"


def test_with_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from("10.0.0.3", "1.2.3.4, 203.0.113.7, 10.0.0.2")

    assert client_address(request) == "203.0.113.7"


def test_a_header_that_did_not_pass_every_proxy_is_not_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(request_from("10.0.0.3", "203.0.113.7")) == "10.0.0.3"
    assert client_address(request_from("10.0.0.3")) == "10.0.0.3"
    assert client_address(request_from("10.0.0.3", "x, not-an-ip, 1.1.1.1")) == (
        "10.0.0.3"
    )


def test_rotating_x_forwarded_for_does_not_reset_the_throttle(api, settings):
    settings.AXES_FAILURE_LIMIT = 100  # the throttle alone
    TechnicianFactory(username="zhang")

    answers = [
        token_sign_in(
            api, "zhang", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(10)
    ]
    eleventh = token_sign_in(
        api, "zhang", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200"
    )

    assert answers == [400] * 10
    assert eleventh.status_code == 429
    assert eleventh.json()["code"] == "throttled"
    assert not Token.objects.exists()


def test_a_signed_in_caller_shares_the_throttle_of_its_address(api, settings):
    settings.AXES_FAILURE_LIMIT = 100  # the throttle alone
    TechnicianFactory(username="zhang")
    answers = [token_sign_in(api, "zhang", "wrong").status_code for _ in range(10)]

    # The same address, now signed in with a token of its own.
    from_a_session = token_sign_in(api.as_user(TechnicianFactory()), "zhang", PASSWORD)

    assert answers == [400] * 10
    assert from_a_session.status_code == 429
    assert from_a_session.json()["code"] == "throttled"


def test_behind_one_proxy_the_throttle_counts_the_address_the_proxy_reports(
    api, settings
):
    settings.AXES_FAILURE_LIMIT = 100
    settings.TRUSTED_PROXY_COUNT = 1
    TechnicianFactory(username="zhang")

    answers = [
        token_sign_in(
            api, "zhang", "wrong", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.7"
        ).status_code
        for n in range(10)
    ]
    same_client = token_sign_in(
        api, "zhang", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7"
    )
    other_client = token_sign_in(
        api, "zhang", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 203.0.113.8"
    )

    assert answers == [400] * 10
    assert same_client.status_code == 429
    assert other_client.status_code == 200


def test_axes_counts_failures_against_the_address_the_proxy_reports(api, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    TechnicianFactory(username="zhang")

    token_sign_in(api, "zhang", "wrong", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")

    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "203.0.113.7"
    assert attempt.username == "zhang"


# --- Lockout ------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_out_of_the_token_endpoint(api):
    TechnicianFactory(username="zhang")

    answers = [token_sign_in(api, "zhang", "wrong") for _ in range(5)]
    right_password = token_sign_in(api, "zhang", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    in_chinese = token_sign_in(api, "zhang", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    assert answers[-1].json()["code"] == "locked_out"
    assert right_password.status_code == 429
    assert right_password.json() == {
        "code": "locked_out",
        "detail": "Too many failed sign-ins: signing in is locked for 15 minutes.",
    }
    assert right_password["Retry-After"] == "900"
    assert in_chinese.json() == {
        "code": "locked_out",
        "detail": "登录失败次数过多：登录已锁定 15 分钟。",  # noqa: RUF001
    }
    assert not Token.objects.exists()


def test_an_account_is_locked_whichever_addresses_the_guesses_come_from(api):
    TechnicianFactory(username="zhang")

    for n in range(5):
        token_sign_in(api, "zhang", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
    answer = token_sign_in(api, "zhang", PASSWORD, REMOTE_ADDR="203.0.113.50")

    assert answer.status_code == 429
    assert answer.json()["code"] == "locked_out"


def test_an_address_is_locked_whichever_accounts_it_guesses(api):
    TechnicianFactory(username="zhang")
    for n in range(5):
        token_sign_in(api, f"nobody{n}", "wrong", REMOTE_ADDR="198.51.100.9")

    from_there = token_sign_in(api, "zhang", PASSWORD, REMOTE_ADDR="198.51.100.9")
    from_elsewhere = token_sign_in(api, "zhang", PASSWORD, REMOTE_ADDR="203.0.113.5")

    assert from_there.status_code == 429
    assert from_there.json()["code"] == "locked_out"
    assert from_elsewhere.status_code == 200


def test_the_session_sign_in_is_locked_out_too(api):
    TechnicianFactory(username="zhang")

    answers = [session_sign_in(api, "zhang", "wrong").status_code for _ in range(5)]
    right_password = session_sign_in(api, "zhang", PASSWORD)

    assert answers == [400, 400, 400, 400, 429]
    assert right_password.status_code == 429
    assert right_password.json()["code"] == "locked_out"
    assert "sessionid" not in api.cookies


def test_the_admin_login_locks_out_with_a_clear_page(client):
    DispatcherFactory(username="wang")

    answers = [admin_sign_in(client, "wang", "wrong") for _ in range(5)]
    right_password = admin_sign_in(client, "wang", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert right_password.status_code == 429
    page = right_password.content.decode()
    assert "Too many failed sign-ins: signing in is locked for 15 minutes." in page
    assert "sessionid" not in client.cookies
    assert client.get("/admin/").status_code == 302
    in_chinese = admin_sign_in(client, "wang", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "登录失败次数过多" in in_chinese.content.decode()


def test_guesses_on_the_admin_lock_the_api_sign_in_of_that_account(client, api):
    DispatcherFactory(username="wang")
    for _ in range(5):
        admin_sign_in(client, "wang", "wrong", REMOTE_ADDR="198.51.100.1")

    answer = token_sign_in(api, "wang", PASSWORD, REMOTE_ADDR="203.0.113.1")

    assert answer.status_code == 429
    assert answer.json()["code"] == "locked_out"


def test_the_lockout_ends_after_the_cool_off(api):
    TechnicianFactory(username="zhang")
    for _ in range(5):
        token_sign_in(api, "zhang", "wrong")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=15, seconds=1)
    )

    answer = token_sign_in(api, "zhang", PASSWORD)

    assert answer.status_code == 200


def test_a_success_clears_the_failures_before_it(api):
    TechnicianFactory(username="zhang")
    for _ in range(4):
        token_sign_in(api, "zhang", "wrong")

    assert token_sign_in(api, "zhang", PASSWORD).status_code == 200
    answers = [token_sign_in(api, "zhang", "wrong").status_code for _ in range(4)]

    assert answers == [400] * 4


# --- The cache down -----------------------------------------------------------------

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_the_token_endpoint_answers_with_the_cache_down(api, settings, caplog):
    TechnicianFactory(username="zhang")
    settings.CACHES = CLOSED_PORT_CACHE

    with caplog.at_level(logging.WARNING, logger="fieldservice.throttling"):
        wrong = token_sign_in(api, "zhang", "wrong")
        right = token_sign_in(api, "zhang", PASSWORD)

    assert wrong.status_code == 400
    assert right.status_code == 200
    assert Token.objects.get().key == right.json()["token"]
    assert "Throttle login not applied: the cache is unreachable" in caplog.text


def test_lockout_holds_with_the_cache_down(api, settings):
    TechnicianFactory(username="zhang")
    settings.CACHES = CLOSED_PORT_CACHE

    answers = [token_sign_in(api, "zhang", "wrong").status_code for _ in range(5)]
    right_password = token_sign_in(api, "zhang", PASSWORD)

    assert answers == [400, 400, 400, 400, 429]
    assert right_password.status_code == 429


# --- Tokens -------------------------------------------------------------------------


def test_a_token_answers_with_when_it_expires(api, settings):
    settings.API_TOKEN_HOURS = 120
    TechnicianFactory(username="zhang")
    before = timezone.now()

    body = token_sign_in(api, "zhang", PASSWORD).json()

    expires_at = timezone.datetime.fromisoformat(body["expires_at"])
    assert before + timedelta(hours=120) <= expires_at
    assert expires_at <= timezone.now() + timedelta(hours=120)


def test_an_expired_token_is_refused_with_its_own_code(api, settings):
    settings.API_TOKEN_HOURS = 120
    TechnicianFactory(username="zhang")
    key = token_sign_in(api, "zhang", PASSWORD).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    Token.objects.update(created=timezone.now() - timedelta(hours=119, minutes=59))
    still_valid = api.get("/api/v1/me/")
    Token.objects.update(created=timezone.now() - timedelta(hours=120, seconds=1))
    expired = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert still_valid.status_code == 200
    assert expired.status_code == 401
    assert expired.json() == {
        "code": "token_expired",
        "detail": "Your token has expired: sign in again.",
    }


def test_signing_out_revokes_the_token(api):
    TechnicianFactory(username="zhang")
    key = token_sign_in(api, "zhang", PASSWORD).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    signed_out = api.delete(TOKEN_URL)
    after = api.get("/api/v1/me/")

    assert signed_out.status_code == 204
    assert not Token.objects.filter(key=key).exists()
    assert after.status_code == 401
    assert after.json()["code"] == "token_invalid"


def test_signing_out_without_a_token_is_refused(api):
    assert api.delete(TOKEN_URL).status_code == 401


def test_a_new_sign_in_replaces_the_token(api):
    TechnicianFactory(username="zhang")
    first = token_sign_in(api, "zhang", PASSWORD).json()["token"]
    second = token_sign_in(api, "zhang", PASSWORD).json()["token"]

    with_first = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first}")
    with_second = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}")

    assert first != second
    assert with_first.status_code == 401
    assert with_second.status_code == 200


# --- An inactive technician -----------------------------------------------------------


def deactivate(user):
    TechnicianProfile.objects.filter(user=user).update(is_active=False)


def test_an_inactive_technician_cannot_get_a_token(api):
    deactivate(TechnicianFactory(username="zhang"))

    answer = token_sign_in(api, "zhang", PASSWORD)

    assert answer.status_code == 400
    assert answer.json()["code"] == "wrong_credentials"
    assert not Token.objects.exists()


def test_an_inactive_technician_cannot_start_a_session(api):
    deactivate(TechnicianFactory(username="zhang"))

    answer = session_sign_in(api, "zhang", PASSWORD)

    assert answer.status_code == 400
    assert "sessionid" not in api.cookies


def test_an_inactive_technician_cannot_sign_in_to_the_admin(client):
    technician = TechnicianFactory(username="zhang", is_staff=True)
    assert admin_sign_in(client, "zhang", PASSWORD).status_code == 302
    client.logout()
    deactivate(technician)

    answer = admin_sign_in(client, "zhang", PASSWORD)

    assert answer.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_deactivating_a_technician_stops_the_token_at_once(api):
    technician = TechnicianFactory(username="zhang")
    api.as_user(technician)
    assert api.get("/api/v1/me/").status_code == 200

    deactivate(technician)
    answer = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 401
    assert answer.json() == {
        "code": "user_inactive",
        "detail": "This account is inactive.",
    }


def test_deactivating_a_technician_ends_the_open_session_at_once(api):
    technician = TechnicianFactory(username="zhang")
    assert session_sign_in(api, "zhang", PASSWORD).status_code == 200
    assert api.get("/api/v1/me/").status_code == 200

    deactivate(technician)

    assert api.get("/api/v1/me/").status_code in (401, 403)
    assert api.get("/app/").status_code in (200, 302)  # the shell, signed out


def test_deactivating_a_technician_ends_the_admin_session_at_once(client):
    technician = TechnicianFactory(username="zhang", is_staff=True)
    admin_sign_in(client, "zhang", PASSWORD)
    assert client.get("/admin/").status_code == 200

    deactivate(technician)

    assert client.get("/admin/").status_code == 302


def test_an_active_technician_keeps_signing_in(api):
    TechnicianFactory(username="zhang")

    assert token_sign_in(api, "zhang", PASSWORD).status_code == 200
    assert session_sign_in(api, "zhang", PASSWORD).status_code == 200


# --- Passwords set through the API ------------------------------------------------------


NEW_TECHNICIAN = {
    "username": "zhaolei",
    "first_name": "磊",
    "last_name": "赵",
    "employee_number": "T20001",
    "phone": "13800001111",
}


@pytest.mark.parametrize("password", ["1", "password", "12345678901", "zhaolei1"])
def test_a_weak_technician_password_is_refused_and_nothing_is_made(
    api, dispatcher, password
):
    users_before = User.objects.count()

    answer = api.as_user(dispatcher).post(
        "/api/v1/technicians/",
        {**NEW_TECHNICIAN, "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["password"]
    assert body["detail"].startswith("password: ")
    assert User.objects.count() == users_before
    assert not TechnicianProfile.objects.filter(employee_number="T20001").exists()


def test_a_too_short_password_is_refused_with_the_validators_message(api, dispatcher):
    answer = api.as_user(dispatcher).post(
        "/api/v1/technicians/",
        {**NEW_TECHNICIAN, "password": "1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert (
        "This password is too short. It must contain at least 8 characters."
        in answer.json()["fields"]["password"]
    )


def test_a_weak_customer_password_is_refused_and_nothing_is_made(api, dispatcher):
    answer = api.as_user(dispatcher).post(
        "/api/v1/customers/",
        {
            "name": "李娜",
            "phone": "13900002222",
            "address": "1 Renmin Road, Wuhan",
            "area_tier": "urban",
            "username": "lina",
            "password": "1",
        },
        format="json",
    )

    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["password"]
    assert not Customer.objects.exists()
    assert not User.objects.filter(username="lina").exists()


def test_a_strong_password_is_accepted(api, dispatcher):
    answer = api.as_user(dispatcher).post(
        "/api/v1/technicians/",
        {**NEW_TECHNICIAN, "password": "violet-harbour-27"},
        format="json",
    )

    assert answer.status_code == 201
    assert User.objects.get(username="zhaolei").check_password("violet-harbour-27")


# --- Production settings ----------------------------------------------------------


def test_behind_a_proxy_without_a_proxy_count_the_deploy_check_warns(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0

    warned = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    settings.TRUSTED_PROXY_COUNT = 1
    counted = [m.id for m in checks.run_checks(include_deployment_checks=True)]

    assert "accounts.W001" in warned
    assert "accounts.W001" not in counted
