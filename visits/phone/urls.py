from django.urls import path

from visits.phone import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("app/", pages.app_shell, name="phone-app"),
    path("app/manifest.webmanifest", pages.manifest, name="phone-manifest"),
    path("app/sw.js", pages.service_worker, name="phone-service-worker"),
]
