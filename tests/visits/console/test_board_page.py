"""The day board's page: its frame, its words in the page's language and its
refresh period for board.js."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def strings_of(response) -> dict:
    match = re.search(
        r'<script id="console-strings" type="application/json">(.*?)</script>',
        response.text,
        re.S,
    )
    return json.loads(match.group(1))


def test_the_board_page_hands_its_words_and_refresh_period_to_its_module(
    client, dispatcher, settings
):
    settings.BOARD_REFRESH_SECONDS = 7
    client.force_login(dispatcher)

    response = client.get(
        "/console/?day=2026-12-07&visit=3", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    assert 'data-refresh-seconds="7"' in response.text
    assert "console/board.js" in response.text
    words = strings_of(response)
    assert words["late_now"] == "已迟到"
    assert words["at_risk"] == "有迟到风险"
    assert words["state_en_route"]
    assert "<dialog" in response.text
    assert "style=" not in response.text
