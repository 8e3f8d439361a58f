from django.urls import path

from visits import api, checklist_api, signoff_api
from visits.calls import api as calls_api

urlpatterns = [
    path("work-orders/", api.WorkOrderListCreateApi.as_view(), name="work-order-list"),
    path(
        "work-orders/<int:pk>/",
        api.WorkOrderDetailApi.as_view(),
        name="work-order-detail",
    ),
    path("visits/", api.VisitListCreateApi.as_view(), name="visit-list"),
    path("visits/<int:pk>/", api.VisitDetailApi.as_view(), name="visit-detail"),
    *[
        path(f"visits/<int:pk>/actions/{name}/", view.as_view(), name=f"visit-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ],
    path(
        "visits/<int:pk>/actions/<slug:name>/",
        api.UnknownVisitActionApi.as_view(),
        name="visit-unknown-action",
    ),
]

urlpatterns += [
    path("me/visits/", checklist_api.MyVisitsApi.as_view(), name="my-visits"),
    path(
        "visits/<int:pk>/checklist/",
        checklist_api.ChecklistApi.as_view(),
        name="visit-checklist",
    ),
    path(
        "visits/<int:pk>/checklist/batch/",
        checklist_api.ChecklistBatchApi.as_view(),
        name="visit-checklist-batch",
    ),
    path(
        "visits/<int:pk>/checklist/<int:item_id>/",
        checklist_api.ChecklistAnswerApi.as_view(),
        name="visit-checklist-answer",
    ),
    path(
        "visits/<int:pk>/photos/",
        checklist_api.PhotoListCreateApi.as_view(),
        name="visit-photos",
    ),
    path(
        "photos/<int:pk>/image/",
        checklist_api.PhotoFileApi.as_view(variant="image"),
        name="photo-image",
    ),
    path(
        "photos/<int:pk>/thumbnail/",
        checklist_api.PhotoFileApi.as_view(variant="thumbnail"),
        name="photo-thumbnail",
    ),
]

urlpatterns += [
    path(
        "visits/<int:pk>/sign-off/",
        signoff_api.SignOffApi.as_view(),
        name="visit-sign-off",
    ),
    path(
        "visits/<int:pk>/sign-off-links/",
        signoff_api.SignOffLinkApi.as_view(),
        name="visit-sign-off-links",
    ),
    path(
        "visits/<int:pk>/service-card/",
        signoff_api.ServiceCardApi.as_view(),
        name="visit-service-card",
    ),
    path(
        "visits/<int:pk>/service-card.pdf",
        signoff_api.ServiceCardPdfApi.as_view(),
        name="visit-service-card-pdf",
    ),
    path(
        "visits/<int:pk>/receipt.pdf",
        signoff_api.ReceiptPdfApi.as_view(),
        name="visit-receipt-pdf",
    ),
]

urlpatterns += [
    path("calls/", calls_api.CallListApi.as_view(), name="call-list"),
    path(
        "reschedule-requests/",
        calls_api.RescheduleRequestListApi.as_view(),
        name="reschedule-request-list",
    ),
    path(
        "complaints/", calls_api.ComplaintListCreateApi.as_view(), name="complaint-list"
    ),
    path(
        "complaints/<int:pk>/respond/",
        calls_api.ComplaintStepApi.as_view(step="respond"),
        name="complaint-respond",
    ),
    path(
        "complaints/<int:pk>/resolve/",
        calls_api.ComplaintStepApi.as_view(step="resolve"),
        name="complaint-resolve",
    ),
]
