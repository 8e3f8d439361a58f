"""The monthly service review: asked for, then made (by the Celery task)."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput
from fieldservice.files import undone_on_error
from visits.scorecard import documents, rules, selectors
from visits.scorecard.labels import FIGURE_LABELS, PERCENT_FIGURES, shown
from visits.scorecard.models import ServiceReview, ServiceReviewState, review_path

# The trend lines of the review (percentages), and complaints on a chart of their own.
TREND_FIGURES = ("on_time_rate", "satisfied_share", "checklist_completion")
# The ranking chart shows the best and the worst technicians of a larger field.
RANKING_BEST = 15
RANKING_WORST = 10
# The columns of the review's tables (the CSV has them all).
TABLE_FIGURES = (
    "visits",
    "on_time_rate",
    "mean_lateness_minutes",
    "worst_lateness_minutes",
    "checklist_completion",
    "evidence_rate",
    "contested_items",
    "satisfaction_mean",
    "satisfied_share",
    "complaints_per_hundred",
    "first_response_compliance",
    "resolution_compliance",
)


def service_review_request(
    *, month: date, by, at: datetime | None = None
) -> ServiceReview:
    """Marks the month's review as being prepared (creating its row the first
    time). The caller enqueues service_review_generate for it."""
    first, _end = rules.month_period(month)
    now = at or timezone.now()
    if first > timezone.localdate(now).replace(day=1):
        raise InvalidInput(
            _("A review can only be made for a month that has begun."),
            code="review_month_in_future",
        )
    review, _created = ServiceReview.objects.update_or_create(
        month=first,
        defaults={
            "state": ServiceReviewState.PENDING,
            "requested_at": now,
            "requested_by": by,
        },
    )
    return review


def service_reviews_lost(
    *, on_lost: Callable[[list[date]], None], now: datetime | None = None
) -> list[date]:
    """Hands `on_lost` the months whose review was asked for more than
    SERVICE_REVIEW_LOST_MINUTES ago and is still not made: its task was lost
    (the broker was down when it was sent, or it failed), so the task module
    sends it again. Generating is idempotent: a review whose task was only slow
    is made twice, into one row and one file."""
    now = now or timezone.now()
    months = list(
        ServiceReview.objects.filter(
            state=ServiceReviewState.PENDING,
            requested_at__lt=now
            - timedelta(minutes=settings.SERVICE_REVIEW_LOST_MINUTES),
        )
        .order_by("month")
        .values_list("month", flat=True)
    )
    if months:
        on_lost(months)
    return months


def service_review_generate(
    *, month: date, at: datetime | None = None
) -> ServiceReview:
    """Makes (or makes again) the month's PDF and stores it; the same month asked
    twice leaves one row and one file."""
    first, end = rules.month_period(month)
    now = at or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        pdf = documents.review_pdf(review_document(first, end))
    with transaction.atomic():
        review, _created = ServiceReview.objects.select_for_update().get_or_create(
            month=first, defaults={"requested_at": now}
        )
        if review.file:
            review.file.delete(save=False)
        with undone_on_error() as files:
            files.save(review.file, review_path(review, ""), pdf)
            review.state = ServiceReviewState.READY
            review.generated_at = now
            review.save(update_fields=["file", "state", "generated_at"])
    return review


def _row(name: str, figures: dict, extra: list[str]) -> list[str]:
    return [name, *extra, *(shown(figure, figures[figure]) for figure in TABLE_FIGURES)]


def review_document(first: date, end: date) -> documents.ReviewDocument:
    """The review's content for [first, end), in the active language."""
    scope = selectors.Scope(selectors.Period(first, end))
    technicians = selectors.scorecard_by_technician(scope)
    teams = selectors.scorecard_by_team(scope)
    weeks = selectors.scorecard_by_week(scope)
    overall = selectors.scorecard_overall(scope)
    header = [str(FIGURE_LABELS[figure]) for figure in TABLE_FIGURES]
    month_name = formats.date_format(first, "YEAR_MONTH_FORMAT")
    ranked = sorted(
        (row for row in technicians if row["on_time_rate"] is not None),
        key=lambda row: (-row["on_time_rate"], row["name"]),
    )
    return documents.ReviewDocument(
        language="zh-CN" if translation.get_language().startswith("zh") else "en",
        title=_("Monthly service review: %(month)s") % {"month": month_name},
        subtitle=_("%(month)s (%(start)s to %(end)s, by appointed start)")
        % {
            "month": f"{first:%Y-%m}",
            "start": first.isoformat(),
            "end": (end - timedelta(days=1)).isoformat(),
        },
        overall_title=_("All technicians"),
        overall=[
            (str(FIGURE_LABELS[figure]), shown(figure, overall[figure]) or "—")
            for figure in TABLE_FIGURES
        ],
        teams_title=_("Per team"),
        teams=[
            [_("Team"), *header],
            *(_row(row["name"], row, []) for row in teams),
        ],
        technicians_title=_("Per technician"),
        technicians=[
            [_("Technician"), _("Team"), *header],
            *(
                _row(
                    f"{row['name']} ({row['employee_number']})", row, [row["team_name"]]
                )
                for row in technicians
            ),
        ],
        trend_title=_("Trend by week"),
        weeks=[f"{row['week']:%m-%d}" for row in weeks],
        trend=[
            documents.Series(
                str(FIGURE_LABELS[figure]),
                [
                    None
                    if row[figure] is None
                    else row[figure] * (100 if figure in PERCENT_FIGURES else 1)
                    for row in weeks
                ],
            )
            for figure in TREND_FIGURES
        ],
        complaints_title=str(FIGURE_LABELS["complaints_per_hundred"]),
        complaints=documents.Series(
            str(FIGURE_LABELS["complaints_per_hundred"]),
            [row["complaints_per_hundred"] for row in weeks],
        ),
        ranking_title=_("Technicians by on-time arrivals (%), best first")
        if len(ranked) <= RANKING_BEST + RANKING_WORST
        else _(
            "Technicians by on-time arrivals (%%): the best %(best)s and the worst "
            "%(worst)s of %(count)s"
        )
        % {"best": RANKING_BEST, "worst": RANKING_WORST, "count": len(ranked)},
        ranking=[
            (row["name"], row["on_time_rate"] * 100)
            for row in (
                ranked
                if len(ranked) <= RANKING_BEST + RANKING_WORST
                else ranked[:RANKING_BEST] + ranked[-RANKING_WORST:]
            )
        ],
        no_data=_("No visits in this month."),
        footer=_("Monthly service review %(month)s") % {"month": f"{first:%Y-%m}"},
        notes=[
            _(
                "How each figure is counted: docs/rules.md, section "
                '"Service scorecard". Rates without anything to count are left empty.'
            )
        ],
    )
