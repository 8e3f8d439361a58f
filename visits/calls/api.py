"""HTTP for the dispatcher's side of calls: calls and their outcomes, and the
customers' reschedule requests."""

import django_filters
from rest_framework import generics, serializers

from accounts.permissions import IsDispatcher
from visits.calls.models import Call, RescheduleRequest


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = [
            "id",
            "visit",
            "purpose",
            "state",
            "due_at",
            "attempts",
            "outcome",
            "rating",
            "something_wrong",
            "last_error",
            "placed_at",
            "ended_at",
        ]


class CallFilter(django_filters.FilterSet):
    class Meta:
        model = Call
        fields = ["state", "purpose", "visit", "outcome"]


class CallListApi(generics.ListAPIView):
    """Calls and what came of them; `?state=failed` lists those to follow up by hand."""

    permission_classes = [IsDispatcher]
    serializer_class = CallSerializer
    filterset_class = CallFilter
    queryset = Call.objects.order_by("-due_at", "-id")


class RescheduleRequestSerializer(serializers.ModelSerializer):
    work_order = serializers.CharField(source="visit.work_order.number")
    customer_phone = serializers.CharField(source="visit.work_order.customer_phone")
    appointed_start = serializers.DateTimeField(source="visit.appointed_start")

    class Meta:
        model = RescheduleRequest
        fields = [
            "id",
            "visit",
            "work_order",
            "customer_phone",
            "appointed_start",
            "requested_at",
            "handled_at",
        ]


class RescheduleRequestListApi(generics.ListAPIView):
    """Customers who pressed 2 on a reminder. Rescheduling the visit handles them."""

    permission_classes = [IsDispatcher]
    serializer_class = RescheduleRequestSerializer
    filterset_fields = {"handled_at": ["isnull"]}
    queryset = RescheduleRequest.objects.select_related("visit__work_order").order_by(
        "requested_at", "id"
    )
