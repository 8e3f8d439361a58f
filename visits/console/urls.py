"""The console's pages (mounted at /console/) and its JSON endpoints (under
/api/v1/console/)."""

from django.urls import path

from visits.console import api, pages

# --- Pages ----------------------------------------------------------------------------
page_urlpatterns = [
    path("", pages.board, name="console-board"),
    path("book/", pages.booking, name="console-booking"),
    path("queues/", pages.queues, name="console-queues"),
    path("visits/<int:pk>/", pages.visit, name="console-visit"),
]

# --- The day board's endpoints --------------------------------------------------------
board_urlpatterns: list = [
    path("board/", api.BoardApi.as_view(), name="console-board-api"),
]

# --- The booking assistant's endpoints ------------------------------------------------
booking_urlpatterns: list = [
    path("candidates/", api.CandidatesApi.as_view(), name="console-booking-candidates"),
    path("customers/", api.CustomerSearchApi.as_view(), name="console-customers"),
]

# --- The queues' endpoints ------------------------------------------------------------
queue_urlpatterns: list = [
    path("queues/", api.QueuesApi.as_view(), name="console-queues-api"),
]

# --- A visit's page's endpoints -------------------------------------------------------
visit_urlpatterns: list = [
    path("visits/<int:pk>/", api.VisitEvidenceApi.as_view(), name="console-visit-api"),
]

urlpatterns = [
    *board_urlpatterns,
    *booking_urlpatterns,
    *queue_urlpatterns,
    *visit_urlpatterns,
]
