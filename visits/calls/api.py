"""HTTP for the dispatcher's side of calls: calls and their outcomes, and the
customers' reschedule requests."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher
from fieldservice.api import cursor_pagination
from fieldservice.idempotency.api import IdempotentWritesMixin
from visits.calls import services
from visits.calls.models import Call, CallBackOutcome, RescheduleRequest


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
            "called_back_at",
            "called_back_by",
            "call_back_outcome",
            "call_back_note",
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
    pagination_class = cursor_pagination("-due_at", "-id")


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


class CallBackInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallBackOutcome.choices)
    rating = serializers.IntegerField(
        min_value=1,
        max_value=5,
        required=False,
        allow_null=True,
        default=None,
        help_text="The customer's rating, with outcome `rated` (follow-up calls).",
    )
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class CallBackApi(IdempotentWritesMixin, APIView):
    """Records the outcome of a dispatcher's call-back after a failed call:
    `confirmed` or `reschedule_requested` (reminders; the latter writes a
    reschedule request), `rated` with a rating (follow-up; a low one opens a
    complaint), or `not_reached`. 409 for a call that did not fail or was
    already called back."""

    permission_classes = [IsDispatcher]

    @extend_schema(
        request=CallBackInputSerializer,
        responses=CallSerializer,
        operation_id="call_back_record",
        summary="Record the outcome of a call-back after a failed call",
    )
    def post(self, request, pk: int):
        call = get_object_or_404(Call, pk=pk)
        serializer = CallBackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = services.call_record_call_back(
            call=call, by=request.user, **serializer.validated_data
        )
        return Response(CallSerializer(call).data)
