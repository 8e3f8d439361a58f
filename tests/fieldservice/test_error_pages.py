"""Errors no view caught, and bodies over the size limit."""

import json

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.fieldservice.urls_raising")
def test_an_unexpected_failure_on_the_api_answers_in_the_error_shape(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/api/v1/explode/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "server_error",
        "detail": "Something went wrong on our side; the error has been logged.",
    }


@pytest.mark.urls("tests.fieldservice.urls_raising")
def test_an_unexpected_failure_in_chinese_is_explained_in_chinese(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/api/v1/explode/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json()["detail"].startswith("服务器出错")


@pytest.mark.urls("tests.fieldservice.urls_raising")
def test_an_unexpected_failure_on_a_page_is_a_plain_500_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/explode/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/api/v1/visits/-1/", "/api/v1/calls/null,null/call-back/"]
)
def test_a_path_no_api_route_matches_answers_404_in_the_error_shape(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_a_path_no_api_route_matches_is_explained_in_chinese(client):
    response = client.get("/api/v1/visits/-1/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.json() == {"code": "not_found", "detail": "未找到。"}


def test_a_page_no_route_matches_is_a_plain_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def _over_the_limit(settings) -> str:
    return "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


def test_a_json_body_over_the_limit_is_a_413_in_the_error_shape(
    api, dispatcher, settings
):
    customers = CustomerFactory._meta.model.objects.count()
    body = {"name": _over_the_limit(settings), "phone": "1", "address": "x"}

    response = api.as_user(dispatcher).post(
        "/api/v1/customers/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "detail": "The request body is too large.",
    }
    assert CustomerFactory._meta.model.objects.count() == customers


def test_a_form_body_over_the_limit_on_the_api_is_a_413_in_the_error_shape(
    api, dispatcher, settings
):
    response = api.as_user(dispatcher).post(
        "/api/v1/customers/", {"name": _over_the_limit(settings)}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_form_body_over_the_limit_on_a_page_is_a_plain_413_page(client, settings):
    response = client.post(
        "/sign/some-token/",
        {"signer_name": _over_the_limit(settings)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "请求内容过大" in response.text
