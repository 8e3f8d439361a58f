"""HTTP for work orders and visits: translation only.

Each view finds its object through a selector (someone else's object is a 404),
validates input with its InputSerializer and calls one service.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AreaTier, Customer, Role
from accounts.permissions import IsDispatcherForWrites
from fieldservice import inputs
from fieldservice.api import ErrorSerializer, cursor_pagination
from fieldservice.device_time import (
    HEADER as DEVICE_TIME_HEADER,
)
from fieldservice.device_time import DeviceClockMixin, ReportedTime
from fieldservice.errors import InvalidInput
from fieldservice.idempotency.api import IdempotentWritesMixin
from fieldservice.phones import to_e164_or_unchanged
from visits.lifecycle import policies, rules, selectors, services
from visits.lifecycle.models import (
    PUNCTUALITY_CHOICES,
    TIME_SOURCE_CHOICES,
    VISIT_STATE_CHOICES,
    LeaveReason,
    Visit,
    VisitKind,
    WorkOrder,
)

User = get_user_model()


# --- Output ------------------------------------------------------------------


def step_url(step: str, visit_id: int) -> str:
    """The path a step named as in `allowed_transitions` is POSTed to."""
    if step == SIGN_OFF_STEP:
        return reverse("visit-sign-off", kwargs={"pk": visit_id})
    return reverse(f"visit-{step}", kwargs={"pk": visit_id})


SIGN_OFF_STEP = rules.step_name(rules.Transition.SIGN_OFF)


class TechnicianSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    employee_number = serializers.CharField(
        source="technician_profile.employee_number", default=""
    )
    phone = serializers.CharField(source="technician_profile.phone", default="")


# Plain serializers for the hot read paths: a ModelSerializer rebuilds its
# fields from the model on every request, which cost more than the queries.
class WorkOrderSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=VisitKind.choices)
    customer_name = serializers.CharField()
    customer_phone = serializers.CharField()
    address = serializers.CharField()
    area_tier = serializers.ChoiceField(choices=AreaTier.choices)


class VisitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    work_order = WorkOrderSummarySerializer()
    sequence = serializers.IntegerField()
    technician = TechnicianSummarySerializer()
    state = serializers.ChoiceField(choices=VISIT_STATE_CHOICES)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="Steps the signed-in user can take now, named as in their URLs: "
        "POST /api/v1/visits/{id}/actions/{step}/, except `sign-off`, which is "
        "POST /api/v1/visits/{id}/sign-off/ (see `action_urls`)."
    )
    action_urls = serializers.SerializerMethodField(
        help_text="For each of `allowed_transitions`, the path to POST it to."
    )
    appointed_start = serializers.DateTimeField()
    expected_duration_minutes = serializers.IntegerField()
    expected_end = serializers.DateTimeField()
    arrival_tolerance_minutes = serializers.IntegerField()
    en_route_at = serializers.DateTimeField(allow_null=True)
    arrived_at = serializers.DateTimeField(allow_null=True)
    arrival_time_source = serializers.ChoiceField(
        choices=TIME_SOURCE_CHOICES,
        allow_blank=True,
        help_text="Whose clock `arrived_at` (and so `punctuality`) comes from: "
        "`server` when the arrival reached the server, `device` when the phone "
        "reported it (`occurred_at`, sent after being offline); empty until "
        "arrival. The `arrive` event's `data` holds the phone's time, its clock "
        "offset and when the server received it.",
    )
    punctuality = serializers.ChoiceField(choices=PUNCTUALITY_CHOICES, allow_blank=True)
    arrival_deviation_seconds = serializers.IntegerField(allow_null=True)
    arrival_deviation_minutes = serializers.SerializerMethodField()
    late_reason = serializers.CharField(allow_blank=True)
    work_started_at = serializers.DateTimeField(allow_null=True)
    work_done_at = serializers.DateTimeField(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    ended_reason = serializers.CharField(allow_blank=True)

    def get_arrival_deviation_minutes(self, visit: Visit) -> int | None:
        if visit.arrival_deviation_seconds is None:
            return None
        return rules.ArrivalPunctuality(
            status=rules.Punctuality(visit.punctuality),
            deviation_seconds=visit.arrival_deviation_seconds,
        ).deviation_minutes

    def get_allowed_transitions(self, visit: Visit) -> list[str]:
        return policies.steps_for(self.context["request"].user, visit)

    def get_action_urls(self, visit: Visit) -> dict[str, str]:
        return {
            step: step_url(step, visit.pk)
            for step in self.get_allowed_transitions(visit)
        }


class LeaveOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    note = serializers.CharField()
    is_returning = serializers.BooleanField()
    fix_deadline = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(allow_null=True)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    data = serializers.JSONField()


class VisitDetailOutputSerializer(VisitOutputSerializer):
    leaves = LeaveOutputSerializer(many=True)
    events = EventOutputSerializer(many=True)


class WorkOrderVisitSerializer(serializers.ModelSerializer):
    technician = TechnicianSummarySerializer()
    # Read-only model fields lose `blank` in the schema: "" until the arrival.
    punctuality = serializers.ChoiceField(
        choices=PUNCTUALITY_CHOICES, allow_blank=True, read_only=True
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "sequence",
            "technician",
            "state",
            "appointed_start",
            "expected_duration_minutes",
            "arrived_at",
            "punctuality",
            "closed_at",
        ]


class WorkOrderOutputSerializer(serializers.ModelSerializer):
    visits = WorkOrderVisitSerializer(many=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "customer",
            "kind",
            "description",
            "customer_name",
            "customer_phone",
            "address",
            "area_tier",
            "created_at",
            "visits",
        ]


def _visit_response(request, visit: Visit, status_code=status.HTTP_200_OK) -> Response:
    visit = get_object_or_404(
        selectors.visit_detail_queryset(request.user), pk=visit.pk
    )
    return Response(
        VisitDetailOutputSerializer(visit, context={"request": request}).data,
        status=status_code,
    )


# --- Work orders -------------------------------------------------------------


class WorkOrderFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(lookup_expr="iexact")
    customer_phone = django_filters.CharFilter(
        method="filter_customer_phone",
        help_text="As people type it (139 0000 0001); matched in E.164.",
    )

    class Meta:
        model = WorkOrder
        fields = ["number", "kind", "customer", "customer_phone"]

    def filter_customer_phone(self, queryset, _name, value):
        return queryset.filter(customer_phone=to_e164_or_unchanged(value))


class WorkOrderListCreateApi(IdempotentWritesMixin, generics.ListAPIView):
    """Work orders the signed-in user may see; dispatchers open new ones."""

    permission_classes = [IsDispatcherForWrites]
    serializer_class = WorkOrderOutputSerializer
    filterset_class = WorkOrderFilter
    pagination_class = cursor_pagination("-created_at", "-id")

    @extend_schema_serializer(component_name="WorkOrderCreate")
    class InputSerializer(serializers.Serializer):
        customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
        kind = serializers.ChoiceField(choices=VisitKind.choices)
        # Capped so a work-order description fits a readable receipt.
        description = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=2000
        )
        address = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=255,
            help_text="Defaults to the customer's address.",
        )
        area_tier = serializers.CharField(required=False, allow_blank=True, default="")

    def get_queryset(self):
        return selectors.work_orders_visible_to(self.request.user)

    @extend_schema(request=InputSerializer, responses={201: WorkOrderOutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        work_order = services.work_order_create(
            by=request.user, **serializer.validated_data
        )
        work_order = selectors.work_orders_visible_to(request.user).get(
            pk=work_order.pk
        )
        return Response(
            WorkOrderOutputSerializer(work_order).data, status=status.HTTP_201_CREATED
        )


class WorkOrderDetailApi(generics.RetrieveAPIView):
    serializer_class = WorkOrderOutputSerializer

    def get_queryset(self):
        return selectors.work_orders_visible_to(self.request.user)


# --- Visits ------------------------------------------------------------------


class VisitFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(
        method="filter_date",
        help_text="Local day of the appointed start (YYYY-MM-DD).",
        validators=[inputs.check_supported_date],
    )
    # No DISTINCT (django-filter's default for a multiple choice): a visit has one
    # state, and SELECT DISTINCT would sort every matching row instead of reading
    # the visit_state_list_order index.
    state = django_filters.MultipleChoiceFilter(
        choices=VISIT_STATE_CHOICES, distinct=False
    )

    class Meta:
        model = Visit
        fields = ["date", "state", "technician", "work_order"]

    def filter_date(self, queryset, _name, value):
        return queryset.on_day(value)


class VisitListCreateApi(IdempotentWritesMixin, generics.ListAPIView):
    """Visits the signed-in user may see (a technician: only their own);
    dispatchers book new ones."""

    permission_classes = [IsDispatcherForWrites]
    serializer_class = VisitOutputSerializer
    filterset_class = VisitFilter
    pagination_class = cursor_pagination("appointed_start", "id")

    @extend_schema_serializer(component_name="VisitBook")
    class InputSerializer(serializers.Serializer):
        work_order = serializers.PrimaryKeyRelatedField(
            queryset=WorkOrder.objects.all()
        )
        # Any user: the service says why a dispatcher or a customer cannot be
        # booked (not_a_technician), rather than "does not exist".
        technician = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
        appointed_start = inputs.AwareDateTimeField()
        expected_duration_minutes = serializers.IntegerField(
            min_value=5, max_value=24 * 60, default=60
        )

    def get_queryset(self):
        return selectors.visits_visible_to(self.request.user)

    @extend_schema(
        request=InputSerializer,
        responses={201: VisitDetailOutputSerializer},
        examples=[
            OpenApiExample(
                "Book a visit",
                request_only=True,
                value={
                    "work_order": 1,
                    "technician": 3,
                    "appointed_start": "2026-11-24T09:30:00+08:00",
                    "expected_duration_minutes": 90,
                },
            )
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = services.visit_schedule(by=request.user, **serializer.validated_data)
        return _visit_response(request, visit, status.HTTP_201_CREATED)


class VisitDetailApi(generics.RetrieveAPIView):
    serializer_class = VisitDetailOutputSerializer

    def get_queryset(self):
        return selectors.visit_detail_queryset(self.request.user)


def _step_schema(operation: str, input_serializer, summary: str):
    """The schema of one lifecycle step's POST: its input, the visit it answers
    with, and its refusals."""
    return extend_schema(
        request=input_serializer,
        responses={
            200: VisitDetailOutputSerializer,
            400: OpenApiResponse(
                response=ErrorSerializer,
                description="The input is wrong (e.g. a late arrival without "
                "`late_reason`): `fields` says which. A technician's step dated "
                "by `occurred_at` is refused when that time is ahead of the "
                "server's clock beyond the allowance (`occurred_in_future`), too "
                "old (`occurred_too_long_ago`) or before the visit's last record "
                f"(`occurred_before_previous_step`); a bad `{DEVICE_TIME_HEADER}` "
                "header is `device_time_invalid`.",
                examples=[
                    OpenApiExample(
                        "Dated before the visit's last record",
                        value={
                            "code": "occurred_before_previous_step",
                            "detail": "The phone dates this step 2026-11-23 "
                            "09:40:00, before the visit's last record "
                            "(Rescheduled, 2026-11-23 09:50:12): steps are kept "
                            "in the order they happened. Reload the visit, which "
                            "may have changed while you were offline.",
                            "occurred_at": "2026-11-23T09:40:00+08:00",
                            "previous_step": "rescheduled",
                            "previous_step_at": "2026-11-23T09:50:12+08:00",
                        },
                    )
                ],
            ),
            403: OpenApiResponse(
                response=ErrorSerializer,
                description="Someone else's step (e.g. a dispatcher's).",
            ),
            404: OpenApiResponse(
                response=ErrorSerializer, description="Not your visit."
            ),
            409: OpenApiResponse(
                response=ErrorSerializer,
                description="Not allowed in the visit's current state; or work done "
                "refused while required checklist items are missing.",
                examples=[
                    OpenApiExample(
                        "Step not allowed now",
                        value={
                            "code": "invalid_transition",
                            "detail": "Cannot arrive at this visit: it is "
                            "scheduled and nobody has set off yet. "
                            "Allowed now: On my way, Cancel.",
                            "state": "scheduled",
                            "allowed_transitions": ["start-travel", "cancel"],
                        },
                    ),
                    OpenApiExample(
                        "Checklist incomplete",
                        value={
                            "code": "checklist_incomplete",
                            "detail": "2 required checklist items are missing.",
                            "missing": [
                                {
                                    "item": 52,
                                    "code": "site_clean",
                                    "text": "…",
                                    "reason": "photo_missing",
                                },
                            ],
                        },
                    ),
                ],
            ),
        },
        summary=summary,
        operation_id=f"visit_{operation}",
    )


@extend_schema_serializer(component_name="NoInput")
class NoInput(serializers.Serializer):
    pass


class VisitStepApi(IdempotentWritesMixin, APIView):
    """Base for one lifecycle step on one visit: POST /visits/{id}/actions/{step}/.
    A subclass names its input serializer and the service that takes the step."""

    InputSerializer: type[serializers.Serializer] = NoInput

    def take_step(self, *, visit: Visit, user, data: dict) -> object:
        raise NotImplementedError

    def step_data(self, data: dict) -> dict:
        """The service's keyword arguments from the validated input."""
        return dict(data)

    def post(self, request, pk: int):
        visit = selectors.visible_visit_or_404(request.user, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.take_step(
            visit=visit,
            user=request.user,
            data=self.step_data(serializer.validated_data),
        )
        return _visit_response(request, visit)


@extend_schema_serializer(component_name="TechnicianStepInput")
class OccurredAtInput(serializers.Serializer):
    occurred_at = inputs.DeviceDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional, for a step taken offline: when the technician "
        "tapped, on the phone's clock, with its offset (ISO 8601). The step is "
        "recorded at this time (arrival judged on it), corrected by the "
        f"request's `{DEVICE_TIME_HEADER}` header when sent, if it is not more "
        "than EVIDENCE_CLOCK_SKEW_SECONDS ahead of the server's clock (within "
        "that, it is recorded at the server's time), not older than "
        "OFFLINE_STEP_MAX_AGE_HOURS and not before the visit's last record. "
        "Without it the step is recorded at the server's time.",
    )


