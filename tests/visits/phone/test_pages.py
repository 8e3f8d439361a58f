"""The phone app's pages: the landing page by role, the shell, the manifest and
the service worker."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import CustomerUserFactory, DispatcherFactory, TechnicianFactory
from visits.phone import pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "location"),
    [(TechnicianFactory, "/app/"), (DispatcherFactory, "/console/")],
)
def test_the_landing_page_sends_each_role_to_its_pages(client, factory, location):
    client.force_login(factory())

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == location


@pytest.mark.django_db
def test_the_landing_page_sends_anyone_not_signed_in_to_the_apps_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/app/"


@pytest.mark.django_db
def test_a_customer_is_told_to_use_their_signing_link_or_the_hotline(client, settings):
    settings.CUSTOMER_SERVICE_HOTLINE = "10086"
    client.force_login(CustomerUserFactory())

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert b"open the signing link we sent you" in response.content
    assert b'<a href="tel:10086">10086</a>' in response.content


@pytest.mark.django_db
def test_the_shell_sets_the_csrf_cookie_and_loads_the_app_module(client):
    response = client.get("/app/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    assert "csrftoken" in response.cookies
    html = response.content.decode()
    assert '<script type="module" src="/static/phone/main.js"></script>' in html
    assert '<link rel="manifest" href="/app/manifest.webmanifest">' in html
    assert "<style" not in html
    assert " style=" not in html


def test_the_manifest_installs_the_app_at_app(client):
    response = client.get("/app/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en")

    body = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert body["start_url"] == "/app/"
    assert body["scope"] == "/app/"
    assert body["display"] == "standalone"
    assert body["theme_color"] == "#0b5cad"
    assert body["name"] == "Field service — technician"
    assert [icon["sizes"] for icon in body["icons"]] == ["192x192", "512x512", "any"]
    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon


def test_the_service_worker_is_served_from_app_uncached_with_the_shell_list(client):
    response = client.get("/app/sw.js")

    script = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert f'const VERSION = "{pages.shell_version()}";' in script
    shell = json.loads(script.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    assert shell[0] == "/app/"
    assert "/static/phone/main.js" in shell
    assert "/static/phone/screens/checklist.js" in shell
    assert "/static/vendor/idb-8.0.4/index.js" in shell
    for url in shell[1:]:
        assert finders.find(url.removeprefix("/static/")), url


def test_the_workers_version_changes_when_a_shell_file_changes(monkeypatch, tmp_path):
    module = tmp_path / "main.js"
    module.write_text("export const answer = 41;\n")
    monkeypatch.setattr(pages, "shell_files", lambda: ["phone/main.js"])
    monkeypatch.setattr(pages.finders, "find", lambda name: str(module))
    before = pages._shell_version()

    module.write_text("export const answer = 42;\n")

    assert pages._shell_version() != before
    assert pages._shell_version() == pages._shell_version()


def test_the_shell_carries_the_upload_bound_for_photos_to_the_app(client, settings):
    settings.PHOTO_UPLOAD_MAX_SIDE_PIXELS = 1280

    html = client.get("/app/").content.decode()

    assert ' data-photo-max-side="1280"' in html


def test_the_workers_version_changes_when_the_upload_bound_changes(settings):
    """The worker serves the shell page from its cache: a new bound must come
    with a new version, or phones would keep the old one."""
    before = pages._shell_version()

    settings.PHOTO_UPLOAD_MAX_SIDE_PIXELS += 1

    assert pages._shell_version() != before


PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')


@pytest.mark.django_db
def test_the_shell_preloads_the_modules_today_needs_and_no_others(client):
    html = client.get("/app/").content.decode()

    # What main.js imports statically, all the way down; the other screens,
    # the signing form and the QR code library load when first opened.
    assert PRELOAD.findall(html) == [
        "/static/phone/dom.js",
        "/static/phone/api.js",
        "/static/phone/i18n.js",
        "/static/phone/queue.js",
        "/static/phone/screens/today.js",
        "/static/vendor/idb-8.0.4/index.js",
        "/static/phone/format.js",
    ]
    assert 'data-signing-css="/static/shared/signing.css"' in html
    assert 'rel="stylesheet" href="/static/shared/signing.css"' not in html
