"""The booking assistant's page: its frame and words in both languages, and
the work order the day board's tray preselects."""

import json
import re

import pytest

from tests.factories import DispatcherFactory

pytestmark = pytest.mark.django_db


def page_strings(response) -> dict:
    found = re.search(
        r'<script id="console-strings" type="application/json">(.*?)</script>',
        response.text,
        re.S,
    )
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("language", "heading", "book"),
    [("en", "1. Customer", "Book"), ("zh-hans", "1. 客户", "预约")],
)
def test_the_booking_page_speaks_the_dispatchers_language(
    client, language, heading, book
):
    client.force_login(DispatcherFactory())

    response = client.get("/console/book/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert heading in response.text
    assert "console/booking.js" in response.text
    assert page_strings(response)["book"] == book
    assert 'data-time-zone="Asia/Shanghai"' in response.text


@pytest.mark.parametrize(
    ("query", "preselected"),
    [("?work_order=42", "42"), ("?work_order=4x2", ""), ("", "")],
)
def test_a_work_order_in_the_address_is_preselected_only_if_it_is_a_number(
    client, query, preselected
):
    client.force_login(DispatcherFactory())

    response = client.get(f"/console/book/{query}")

    assert f'data-work-order="{preselected}"' in response.text


def test_the_page_has_no_inline_script_or_style(client):
    client.force_login(DispatcherFactory())

    text = client.get("/console/book/").text

    assert "style=" not in text
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", text)
    assert not re.search(r"\son\w+=", text)