class ReportedStepApi(DeviceClockMixin, VisitStepApi):
    """A step the technician takes, perhaps offline: its time may be the
    phone's (`occurred_at`), read through the request's Device-Time."""

    InputSerializer: type[serializers.Serializer] = OccurredAtInput

    def step_data(self, data: dict) -> dict:
        data = dict(data)
        occurred_at = data.pop("occurred_at", None)
        if occurred_at is not None:
            data["reported"] = ReportedTime(
                occurred_at=occurred_at, clock=self.device_clock
            )
        return data


@extend_schema_serializer(component_name="ArriveInput")
class ArriveInput(OccurredAtInput):
    late_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Required when arriving later or earlier than the tolerance allows.",
    )


@extend_schema_serializer(component_name="LeaveInput")
class LeaveInput(OccurredAtInput):
    reason = serializers.ChoiceField(choices=LeaveReason.choices)
    is_returning = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="Whether the technician told the customer he will come back.",
    )
    fix_deadline = inputs.AwareDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Committed deadline for the service to work when not returning.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )

    def validate_is_returning(self, value):
        if value is None:
            raise serializers.ValidationError(
                _("Say whether you will return: the customer must be told.")
            )
        return value


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class RescheduleInput(serializers.Serializer):
    appointed_start = inputs.AwareDateTimeField()
    expected_duration_minutes = serializers.IntegerField(
        min_value=5, max_value=24 * 60, required=False, default=None
    )
    reason = serializers.CharField(max_length=500)


