from django.urls import path

from accounts import api

urlpatterns = [
    path("", api.ApiRootApi.as_view(), name="api-root"),
    path("auth/token/", api.TokenApi.as_view(), name="auth-token"),
    path("auth/session/", api.SessionApi.as_view(), name="auth-session"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("technicians/", api.TechnicianListCreateApi.as_view(), name="technician-list"),
    path("customers/", api.CustomerListCreateApi.as_view(), name="customer-list"),
    path(
        "customers/<int:pk>/", api.CustomerDetailApi.as_view(), name="customer-detail"
    ),
]
