from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from fieldservice import health
from fieldservice.security import REDOC_POLICY, SWAGGER_POLICY
from visits import urls as visits_urls

admin.site.site_header = _("fieldservice dispatch")
admin.site.site_title = _("fieldservice")
admin.site.index_title = _("Work orders, visits and people")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/background", health.healthz_background, name="healthz-background"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include(visits_urls.console_page_urlpatterns)),
    path("", include(visits_urls.public_urlpatterns)),
    path("api/v1/", include("accounts.urls")),
    path("api/v1/", include("visits.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served by the split view at ?script
    # (no inline script); both docs pages relax only what their library needs.
    path(
        "api/docs/",
        csp_update(SWAGGER_POLICY)(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_update(REDOC_POLICY)(SpectacularRedocView.as_view(url_name="schema")),
        name="api-redoc",
    ),
]

handler400 = "fieldservice.errors.bad_request"
handler404 = "fieldservice.errors.page_not_found"
handler500 = "fieldservice.errors.server_error"