class ReassignInput(serializers.Serializer):
    technician = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.TECHNICIAN)
    )
    reason = serializers.CharField(max_length=500)


@extend_schema_view(
    post=_step_schema("start_travel", OccurredAtInput, "Technician is on the way")
)
class VisitStartTravelApi(ReportedStepApi):
    """Technician is on the way"""

    def take_step(self, *, visit, user, data):
        return services.visit_start_travel(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema(
        "arrive",
        ArriveInput,
        "Technician arrives; punctuality is judged on the arrival time",
    )
)
class VisitArriveApi(ReportedStepApi):
    """Technician arrives; punctuality is judged on the arrival time: the
    server's clock, or for an arrival made offline the phone's `occurred_at`
    corrected by its Device-Time and kept within bounds."""

    InputSerializer = ArriveInput

    def take_step(self, *, visit, user, data):
        return services.visit_arrive(visit=visit, by=user, **data)


@extend_schema_view(post=_step_schema("start_work", OccurredAtInput, "Work starts"))
class VisitStartWorkApi(ReportedStepApi):
    """Work starts"""

    def take_step(self, *, visit, user, data):
        return services.visit_start_work(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema("leave", LeaveInput, "Technician leaves the site temporarily")
)
class VisitLeaveApi(ReportedStepApi):
    """Technician leaves the site temporarily"""

    InputSerializer = LeaveInput

    def take_step(self, *, visit, user, data):
        return services.visit_leave(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema("return", OccurredAtInput, "Technician is back on site")
)
class VisitReturnApi(ReportedStepApi):
    """Technician is back on site"""

    def take_step(self, *, visit, user, data):
        return services.visit_return(visit=visit, by=user, **data)


