import pytest

from tests.factories import DispatcherFactory

pytestmark = pytest.mark.django_db


def test_the_scorecard_page_carries_its_words_and_figures(client):
    client.force_login(DispatcherFactory())

    response = client.get("/console/scorecard/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert 'src="/static/scorecard/scorecard.js"' in response.text
    assert 'data-figures="visits on_time_rate' in response.text
    assert '"figure_on_time_rate": "On-time arrivals (%)"' in response.text
    assert 'id="score-csv"' in response.text
    assert "style=" not in response.text
