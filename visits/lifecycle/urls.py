from django.urls import path

from visits.lifecycle import api

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
        for name, view in api.STEP_VIEWS.items()
    ],
    path(
        "visits/<int:pk>/actions/<slug:name>/",
        api.UnknownVisitActionApi.as_view(),
        name="visit-unknown-action",
    ),
]
