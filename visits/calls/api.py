"""HTTP for the dispatcher's side of calls: calls and their outcomes, the
customers' reschedule requests, and complaints (also filed by customers)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldservice.idempotency import IdempotentWritesMixin
from fieldservice.permissions import IsDispatcher
from visits import selectors
from visits.calls import services
from visits.models import Call, Complaint, RescheduleRequest


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


class ComplaintSerializer(serializers.ModelSerializer):
    work_order = serializers.CharField(source="visit.work_order.number")
    contested_item = serializers.CharField(source="conduct_item.code", default=None)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "visit",
            "work_order",
            "source",
            "state",
            "description",
            "rating",
            "contested_item",
            "opened_at",
            "first_response_due_at",
            "resolution_due_at",
            "first_responded_at",
            "response",
            "resolved_at",
            "resolution",
            "escalation_level",
            "escalated_at",
        ]


class ComplaintListCreateApi(IdempotentWritesMixin, generics.ListAPIView):
    """Complaints you may see; customers and dispatchers file new ones."""

    serializer_class = ComplaintSerializer
    filterset_fields = ["state", "source", "visit", "escalation_level"]

    class InputSerializer(serializers.Serializer):
        visit = serializers.IntegerField()
        description = serializers.CharField(max_length=2000)

    def get_queryset(self):
        return selectors.complaints_visible_to(self.request.user).order_by(
            "-opened_at", "-id"
        )

    @extend_schema(request=InputSerializer, responses={201: ComplaintSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = get_object_or_404(
            selectors.visits_visible_to(request.user),
            pk=serializer.validated_data["visit"],
        )
        complaint = services.complaint_file(
            visit=visit,
            by=request.user,
            description=serializer.validated_data["description"],
        )
        return Response(
            ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED
        )


class ComplaintTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class ComplaintStepApi(IdempotentWritesMixin, APIView):
    permission_classes = [IsDispatcher]
    step = "respond"

    @extend_schema(request=ComplaintTextSerializer, responses=ComplaintSerializer)
    def post(self, request, pk: int):
        complaint = get_object_or_404(
            selectors.complaints_visible_to(request.user), pk=pk
        )
        serializer = ComplaintTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text = serializer.validated_data["text"]
        if self.step == "respond":
            complaint = services.complaint_respond(
                complaint=complaint, by=request.user, response=text
            )
        else:
            complaint = services.complaint_resolve(
                complaint=complaint, by=request.user, resolution=text
            )
        return Response(ComplaintSerializer(complaint).data)