@extend_schema_view(post=_step_schema("finish_work", OccurredAtInput, "Work is done"))
class VisitFinishWorkApi(ReportedStepApi):
    """Work is done"""

    def take_step(self, *, visit, user, data):
        return services.visit_finish_work(visit=visit, by=user, **data)


@extend_schema_view(post=_step_schema("no_show", NoteInput, "Nobody was at home"))
class VisitNoShowApi(VisitStepApi):
    """Nobody was at home"""

    InputSerializer = NoteInput

    def take_step(self, *, visit, user, data):
        return services.visit_mark_no_show(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema("cancel", ReasonInput, "Dispatcher cancels the visit")
)
class VisitCancelApi(VisitStepApi):
    """Dispatcher cancels the visit"""

    InputSerializer = ReasonInput

    def take_step(self, *, visit, user, data):
        return services.visit_cancel(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema("close", NoteInput, "Dispatcher closes the visit")
)
class VisitCloseApi(VisitStepApi):
    """Dispatcher closes the visit"""

    InputSerializer = NoteInput

    def take_step(self, *, visit, user, data):
        return services.visit_close(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema(
        "reschedule",
        RescheduleInput,
        "Dispatcher moves the visit to a new agreed time",
    )
)
class VisitRescheduleApi(VisitStepApi):
    """Dispatcher moves the visit to a new agreed time"""

    InputSerializer = RescheduleInput

    def take_step(self, *, visit, user, data):
        return services.visit_reschedule(visit=visit, by=user, **data)


