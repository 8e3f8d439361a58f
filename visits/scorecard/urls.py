"""The scorecard's page (under /console/) and its JSON endpoints (under
/api/v1/scorecard/)."""

from django.urls import path

from visits.scorecard import api, pages

page_urlpatterns = [
    path("scorecard/", pages.scorecard, name="console-scorecard"),
]

urlpatterns: list = [
    path(
        "technicians/",
        api.TechnicianScorecardApi.as_view(),
        name="scorecard-technicians",
    ),
    path(
        "technicians.csv",
        api.TechnicianScorecardCsvApi.as_view(),
        name="scorecard-technicians-csv",
    ),
    path("teams/", api.TeamScorecardApi.as_view(), name="scorecard-teams"),
    path("teams.csv", api.TeamScorecardCsvApi.as_view(), name="scorecard-teams-csv"),
    path("trend/", api.TrendApi.as_view(), name="scorecard-trend"),
    path("reviews/", api.ReviewListRequestApi.as_view(), name="scorecard-reviews"),
    path(
        "reviews/<int:year>-<int:month>/pdf/",
        api.ReviewPdfApi.as_view(),
        name="scorecard-review-pdf",
    ),
]
