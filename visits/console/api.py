"""The console's JSON endpoints, under /api/v1/console/. Dispatchers only;
writes go through the sub-domains' services."""

import hashlib
import json
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher
from fieldservice import inputs
from fieldservice.api import ErrorSerializer
from fieldservice.errors import InvalidInput
from visits.calls.models import RescheduleRequest
from visits.console import selectors
from visits.lifecycle.models import (
    PUNCTUALITY_CHOICES,
    VISIT_STATE_CHOICES,
    VisitKind,
)

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
    en_route_at = serializers.DateTimeField(source="visit.en_route_at")
    arrived_at = serializers.DateTimeField(source="visit.arrived_at")
    work_done_at = serializers.DateTimeField(source="visit.work_done_at")
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
        tags=["my day"],
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
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
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


# --- The queues ---------------------------------------------------------------------


# --- A visit's page ---------------------------------------------------------------
