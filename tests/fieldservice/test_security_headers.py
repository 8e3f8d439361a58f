"""A strict Content-Security-Policy on our pages, and the camera as the only
device feature any page may ask for."""

import pytest

from fieldservice.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' blob:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "path",
    [
        "/app/",
        "/app/sw.js",
        "/sign/not-a-real-token/",  # the link's refusal page
        "/verify/" + "0" * 64 + "/",
    ],
)
def test_our_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    assert {name: policy[name] for name in STRICT} == STRICT
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_customers_landing_page_is_strict_too(client, customer_user):
    client.force_login(customer_user)

    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_admin_is_not_yet_under_the_strict_policy(client):
    response = client.get("/admin/login/")

    assert "Content-Security-Policy" not in response


def test_every_answer_allows_the_camera_and_no_other_device(client):
    for path in ("/app/", "/api/v1/", "/healthz"):
        response = client.get(path)

        assert response["Permissions-Policy"].startswith("camera=(self), ")
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "microphone=()" in response["Permissions-Policy"]