@extend_schema_view(
    post=_step_schema(
        "reassign", ReassignInput, "Dispatcher gives the visit to another technician"
    )
)
class VisitReassignApi(VisitStepApi):
    """Dispatcher gives the visit to another technician"""

    InputSerializer = ReassignInput

    def take_step(self, *, visit, user, data):
        return services.visit_reassign(visit=visit, by=user, **data)


@extend_schema_serializer(component_name="MoveInput")
class MoveInput(serializers.Serializer):
    appointed_start = inputs.AwareDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The new agreed time; leave out to keep it.",
    )
    technician = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.TECHNICIAN),
        required=False,
        allow_null=True,
        default=None,
        help_text="The technician to give the visit to; leave out to keep him.",
    )
    reason = serializers.CharField(max_length=500)


@extend_schema_view(
    post=_step_schema(
        "move",
        MoveInput,
        "Dispatcher moves the visit to another time and/or technician at once",
    )
)
class VisitMoveApi(VisitStepApi):
    """Dispatcher moves the visit to another time and/or another technician in
    one step (the day board's drag): checked as a reschedule and a reassignment
    together, refused as a whole (an overlap, a time in the past, an inactive
    technician, a visit under way: 400 or 409, nothing changed)."""

    InputSerializer = MoveInput

    def take_step(self, *, visit, user, data):
        return services.visit_move(visit=visit, by=user, **data)


# The steps as the URLs name them, in the order the API documents them.
STEP_VIEWS = {
    "start-travel": VisitStartTravelApi,
    "arrive": VisitArriveApi,
    "start-work": VisitStartWorkApi,
    "leave": VisitLeaveApi,
    "return": VisitReturnApi,
    "finish-work": VisitFinishWorkApi,
    "no-show": VisitNoShowApi,
    "cancel": VisitCancelApi,
    "close": VisitCloseApi,
    "reschedule": VisitRescheduleApi,
    "reassign": VisitReassignApi,
    "move": VisitMoveApi,
}


class UnknownVisitActionApi(APIView):
    """Any other step name: a 400 that lists the steps there are."""

    @extend_schema(exclude=True)
    def post(self, request, pk: int, name: str):
        selectors.visible_visit_or_404(request.user, pk)
        raise InvalidInput(
            _("Unknown step %(name)s. Steps are: %(steps)s.")
            % {"name": name, "steps": ", ".join(STEP_VIEWS)},
            code="unknown_transition",
        )
