from django.urls import path

from visits.complaints import api

urlpatterns = [
    path("complaints/", api.ComplaintListCreateApi.as_view(), name="complaint-list"),
    path(
        "complaints/<int:pk>/respond/",
        api.ComplaintRespondApi.as_view(),
        name="complaint-respond",
    ),
    path(
        "complaints/<int:pk>/resolve/",
        api.ComplaintResolveApi.as_view(),
        name="complaint-resolve",
    ),
    path(
        "conduct-items/<int:pk>/complaint/",
        api.ConductComplaintApi.as_view(),
        name="conduct-item-complaint",
    ),
]
