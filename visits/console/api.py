"""The console's JSON endpoints, under /api/v1/console/. Dispatchers only;
writes go through the sub-domains' services."""

import hashlib
import json
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AreaTier, Language
from accounts.permissions import IsDispatcher
from fieldservice import inputs
from fieldservice.api import ErrorSerializer
from fieldservice.errors import InvalidInput
from visits.calls.api import CallSerializer
from visits.calls.models import RescheduleRequest
from visits.checklists.api import ChecklistItemOutputSerializer
from visits.complaints.api import ComplaintSerializer
from visits.console import selectors
from visits.lifecycle.api import VisitDetailOutputSerializer
from visits.lifecycle.models import (
    PUNCTUALITY_CHOICES,
    VISIT_STATE_CHOICES,
    VisitKind,
)
from visits.lifecycle.rules import ClashKind, VisitState
from visits.lifecycle.selectors import work_orders_visible_to
from visits.signoffs import policies as signoff_policies
from visits.signoffs.models import SignOff

# --- The day board ----------------------------------------------------------------


class BoardTechnicianSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="technician.pk")
    name = serializers.CharField(source="technician.display_name")
    employee_number = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(
        help_text="False for a technician no longer active who still has visits "
        "that day (nothing more can be given to him)."
    )

    def get_employee_number(self, row: selectors.BoardRow) -> str:
        profile = getattr(row.technician, "technician_profile", None)
        return profile.employee_number if profile is not None else ""


class BoardWorkOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=VisitKind.choices)
    customer_name = serializers.CharField()
    address = serializers.CharField()


class BoardLeaveSerializer(serializers.Serializer):
    is_returning = serializers.BooleanField()
    fix_deadline = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField()


class BoardVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="visit.pk")
    work_order = BoardWorkOrderSerializer(source="visit.work_order")
    state = serializers.ChoiceField(source="visit.state", choices=VISIT_STATE_CHOICES)
    appointed_start = serializers.DateTimeField(source="visit.appointed_start")
    expected_end = serializers.DateTimeField(source="visit.expected_end")
    expected_duration_minutes = serializers.IntegerField(
        source="visit.expected_duration_minutes"
    )
    arrival_tolerance_minutes = serializers.IntegerField(
        source="visit.arrival_tolerance_minutes"
    )
    en_route_at = serializers.DateTimeField(source="visit.en_route_at", allow_null=True)
    arrived_at = serializers.DateTimeField(source="visit.arrived_at", allow_null=True)
    work_done_at = serializers.DateTimeField(
        source="visit.work_done_at", allow_null=True
    )
    punctuality = serializers.ChoiceField(
        source="visit.punctuality", choices=PUNCTUALITY_CHOICES, allow_blank=True
    )
    is_late_now = serializers.BooleanField(
        help_text="Nobody has arrived and the appointed start plus the visit's "
        "tolerance has passed (docs/rules.md#day-board)."
    )
    is_at_risk = serializers.BooleanField(
        help_text="Nobody has set off and the start is at most "
        "BOARD_AT_RISK_MINUTES away (docs/rules.md#day-board)."
    )
    is_movable = serializers.BooleanField(
        help_text="Scheduled: it can still be moved or reassigned."
    )
    leave = BoardLeaveSerializer(
        allow_null=True, help_text="The temporary leave still open, if any."
    )
    has_contested_conduct = serializers.BooleanField()
    has_failed_call = serializers.BooleanField()
    has_open_complaint = serializers.BooleanField(
        help_text="A complaint not yet resolved (open or first response given)."
    )


class BoardRowSerializer(serializers.Serializer):
    technician = BoardTechnicianSerializer(source="*")
    visits = BoardVisitSerializer(many=True)


class BoardRescheduleRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit.pk")
    work_order = BoardWorkOrderSerializer(source="visit.work_order")
    technician = serializers.IntegerField(source="visit.technician_id")
    technician_name = serializers.CharField(source="visit.technician.display_name")
    appointed_start = serializers.DateTimeField(source="visit.appointed_start")
    expected_duration_minutes = serializers.IntegerField(
        source="visit.expected_duration_minutes"
    )
    requested_at = serializers.DateTimeField()
    book_url = serializers.SerializerMethodField()

    def get_book_url(self, request: RescheduleRequest) -> str:
        return f"{reverse('console-booking')}?visit={request.visit.pk}"


