"""The project's URLs plus views that fail, for the error-page tests."""

from django.urls import path

from fieldservice.urls import handler400, handler500
from fieldservice.urls import urlpatterns as project_urls


def explode(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [
    path("api/v1/explode/", explode),
    path("explode/", explode),
    *project_urls,
]

__all__ = ["handler400", "handler500", "urlpatterns"]
