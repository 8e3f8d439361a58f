"""The scorecard's page (under /console/) and its JSON endpoints (under
/api/v1/scorecard/)."""

from django.urls import path

from visits.scorecard import pages

page_urlpatterns = [
    path("scorecard/", pages.scorecard, name="console-scorecard"),
]

urlpatterns: list = []
