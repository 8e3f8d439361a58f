"""The scorecard's JSON and CSV endpoints, under /api/v1/scorecard/. Dispatchers
only. Every figure is defined in docs/rules.md#service-scorecard and in the
schema's field descriptions below."""

import csv
import io
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsDispatcher
from fieldservice.api import ErrorSerializer
from fieldservice.downloads import FileDownloadApi
from fieldservice.errors import Conflict
from fieldservice.idempotency.api import IdempotentWritesMixin
from fieldservice.inputs import DateField, check_supported_date
from fieldservice.queue import enqueue_on_commit
from visits.scorecard import rules, selectors, services, tasks
from visits.scorecard.labels import FIGURE_LABELS, shown
from visits.scorecard.models import ServiceReview, ServiceReviewState

PERIOD_HELP = (
    "Visits count by their appointed start, in [from, to) in the company's time "
    "zone: `to` is the first day NOT counted. Cancelled visits never count. At "
    f"most {rules.MAX_PERIOD_DAYS} days; a bad period is a 400 with code "
    "`period_empty` (from is not before to), `period_too_long`, or `invalid` "
    "(a date that cannot be read)."
)
RATE = "A fraction 0-1, or null when there is nothing to count."


class PeriodInput(serializers.Serializer):
    start = DateField(help_text="First day counted (YYYY-MM-DD).")
    end = DateField(help_text="First day not counted (YYYY-MM-DD).")
    team = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this team's technicians."
    )
    technician = serializers.IntegerField(
        required=False, min_value=1, help_text="Only this technician (trend only)."
    )

    def to_internal_value(self, data):
        # `from` is a Python keyword: the query names it, the serializer renames it.
        data = {
            "start": data.get("from"),
            "end": data.get("to"),
            **{key: data[key] for key in ("team", "technician") if key in data},
        }
        return super().to_internal_value(data)


class FiguresSerializer(serializers.Serializer):
    visits = serializers.IntegerField(
        help_text="Visits appointed in the period, not cancelled (no-shows count)."
    )
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text="Arrivals judged on time (within the visit's tolerance, ±10 min) "
        "/ arrivals judged (early, on time or late). " + RATE,
    )
    late_arrivals = serializers.IntegerField(help_text="Arrivals judged late.")
    mean_lateness_minutes = serializers.FloatField(
        allow_null=True,
        help_text="Mean of the late arrivals' minutes after the appointed start; "
        "null without late arrivals.",
    )
    worst_lateness_minutes = serializers.FloatField(
        allow_null=True, help_text="The latest late arrival, in minutes."
    )
    checklist_completion = serializers.FloatField(
        allow_null=True,
        help_text="Of visits whose work was done (work done, signed off, closed): "
        "required checklist items answered (a photo item: with a photo) / "
        "required items. " + RATE,
    )
    evidence_rate = serializers.FloatField(
        allow_null=True,
        help_text="Of the same visits: required photo items with at least one "
        "photo / required photo items. " + RATE,
    )
    contested_items = serializers.IntegerField(
        help_text="Conduct items the customer contested at sign-off."
    )
    contested_per_sign_off = serializers.FloatField(
        allow_null=True,
        help_text="Contested conduct items / sign-offs; null without sign-offs.",
    )
    satisfaction_mean = serializers.FloatField(
        allow_null=True,
        help_text="Mean rating (1-5) given on the follow-up calls of the visits; "
        "null without ratings.",
    )
    satisfied_share = serializers.FloatField(
        allow_null=True, help_text="Follow-up ratings of 4 or 5 / ratings. " + RATE
    )
    complaints = serializers.IntegerField(help_text="Complaints on the visits.")
    complaints_per_hundred = serializers.FloatField(
        allow_null=True, help_text="100 * complaints / visits; null without visits."
    )
    first_response_compliance = serializers.FloatField(
        allow_null=True,
        help_text="Complaints first answered by their due time (48 h) / complaints "
        "answered or past that due time unanswered (counted as missed). " + RATE,
    )
    resolution_compliance = serializers.FloatField(
        allow_null=True,
        help_text="Complaints resolved by their due time (7 working days) / "
        "complaints resolved or past that due time unresolved. " + RATE,
    )


