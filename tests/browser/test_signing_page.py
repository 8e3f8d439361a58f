"""The customer's signing page in a real Chromium: answer the conduct
questions, contest one with a comment, draw a signature with the pointer, agree
and sign; the record is frozen with the contested item."""

import pytest

from tests.visits.checklists.checklist_helpers import answer_everything, book
from visits.models import SignOff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


def test_a_customer_signs_on_their_own_phone(
    live_server, api, technician, browser_page
):
    visit = book(technician)
    api.as_user(technician)
    for step in ("start-travel", "arrive", "start-work"):
        assert api.post(f"/api/v1/visits/{visit.id}/actions/{step}/").status_code == 200
    answer_everything(api, visit)
    assert (
        api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/").status_code == 200
    )
    link = api.post(f"/api/v1/visits/{visit.id}/sign-off-links/").json()["url"]
    page = browser_page

    page.goto(live_server.url + link.split("testserver", 1)[1])
    for row in page.query_selector_all(".question"):
        row.query_selector("input[value=yes]").check()
    contested = page.query_selector(".question[data-code=site_clean]")
    contested.query_selector("input[value=no]").check()
    contested.query_selector(".comment").fill("地上有线头")
    page.click("button.primary")  # not signed yet: the page says so and sends nothing
    refusal = page.text_content("#error")
    pad = page.query_selector("#pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 120 - (step % 3) * 40)
    page.mouse.up()
    page.check("#consent")
    page.click("button.primary")
    page.wait_for_selector("text=感谢您使用我们的服务", timeout=15000)

    assert refusal == "请您先在框内签名。"
    assert not SignOff.objects.exclude(visit=visit).exists()
    record = SignOff.objects.get(visit=visit)
    assert record.channel == "customer_link"
    assert [
        (row.code, row.comment) for row in record.conduct.filter(is_confirmed=False)
    ] == [("site_clean", "地上有线头")]
    assert record.snapshot_sha256 in page.content()
