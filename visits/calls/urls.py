from django.urls import path

from visits.calls import api, webhooks

urlpatterns = [
    path("calls/", api.CallListApi.as_view(), name="call-list"),
    path("calls/<int:pk>/call-back/", api.CallBackApi.as_view(), name="call-call-back"),
    path(
        "reschedule-requests/",
        api.RescheduleRequestListApi.as_view(),
        name="reschedule-request-list",
    ),
]

# The call provider's webhooks, mounted at the site's root.
public_urlpatterns = [
    path("calls/twilio/<int:call_id>/voice/", webhooks.voice, name="twilio-voice"),
    path(
        "calls/twilio/<int:call_id>/gather/<slug:step>/<int:attempt>/",
        webhooks.gather,
        name="twilio-gather",
    ),
    path("calls/twilio/<int:call_id>/status/", webhooks.status, name="twilio-status"),
]