class BoardReturnVisitSerializer(serializers.Serializer):
    work_order = BoardWorkOrderSerializer()
    visit = serializers.IntegerField(source="visit.pk")
    technician_name = serializers.CharField(source="visit.technician.display_name")
    fix_deadline = serializers.DateTimeField(allow_null=True)
    book_url = serializers.SerializerMethodField()

    def get_book_url(self, needed: selectors.ReturnVisitNeeded) -> str:
        return f"{reverse('console-booking')}?work_order={needed.work_order.pk}"


class BoardSerializer(serializers.Serializer):
    day = serializers.DateField()
    now = serializers.DateTimeField(help_text="The server's time the flags are for.")
    refresh_seconds = serializers.IntegerField(
        help_text="Ask again after this many seconds (BOARD_REFRESH_SECONDS), "
        "sending the ETag back as If-None-Match."
    )
    at_risk_minutes = serializers.IntegerField(help_text="BOARD_AT_RISK_MINUTES.")
    rows = BoardRowSerializer(many=True)
    reschedule_requests = BoardRescheduleRequestSerializer(many=True)
    return_visits = BoardReturnVisitSerializer(many=True)


class BoardApi(APIView):
    """The day board: every technician's visits of one day, flagged late now
    and at risk, with their markers, and the tray of work that needs a time.
    Answers with an ETag: a poll that sends it back as If-None-Match gets a
    304 without a body while nothing on the board changed."""

    permission_classes = [IsDispatcher]

    class QuerySerializer(serializers.Serializer):
        day = serializers.DateField(
            required=False, help_text="The local day (YYYY-MM-DD); today by default."
        )

    @extend_schema(
        parameters=[QuerySerializer],
        responses={
            200: BoardSerializer,
            304: OpenApiResponse(description="Unchanged since the ETag sent."),
            400: OpenApiResponse(
                response=ErrorSerializer,
                description="`day` is not a date (`invalid_day`).",
            ),
            403: OpenApiResponse(
                response=ErrorSerializer, description="Dispatchers only."
            ),
        },
        operation_id="console_board",
        summary="The day board: every technician's visits of a day, and the tray",
        # The visits to show, for the dispatcher (a "console" tag is a
        # follow-up for when the console's other endpoints land).
    )
    def get(self, request):
        day = self._day(request)
        now = timezone.now()
        board = selectors.board_for_day(day, now)
        data = BoardSerializer(
            {
                "day": board.day,
                "now": board.now,
                "refresh_seconds": settings.BOARD_REFRESH_SECONDS,
                "at_risk_minutes": settings.BOARD_AT_RISK_MINUTES,
                "rows": board.rows,
                "reschedule_requests": board.reschedule_requests,
                "return_visits": board.return_visits,
            }
        ).data
        etag = _board_etag(data)
        if etag in _if_none_match(request):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(data)
        # The board's script revalidates with its own If-None-Match; the
        # browser keeps nothing (no-store, fieldservice.security).
        response["ETag"] = etag
        return response

    def _day(self, request) -> date:
        serializer = self.QuerySerializer(data=request.query_params)
        if not serializer.is_valid():
            raise InvalidInput(
                _("The day must be a date written YYYY-MM-DD."), code="invalid_day"
            )
        day = serializer.validated_data.get("day") or timezone.localdate()
        try:
            inputs.check_supported_date(day)
        except DjangoValidationError as error:
            raise InvalidInput(error.messages[0], code="invalid_day") from error
        return day


def _board_etag(data: dict) -> str:
    """A weak ETag of everything on the board but the clock: the flags it
    computed from the clock are in it, so a visit turning late changes it."""
    content = {key: value for key, value in data.items() if key != "now"}
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str).encode()
    ).hexdigest()
    return f'W/"{digest[:32]}"'


def _if_none_match(request) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip() for tag in header.split(",") if tag.strip()}


# --- The booking assistant --------------------------------------------------------


class CandidateClashSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.value) for kind in ClashKind],
        help_text="overlap: the windows share time; travel_buffer: less than "
        "the travel buffer between them.",
    )
    visit = serializers.IntegerField(source="visit_id")
    number = serializers.CharField()
    appointed_start = serializers.DateTimeField()
    expected_end = serializers.DateTimeField()


class CandidateLoadSerializer(serializers.Serializer):
    visits = serializers.IntegerField(source="candidate.visits_that_day")
    minutes = serializers.IntegerField(source="booked_minutes")


class CandidateOnTimeSerializer(serializers.Serializer):
    rate = serializers.FloatField(
        source="on_time_rate",
        allow_null=True,
        help_text="On time / judged over the last 90 days; null with none judged.",
    )
    on_time = serializers.IntegerField(source="candidate.arrivals_on_time")
    judged = serializers.IntegerField(source="candidate.arrivals_judged")


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="technician.pk")
    name = serializers.CharField(source="technician.display_name")
    employee_number = serializers.CharField(
        source="technician.technician_profile.employee_number"
    )
    is_free = serializers.BooleanField(source="candidate.is_free")
    clash = CandidateClashSerializer(allow_null=True)
    load = CandidateLoadSerializer(source="*")
    on_time = CandidateOnTimeSerializer(source="*")
    visited_before = serializers.BooleanField(
        help_text="Had a visit of the work order already."
    )


class CandidatesApi(APIView):
    """Every active technician for a wished window, free ones first, ranked as
    a dispatcher weighs them (docs/rules.md#booking-assistant)."""

    permission_classes = [IsDispatcher]

    class InputSerializer(serializers.Serializer):
        start = inputs.AwareDateTimeField(
            help_text="The wished start, with its offset from UTC."
        )
        minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
        work_order = serializers.IntegerField(required=False, min_value=1)

        def validate_start(self, value):
            if value <= timezone.now():
                raise serializers.ValidationError(
                    _("The appointed start must be in the future.")
                )
            return value

    @extend_schema_serializer(component_name="BookingCandidates")
    class OutputSerializer(serializers.Serializer):
        start = serializers.DateTimeField()
        end = serializers.DateTimeField()
        minutes = serializers.IntegerField()
        travel_buffer_minutes = serializers.IntegerField()
        work_order = serializers.IntegerField(allow_null=True)
        technicians = CandidateSerializer(many=True)

    @extend_schema(
        operation_id="booking_candidates",
        summary="Technicians for a wished window, ranked",
        parameters=[InputSerializer],
        responses=OutputSerializer,
    )
    def get(self, request):
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        work_order = None
        if "work_order" in data:
            work_order = get_object_or_404(
                work_orders_visible_to(request.user), pk=data["work_order"]
            )
        candidates = selectors.booking_candidates(
            start=data["start"], minutes=data["minutes"], work_order=work_order
        )
        return Response(
            self.OutputSerializer(
                {
                    "start": data["start"],
                    "end": data["start"] + timedelta(minutes=data["minutes"]),
                    "minutes": data["minutes"],
                    "travel_buffer_minutes": settings.TRAVEL_BUFFER_MINUTES,
                    "work_order": work_order.pk if work_order else None,
                    "technicians": candidates,
                }
            ).data
        )


class OpenWorkOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=VisitKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    description = serializers.CharField()
    address = serializers.CharField()
    created_at = serializers.DateTimeField()
    has_open_visit = serializers.BooleanField(
        help_text="A visit of it is still to come or under way: no new one "
        "can be booked (reschedule that one)."
    )


class CustomerMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    area_tier = serializers.ChoiceField(choices=AreaTier.choices)
    language = serializers.ChoiceField(choices=Language.choices)
    work_orders = OpenWorkOrderSerializer(many=True)


