"""The console's JSON endpoints, under /api/v1/console/. Dispatchers only;
writes go through the sub-domains' services."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher
from visits.console import selectors

# --- The day board ----------------------------------------------------------------


# --- The booking assistant --------------------------------------------------------


# --- The queues ---------------------------------------------------------------------


class QueueVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField(help_text="The appointed local day (the board's).")
    appointed_start = serializers.DateTimeField()
    state = serializers.CharField()
    work_order = serializers.CharField()
    customer_name = serializers.CharField()
    customer_phone = serializers.CharField()
    technician = serializers.CharField()


class ClockSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["met", "missed", "overdue", "due_soon", "running"]
    )
    seconds_left = serializers.IntegerField(
        help_text="Due time minus the moment the clock stopped (or now while it "
        "runs): negative when overdue or missed."
    )


class ComplaintQueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    source = serializers.CharField()
    source_label = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    rating = serializers.IntegerField(allow_null=True)
    contested_item = serializers.CharField(allow_null=True)
    opened_at = serializers.DateTimeField()
    response = serializers.CharField(allow_blank=True)
    escalation_level = serializers.IntegerField()
    visit = QueueVisitSerializer()
    first_response = ClockSerializer()
    resolution = ClockSerializer()


class RescheduleRequestRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requested_at = serializers.DateTimeField()
    age_seconds = serializers.IntegerField()
    visit = QueueVisitSerializer()


class FailedCallRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField()
    purpose_label = serializers.CharField()
    state = serializers.CharField()
    outcome = serializers.CharField(allow_blank=True)
    outcome_label = serializers.CharField(allow_blank=True)
    to_phone = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField(allow_blank=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    visit = QueueVisitSerializer()


class ComplaintRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()


class ContestedConductRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    signed_at = serializers.DateTimeField()
    signer_name = serializers.CharField()
    complaint = ComplaintRefSerializer(allow_null=True)
    visit = QueueVisitSerializer()


class QueuesSerializer(serializers.Serializer):
    now = serializers.DateTimeField(help_text="When the clocks were read.")
    complaints = ComplaintQueueRowSerializer(many=True)
    reschedule_requests = RescheduleRequestRowSerializer(many=True)
    failed_calls = FailedCallRowSerializer(many=True)
    contested_conduct = ContestedConductRowSerializer(many=True)


class QueuesApi(APIView):
    """The dispatcher's queues: open complaints with their clocks (most urgent
    first), customers' reschedule requests, calls to follow up by hand and
    contested conduct items. Dispatchers only."""

    permission_classes = [IsDispatcher]

    @extend_schema(responses=QueuesSerializer, operation_id="console_queues")
    def get(self, request):
        return Response(QueuesSerializer(selectors.queues()).data)


# --- A visit's page ---------------------------------------------------------------
