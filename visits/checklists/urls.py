from django.urls import path

from visits.checklists import api

urlpatterns = [
    path("me/visits/", api.MyVisitsApi.as_view(), name="my-visits"),
    path(
        "visits/<int:pk>/checklist/",
        api.ChecklistApi.as_view(),
        name="visit-checklist",
    ),
    path(
        "visits/<int:pk>/checklist/batch/",
        api.ChecklistBatchApi.as_view(),
        name="visit-checklist-batch",
    ),
    path(
        "visits/<int:pk>/checklist/<int:item_id>/",
        api.ChecklistAnswerApi.as_view(),
        name="visit-checklist-answer",
    ),
    path(
        "visits/<int:pk>/photos/",
        api.PhotoListCreateApi.as_view(),
        name="visit-photos",
    ),
    path(
        "photos/<int:pk>/image/",
        api.PhotoFileApi.as_view(variant="image"),
        name="photo-image",
    ),
    path(
        "photos/<int:pk>/thumbnail/",
        api.PhotoFileApi.as_view(variant="thumbnail"),
        name="photo-thumbnail",
    ),
]