class CustomerSearchApi(APIView):
    """Customers by name or phone (or the customer of one work order), each
    with its open work orders: the booking assistant's first step."""

    permission_classes = [IsDispatcher]

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=100,
            help_text="Part of the name, or at least three digits of the phone.",
        )
        work_order = serializers.IntegerField(
            required=False,
            min_value=1,
            help_text="Instead of q: the customer of this work order.",
        )

    @extend_schema_serializer(component_name="CustomerSearch")
    class OutputSerializer(serializers.Serializer):
        results = CustomerMatchSerializer(many=True)

    @extend_schema(
        operation_id="customers_search",
        summary="Find a customer with their open work orders",
        parameters=[InputSerializer],
        responses=OutputSerializer,
    )
    def get(self, request):
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.customers_with_open_work_orders(
            query=query.validated_data.get("q", ""),
            work_order_id=query.validated_data.get("work_order"),
        )
        rows = [
            {
                "id": customer.pk,
                "name": customer.name,
                "phone": customer.phone,
                "address": customer.address,
                "area_tier": customer.area_tier,
                "language": customer.language,
                "work_orders": orders,
            }
            for customer, orders in found
        ]
        return Response(self.OutputSerializer({"results": rows}).data)


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

    @extend_schema(
        responses=QueuesSerializer,
        operation_id="console_queues",
        summary="The dispatcher's queues with their clocks",
    )
    def get(self, request):
        return Response(QueuesSerializer(selectors.queues()).data)


# --- A visit's page ---------------------------------------------------------------


class ConductConfirmationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    is_confirmed = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)


class EvidenceSignOffSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    signed_at = serializers.DateTimeField()
    signer_name = serializers.CharField()
    channel = serializers.CharField()
    channel_label = serializers.CharField(source="get_channel_display")
    record_sha256 = serializers.CharField(source="snapshot_sha256")
    has_contested_conduct = serializers.BooleanField()
    conduct = ConductConfirmationSerializer(many=True, source="conduct.all")
    verify_url = serializers.SerializerMethodField()

    def get_verify_url(self, sign_off: SignOff) -> str:
        return reverse("verify", args=[sign_off.snapshot_sha256])


class StageSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class VisitActionsSerializer(serializers.Serializer):
    cancel = serializers.BooleanField()
    close = serializers.BooleanField()
    sign_off_link = serializers.BooleanField()
    receipt = serializers.BooleanField()
    service_card = serializers.BooleanField()
    file_complaint = serializers.BooleanField()


class VisitEvidenceSerializer(serializers.Serializer):
    visit = VisitDetailOutputSerializer()
    day = serializers.DateField(help_text="The appointed local day (the board's).")
    customer_language = serializers.CharField(
        source="visit.work_order.customer.language"
    )
    stages = StageSerializer(many=True)
    checklist = ChecklistItemOutputSerializer(many=True)
    calls = CallSerializer(many=True)
    complaints = ComplaintSerializer(many=True)
    sign_off = EvidenceSignOffSerializer(allow_null=True)
    actions = serializers.SerializerMethodField()
    receipt_url = serializers.SerializerMethodField()
    service_card_url = serializers.SerializerMethodField()

    @extend_schema_field(VisitActionsSerializer)
    def get_actions(self, evidence: dict) -> dict:
        """What the console offers on this visit now, as the services allow it."""
        visit = evidence["visit"]
        user = self.context["request"].user
        steps = VisitDetailOutputSerializer(
            context=self.context
        ).get_allowed_transitions(visit)
        return {
            "cancel": "cancel" in steps,
            "close": "close" in steps,
            "sign_off_link": visit.state == VisitState.WORK_DONE
            and signoff_policies.can_make_link(user, visit),
            "receipt": evidence["sign_off"] is not None,
            "service_card": True,
            "file_complaint": True,
        }

    def get_receipt_url(self, evidence: dict) -> str:
        return reverse("visit-receipt-pdf", args=[evidence["visit"].pk])

    def get_service_card_url(self, evidence: dict) -> str:
        return reverse("visit-service-card-pdf", args=[evidence["visit"].pk])


class VisitEvidenceApi(APIView):
    """One visit's evidence for the console's visit page and the board's side
    panel: times and punctuality, checklist answers with photos, leaves, the
    event log, calls, complaints, the sign-off with every conduct confirmation,
    and the actions the dispatcher may take now. Dispatchers only."""

    permission_classes = [IsDispatcher]

    @extend_schema(
        responses=VisitEvidenceSerializer,
        operation_id="console_visit",
        summary="A visit's evidence and the actions allowed now",
    )
    def get(self, request, pk: int):
        evidence = selectors.visit_evidence(request.user, pk)
        return Response(
            VisitEvidenceSerializer(evidence, context={"request": request}).data
        )