class TechnicianRowSerializer(FiguresSerializer):
    technician = serializers.IntegerField()
    name = serializers.CharField()
    employee_number = serializers.CharField()
    team = serializers.IntegerField(allow_null=True)
    team_name = serializers.CharField()


class TeamRowSerializer(FiguresSerializer):
    team = serializers.IntegerField(allow_null=True, help_text="null: in no team.")
    name = serializers.CharField()


class WeekRowSerializer(FiguresSerializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")


class TechniciansOutput(serializers.Serializer):
    overall = FiguresSerializer(help_text="All technicians in scope together.")
    technicians = TechnicianRowSerializer(many=True)


class TeamsOutput(serializers.Serializer):
    teams = TeamRowSerializer(many=True)


class TrendOutput(serializers.Serializer):
    weeks = WeekRowSerializer(many=True)


def _scope(request) -> selectors.Scope:
    data = PeriodInput(data=request.query_params)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    return selectors.Scope(
        selectors.period_checked(values["start"], values["end"]),
        team_id=values.get("team"),
        technician_id=values.get("technician"),
    )


def _parameters(*names: str) -> list:
    described = {
        "from": ("First day counted (YYYY-MM-DD). " + PERIOD_HELP, OpenApiTypes.DATE),
        "to": ("First day not counted (YYYY-MM-DD).", OpenApiTypes.DATE),
        "team": ("Only this team's technicians.", OpenApiTypes.INT),
        "technician": ("Only this technician.", OpenApiTypes.INT),
        "by": ("The trend's step: `week` (ISO weeks, from Monday).", OpenApiTypes.STR),
    }
    return [
        OpenApiParameter(
            name,
            described[name][1],
            OpenApiParameter.QUERY,
            required=name in ("from", "to"),
            description=described[name][0],
        )
        for name in names
    ]


REFUSALS = {
    400: OpenApiResponse(ErrorSerializer, description="A bad period (see `from`)."),
    403: OpenApiResponse(ErrorSerializer, description="Not a dispatcher."),
}


class TechnicianScorecardApi(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_technicians",
        summary="The scorecard per technician",
        parameters=_parameters("from", "to", "team"),
        responses={200: TechniciansOutput, **REFUSALS},
    )
    def get(self, request):
        scope = _scope(request)
        return Response(
            TechniciansOutput(
                {
                    "overall": selectors.scorecard_overall(scope),
                    "technicians": selectors.scorecard_by_technician(scope),
                }
            ).data
        )


class TeamScorecardApi(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_teams",
        summary="The scorecard per team",
        parameters=_parameters("from", "to", "team"),
        responses={200: TeamsOutput, **REFUSALS},
    )
    def get(self, request):
        scope = _scope(request)
        return Response(TeamsOutput({"teams": selectors.scorecard_by_team(scope)}).data)


class TrendApi(APIView):
    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_trend",
        summary="The scorecard week by week",
        parameters=_parameters("from", "to", "by", "team", "technician"),
        responses={200: TrendOutput, **REFUSALS},
    )
    def get(self, request):
        scope = _scope(request)
        if request.query_params.get("by", "week") != "week":
            return Response(
                {"code": "invalid_step", "detail": _("The trend goes by week.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(TrendOutput({"weeks": selectors.scorecard_by_week(scope)}).data)


def csv_response(
    filename: str, header: list[str], rows: list[list[str]]
) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that Excel shows Chinese names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _figure_cells(row: dict) -> list[str]:
    return [shown(name, row[name]) for name in rules.FIGURES]


def _figure_header() -> list[str]:
    return [str(FIGURE_LABELS[name]) for name in rules.FIGURES]


CSV_RESPONSE = {
    (200, "text/csv"): OpenApiResponse(
        OpenApiTypes.STR,
        description="CSV, UTF-8 with a byte-order mark; the header in the "
        "request's language; percentages 0-100 with one decimal, empty for none.",
    ),
    **REFUSALS,
}


class TechnicianScorecardCsvApi(FileDownloadApi):
    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_technicians_csv",
        summary="The scorecard per technician as CSV",
        parameters=_parameters("from", "to", "team"),
        responses=CSV_RESPONSE,
    )
    def get(self, request):
        scope = _scope(request)
        rows = selectors.scorecard_by_technician(scope)
        period = scope.period
        return csv_response(
            f"scorecard-technicians-{period.start}-{period.end}.csv",
            [_("Technician"), _("Employee number"), _("Team"), *_figure_header()],
            [
                [
                    row["name"],
                    row["employee_number"],
                    row["team_name"],
                    *_figure_cells(row),
                ]
                for row in rows
            ],
        )


class TeamScorecardCsvApi(FileDownloadApi):
    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_teams_csv",
        summary="The scorecard per team as CSV",
        parameters=_parameters("from", "to", "team"),
        responses=CSV_RESPONSE,
    )
    def get(self, request):
        scope = _scope(request)
        period = scope.period
        return csv_response(
            f"scorecard-teams-{period.start}-{period.end}.csv",
            [_("Team"), *_figure_header()],
            [
                [row["name"], *_figure_cells(row)]
                for row in selectors.scorecard_by_team(scope)
            ],
        )


class ReviewSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m", help_text="YYYY-MM.")
    state = serializers.ChoiceField(
        choices=ServiceReviewState.choices,
        help_text="`pending` while the PDF is being made, then `ready`.",
    )
    requested_at = serializers.DateTimeField()
    generated_at = serializers.DateTimeField(allow_null=True)
    download = serializers.SerializerMethodField()

    def get_download(self, review) -> str | None:
        if review.state != ServiceReviewState.READY:
            return None
        return f"/api/v1/scorecard/reviews/{review.month:%Y-%m}/pdf/"


class MonthField(serializers.CharField):
    def to_internal_value(self, data) -> date:
        text = super().to_internal_value(data)
        try:
            month = date.fromisoformat(f"{text}-01")
        except ValueError:
            raise serializers.ValidationError(_("Give a month as YYYY-MM.")) from None
        try:
            check_supported_date(month)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return month


class ReviewRequestInput(serializers.Serializer):
    month = MonthField(help_text="YYYY-MM, a month that has begun.")


class ReviewListRequestApi(IdempotentWritesMixin, APIView):
    """Monthly service reviews: listed, and asked for (made by a worker)."""

    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_reviews_list",
        summary="The monthly service reviews, newest first",
        responses={200: ReviewSerializer(many=True), 403: REFUSALS[403]},
    )
    def get(self, request):
        return Response(ReviewSerializer(ServiceReview.objects.all(), many=True).data)

    @extend_schema(
        operation_id="scorecard_review_request",
        summary="Make (or make again) a month's service review",
        description="Answers 202 at once with the review `pending`; a worker makes "
        "the PDF, then the review is `ready` with a `download` link.",
        request=ReviewRequestInput,
        responses={
            202: ReviewSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Not a month (`invalid`), or one that has not begun "
                "(`review_month_in_future`).",
            ),
            403: REFUSALS[403],
        },
    )
    def post(self, request):
        data = ReviewRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.service_review_request(
            month=data.validated_data["month"], by=request.user
        )
        enqueue_on_commit(
            tasks.service_review_generate_task, [(review.month.isoformat(),)]
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_202_ACCEPTED)


class ReviewPdfApi(FileDownloadApi):
    permission_classes = [IsDispatcher]

    @extend_schema(
        operation_id="scorecard_review_pdf",
        summary="Download a month's service review (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(
                ErrorSerializer, description="No review of that month."
            ),
            409: OpenApiResponse(ErrorSerializer, description="Still being made."),
        },
    )
    def get(self, request, year: int, month: int):
        try:
            first_day = date(year, month, 1)
        except (ValueError, OverflowError):
            raise Http404 from None  # no such month (2026-13, year 0, …)
        review = get_object_or_404(ServiceReview, month=first_day)
        if review.state != ServiceReviewState.READY or not review.file:
            raise Conflict(
                _("This review is still being prepared."), code="review_pending"
            )
        return FileResponse(
            review.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"service-review-{year:04d}-{month:02d}.pdf",
        )
