"""The headers every answer carries: django-csp's strict Content-Security-Policy
on every HTML page (found by walking the URL resolver, for every role), the
camera for the phone app only, and `Cache-Control: no-store` on every answer
that may carry personal data."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests import factories
from tests.visits.checklists.checklist_helpers import book, item, start_work, upload

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


# --- Every HTML page, for every role ------------------------------------------------

# Sample values for the parts of a route; a regex route (the admin's app index)
# gets its app label, and the admin's catch-all needs no visit of its own.
SAMPLES = {"int": "1", "str": "1", "path": "1", "slug": "x"}


def _route(prefix: str, pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return prefix + re.sub(
            r"<(?:(\w+):)?\w+>",
            lambda m: SAMPLES.get(m.group(1) or "str", "1"),
            str(pattern),
        )
    regex = str(pattern.regex.pattern).lstrip("^").rstrip("$").replace(r"\Z", "")
    if "(?P<app_label>" in regex:
        return prefix + re.sub(r"\(\?P<app_label>[^)]*\)", "visits", regex)
    if "(" in regex or "*" in regex:
        return None  # the admin's catch-all: any other path, answered 404 or 302
    return prefix + regex


def all_paths(resolver=None, prefix="/") -> list[str]:
    paths = []
    for entry in (resolver or get_resolver()).url_patterns:
        path = _route(prefix, entry.pattern)
        if path is None:
            continue
        if isinstance(entry, URLResolver):
            paths += all_paths(entry, path)
        elif isinstance(entry, URLPattern):
            paths.append(path)
    return sorted(set(paths))


@pytest.fixture
def roles(technician, customer_user):
    """Every kind of visitor, each with something to see (the visit #1 of the
    routes' sample id is theirs where the rows allow)."""
    book(technician, minutes_ahead=120)
    return {
        "anonymous": None,
        "technician": technician,
        "customer": customer_user,
        "dispatcher": factories.DispatcherFactory(),
        "admin": factories.UserFactory(is_staff=True, is_superuser=True),
    }


def test_every_html_page_for_every_role_carries_the_strict_policy(client, roles):
    pages_seen: set[str] = set()
    answers = 0
    for role, user in roles.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in all_paths():
            response = client.get(path)
            answers += 1
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            header = response.get("Content-Security-Policy", "")
            assert header, f"{path} as {role}: no Content-Security-Policy"
            policy = directives(header)
            assert {name: policy.get(name) for name in STRICT} == STRICT, (
                f"{path} as {role}: {header}"
            )
            assert "unsafe" not in header, f"{path} as {role}: {header}"
            if response.status_code == 200:
                pages_seen.add(path)

    # The walk reached the pages people use, each answered as a page.
    assert {
        "/app/",
        "/console/",
        "/admin/",
        "/admin/login/",
        "/admin/visits/visit/",
        "/admin/visits/visit/add/",
        "/api/docs/",
        "/api/redoc/",
    } <= pages_seen
    assert answers > 5 * 100


def test_the_phone_app_and_signing_pages_keep_the_exact_strict_policy(client):
    # The pages built for it: nothing relaxed at all.
    for path in ("/app/", "/app/sw.js", "/sign/not-a-real-token/"):
        policy = directives(client.get(path)["Content-Security-Policy"])

        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' blob:"
        assert policy["worker-src"] == "'self'"


def test_the_api_docs_relax_only_what_their_libraries_need(client):
    swagger = directives(client.get("/api/docs/")["Content-Security-Policy"])
    redoc_header = client.get("/api/redoc/")["Content-Security-Policy"]
    redoc = directives(redoc_header)

    assert swagger["img-src"] == "'self' blob: data:"
    assert swagger["style-src"] == "'self'"
    assert redoc["script-src"] == "'self'"
    assert redoc["style-src"].startswith("'self' 'nonce-")
    assert redoc["worker-src"] == "'self' blob:"
    assert redoc["img-src"] == "'self' blob: data: https://cdn.redoc.ly"


def test_the_redoc_page_hands_its_nonce_to_its_start_up_script_only(client):
    response = client.get("/api/redoc/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    text = response.content.decode()
    assert f'src="/static/api/redoc.js" nonce="{nonce}"' in text
    assert text.count(nonce) == 1
    assert "<script>" not in text
    assert "<style>" not in text
    assert "fonts.googleapis.com" not in text


def test_the_swagger_page_has_no_inline_script_and_serves_its_own(client):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert "<script>" not in page
    assert "<style>" not in page
    assert '<script src="/api/docs/?script="></script>' in page
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


# --- Permissions-Policy ---------------------------------------------------------------


def test_only_the_phone_app_may_use_the_camera(client):
    for path in ("/app/", "/app/sw.js", "/app/manifest.webmanifest"):
        policy = client.get(path)["Permissions-Policy"]

        assert policy.startswith("camera=(self), "), path

    for path in ("/api/v1/", "/healthz", "/admin/login/", "/sign/x/", "/api/docs/"):
        policy = client.get(path)["Permissions-Policy"]

        assert policy.startswith("camera=(), "), path
        assert "geolocation=()" in policy
        assert "microphone=()" in policy


# --- Cache-Control --------------------------------------------------------------------


def test_authenticated_api_answers_are_never_stored(api, technician):
    visit = book(technician, minutes_ahead=120)
    api.as_user(technician)

    for path in ("/api/v1/me/visits/", f"/api/v1/visits/{visit.id}/", "/api/v1/me/"):
        response = api.get(path)

        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path


def test_photos_from_inside_homes_are_never_stored(api, technician):
    # Until issue 12 a photo was kept by the browser for a day.
    visit = book(technician, minutes_ahead=1)
    api.as_user(technician)
    start_work(api, visit)
    photo_item = visit.checklist.filter(kind="photo").first()
    created = api.post(
        f"/api/v1/visits/{visit.id}/photos/",
        {"file": upload(), "item": item(visit, photo_item.code).id},
        format="multipart",
    )
    assert created.status_code == 201, created.content

    for variant in ("image", "thumbnail"):
        response = api.get(f"/api/v1/photos/{created.json()['id']}/{variant}/")

        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"


def test_api_refusals_are_never_stored_either(api):
    response = api.get("/api/v1/me/visits/")

    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"


def test_the_signing_and_verify_pages_are_never_stored(client):
    for path in ("/sign/not-a-real-token/", "/verify/" + "0" * 64 + "/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_the_phone_apps_shell_keeps_its_revalidation(client):
    # No personal data in the shell: it stays cacheable for offline start-up.
    assert client.get("/app/")["Cache-Control"] == "no-cache"
