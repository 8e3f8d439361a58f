from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from fieldservice import health
from visits import signoff_api
from visits.calls import webhooks

admin.site.site_header = _("fieldservice dispatch")
admin.site.site_title = _("fieldservice")
admin.site.index_title = _("Work orders, visits and people")

urlpatterns = [
    path("", health.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sign/<str:token>/", signoff_api.sign_page, name="sign"),
    path(
        "sign/<str:token>/receipt.pdf",
        signoff_api.sign_page_receipt,
        name="sign-receipt",
    ),
    path(
        "sign/<str:token>/service-card.pdf",
        signoff_api.sign_page_service_card,
        name="sign-service-card",
    ),
    path("verify/<str:record_sha256>/", signoff_api.verify_page, name="verify"),
    path("calls/twilio/<int:call_id>/voice/", webhooks.voice, name="twilio-voice"),
    path(
        "calls/twilio/<int:call_id>/gather/<slug:step>/<int:attempt>/",
        webhooks.gather,
        name="twilio-gather",
    ),
    path("calls/twilio/<int:call_id>/status/", webhooks.status, name="twilio-status"),
    path("api/v1/", include("accounts.urls")),
    path("api/v1/", include("visits.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"
    ),
    path(
        "api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"
    ),
]
