"""Playwright driving Debian's Chromium (`apt-get install chromium`; Playwright's
own browser download is not used). Fixtures for a phone-sized page with touch,
an axe-core accessibility check and screenshots kept as test artifacts."""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
# Screenshots of the main screens, kept after the run (CI artifacts).
SCREENSHOTS = Path(
    os.environ.get("FIELDSERVICE_SCREENSHOTS", Path.cwd() / "var" / "screenshots")
)
PHONE = {
    "viewport": {"width": 360, "height": 780},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def chromium(monkeypatch):
    if CHROMIUM is None:
        if os.environ.get("FIELDSERVICE_REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("needs Chromium: apt-get install chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes meanwhile are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # Queries made while Playwright runs use a connection of their own
        # context; close it here, or the test database cannot be dropped.
        connections.close_all()


@pytest.fixture
def phone(chromium):
    """A new browser context shaped like a phone, Chinese first. Call it with a
    locale to get another: `phone("en-US")`. Returns the context's page."""
    contexts = []

    violations: list[str] = []

    def open_phone(locale="zh-CN", **options):
        context = chromium.new_context(locale=locale, **{**PHONE, **options})
        # Chromium reports each Content-Security-Policy violation on the console.
        context.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()
    assert violations == [], "the pages broke their Content-Security-Policy"


@pytest.fixture
def browser_page(phone):
    """The signing page's original shape: a 400 px page in Chinese."""
    return phone(viewport={"width": 400, "height": 800}, is_mobile=False)


def axe_violations(page, *, impact=("serious", "critical")):
    """Runs axe-core (WCAG 2 A/AA rules) on the page; returns the violations of
    the given impact as `rule: target` strings, empty when the page passes."""
    # Evaluated through the DevTools protocol, which the page's CSP does not
    # govern: a <script> tag with axe's text would be refused as inline.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]},
        })"""
    )
    return [
        f"{violation['id']}: {json.dumps([node['target'] for node in violation['nodes']])}"
        for violation in results["violations"]
        if violation["impact"] in impact
    ]


def screenshot(page, name: str) -> Path:
    """Saves a full-page screenshot as var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


DESKTOP = {"viewport": {"width": 1440, "height": 900}}
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}


@pytest.fixture
def desktop(phone):
    """A desktop-sized browser context for the dispatcher's console, Chinese
    first; `desktop("en-US")` for English, `desktop(**TABLET)` for a tablet.
    Returns the context's page (CSP violations fail the test, as for phones)."""

    def open_desktop(locale="zh-CN", **options):
        page = phone(
            locale, **{"is_mobile": False, "has_touch": False, **DESKTOP, **options}
        )
        page.script_errors = []
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        return page

    return open_desktop


def sign_in_to_console(page, live_server, user, path="/console/"):
    """Signs `user` in through the admin's sign-in form (the console's login)
    and opens `path`. The factories' password is tests.factories' default."""
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "secret-pass-1")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{live_server.url}{path}*")
