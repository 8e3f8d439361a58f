"""The service scorecard in a real Chromium: the trend charts, the ranking and
the table of numbers for known data, sorting, the CSV download, both
languages, accessibility."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in_to_console
from tests.factories import DispatcherFactory
from tests.visits.scorecard.data import FROM, TO, known_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]

TIMEOUT = 15000


def show_november(page):
    page.fill("#score-from", FROM)
    page.fill("#score-to", TO)
    page.click("#score-controls button[type=submit]")
    page.wait_for_selector(".score-table tbody tr >> nth=2", timeout=TIMEOUT)
    expect(page.locator("#score-message")).to_have_text("", timeout=TIMEOUT)


def figure(page, row, name):
    return page.inner_text(
        f".score-table tbody tr:nth-child({row}) td[data-figure={name}]"
    )


def test_the_scorecard_draws_the_trend_the_ranking_and_the_numbers(
    desktop, live_server, tmp_path
):
    known_data()
    dispatcher = DispatcherFactory()
    page = desktop("en-US")
    sign_in_to_console(page, live_server, dispatcher, "/console/scorecard/")

    show_november(page)

    # The table: one row per technician with the figures worked out by hand.
    names = page.locator(".score-table tbody th").all_inner_texts()
    assert names[0] == "张伟 (S-001)"  # best on-time rate first: none, 33.3, 0.0
    assert figure(page, 1, "on_time_rate") == "33.3"
    assert figure(page, 1, "mean_lateness_minutes") == "22.5"
    assert figure(page, 1, "complaints_per_hundred") == "50.0"
    assert figure(page, 3, "on_time_rate") == ""  # nothing to count, last
    # Three weekly trend charts with titles and descriptions for screen readers.
    charts = page.locator(".score-trend svg[role=img]")
    assert charts.count() == 3
    assert charts.nth(0).locator("title").first.text_content() == "On-time arrivals (%)"
    assert "33.3" in charts.nth(0).locator("desc").text_content()
    assert page.locator(".score-trend svg").nth(0).locator("circle").count() == 2
    # The ranking: the two technicians with arrivals, best first.
    bars = page.locator(".score-ranking-chart .score-bar")
    assert bars.count() == 2
    labels = page.locator(".score-ranking-chart .score-label").all_text_contents()
    assert labels == ["张伟", "Emily Carter"]
    # Sorting the table by a column's heading.
    page.click("button[aria-label='Sort by Visits']")
    assert page.locator(".score-table tbody th").first.inner_text() == "张伟 (S-001)"
    page.click("button[aria-label='Sort by Visits']")
    assert page.locator(".score-table tbody th").first.inner_text() == "王强 (S-003)"
    assert (
        page.get_attribute("th:has(button[aria-label='Sort by Visits'])", "aria-sort")
        == "ascending"
    )
    # Ranked by complaints per 100 visits: fewer is better.
    page.select_option("#score-rank-by", "complaints_per_hundred")
    labels = page.locator(".score-ranking-chart .score-label").all_text_contents()
    assert labels == ["Emily Carter", "张伟"]

    # The CSV link downloads the same numbers.
    with page.expect_download() as download_info:
        page.click("#score-csv")
    path = tmp_path / "scorecard.csv"
    download_info.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Technician,Employee number,Team,Visits")
    assert "张伟,S-001,江汉一组,4,33.3" in text

    assert axe_violations(page) == []
    assert page.script_errors == []
    screenshot(page, "console-scorecard-en")


def test_the_scorecard_in_chinese_with_a_team_filter(desktop, live_server):
    known = known_data()
    dispatcher = DispatcherFactory()
    page = desktop()
    sign_in_to_console(page, live_server, dispatcher, "/console/scorecard/")
    show_november(page)

    assert page.inner_text("h1") == "服务考评"
    assert (
        page.locator(".score-trend svg title").first.text_content() == "准时到达率（%）"  # noqa: RUF001
    )
    screenshot(page, "console-scorecard-zh")
    assert axe_violations(page) == []

    page.select_option("#score-team", str(known.west.pk))
    expect(page.locator(".score-table tbody tr")).to_have_count(1, timeout=TIMEOUT)
    assert page.locator(".score-table tbody th").first.inner_text() == (
        "Emily Carter (S-002)"
    )
    assert "team=" in page.get_attribute("#score-csv", "href")
    assert page.script_errors == []


def test_an_answer_to_an_earlier_period_never_replaces_the_chosen_one(
    desktop, live_server
):
    """The page's first load (this month) is still on its way when the
    dispatcher picks November: November's figures stay on screen when the
    older answer lands."""
    known_data()
    dispatcher = DispatcherFactory()
    page = desktop("en-US")
    held = []

    def hold_the_first_load(route):
        if not held and f"from={FROM}" not in route.request.url:
            held.append(route)  # answered later, after November's
        else:
            route.continue_()

    page.route("**/api/v1/scorecard/technicians/?*", hold_the_first_load)
    sign_in_to_console(page, live_server, dispatcher, "/console/scorecard/")
    for _ in range(100):  # until the page's first load reaches the route
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    show_november(page)
    assert figure(page, 1, "on_time_rate") == "33.3"

    with page.expect_response(lambda response: response.request == held[0].request):
        held[0].continue_()
    # The page's own event loop takes the older answer (with the defect it drew
    # this month's table at once).
    page.wait_for_timeout(200)

    expect(page.locator("#score-message")).to_have_text("")
    assert figure(page, 1, "on_time_rate") == "33.3"
    assert figure(page, 1, "mean_lateness_minutes") == "22.5"
