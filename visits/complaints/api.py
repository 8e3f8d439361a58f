"""HTTP for complaints: dispatchers see and answer them; customers and
dispatchers file them."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher
from fieldservice.api import ErrorSerializer, cursor_pagination
from fieldservice.idempotency.api import IdempotentWritesMixin
from visits.complaints import selectors, services
from visits.complaints.models import Complaint
from visits.lifecycle.selectors import visible_visit_or_404
from visits.signoffs.models import ConductConfirmation


class ComplaintSerializer(serializers.ModelSerializer):
    work_order = serializers.CharField(source="visit.work_order.number")
    contested_item = serializers.CharField(
        source="conduct_item.code",
        default=None,
        allow_null=True,
        help_text="The checklist item the customer contested at sign-off, if any.",
    )

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
    pagination_class = cursor_pagination("-opened_at", "-id")

    class InputSerializer(serializers.Serializer):
        visit = serializers.IntegerField()
        description = serializers.CharField(max_length=2000)

    def get_queryset(self):
        return selectors.complaints_visible_to(self.request.user).order_by(
            "-opened_at", "-id"
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: ComplaintSerializer,
            404: OpenApiResponse(
                ErrorSerializer, description="No such visit among those you can see."
            ),
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = visible_visit_or_404(request.user, serializer.validated_data["visit"])
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
    """Base for a dispatcher's step on a complaint, with the text it writes."""

    permission_classes = [IsDispatcher]

    def take_step(self, *, complaint: Complaint, user, text: str) -> Complaint:
        raise NotImplementedError

    def post(self, request, pk: int):
        complaint = get_object_or_404(
            selectors.complaints_visible_to(request.user), pk=pk
        )
        serializer = ComplaintTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = self.take_step(
            complaint=complaint,
            user=request.user,
            text=serializer.validated_data["text"],
        )
        return Response(ComplaintSerializer(complaint).data)


@extend_schema_view(
    post=extend_schema(request=ComplaintTextSerializer, responses=ComplaintSerializer)
)
class ComplaintRespondApi(ComplaintStepApi):
    """The first response to the customer (due within 48 hours)."""

    def take_step(self, *, complaint, user, text):
        return services.complaint_respond(complaint=complaint, by=user, response=text)


@extend_schema_view(
    post=extend_schema(request=ComplaintTextSerializer, responses=ComplaintSerializer)
)
class ComplaintResolveApi(ComplaintStepApi):
    """The final resolution (due within 7 working days)."""

    def take_step(self, *, complaint, user, text):
        return services.complaint_resolve(complaint=complaint, by=user, resolution=text)


class ConductComplaintApi(IdempotentWritesMixin, APIView):
    """Opens the complaint for a conduct item the customer contested at
    sign-off (201), or answers the one it already has (200). Dispatchers only."""

    permission_classes = [IsDispatcher]

    @extend_schema(
        request=None,
        responses={200: ComplaintSerializer, 201: ComplaintSerializer},
        operation_id="conduct_item_complaint",
        summary="Open the complaint of a contested conduct item",
        tags=["calls and complaints"],
    )
    def post(self, request, pk: int):
        item = get_object_or_404(
            ConductConfirmation.objects.select_related("sign_off"), pk=pk
        )
        complaint, created = services.complaint_open_for_conduct(
            item=item, by=request.user
        )
        complaint = selectors.complaints_visible_to(request.user).get(pk=complaint.pk)
        return Response(
            ComplaintSerializer(complaint).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
