"""The scorecard's page, in the console's frame."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from visits.console.pages import console_render, dispatcher_page
from visits.scorecard.labels import FIGURE_LABELS, PERCENT_FIGURES
from visits.scorecard.rules import FIGURES

# Figures where less is better: their ranking runs from the lowest up.
LOWER_IS_BETTER = (
    "late_arrivals",
    "mean_lateness_minutes",
    "worst_lateness_minutes",
    "contested_items",
    "contested_per_sign_off",
    "complaints",
    "complaints_per_hundred",
)


@dispatcher_page
def scorecard(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "scorecard/scorecard.html",
        title=_("Service scorecard"),
        section="scorecard",
        module="scorecard/scorecard.js",
        context={
            "today": timezone.localdate(),
            "figures": " ".join(FIGURES),
            "percent_figures": " ".join(sorted(PERCENT_FIGURES)),
            "lower_is_better": " ".join(LOWER_IS_BETTER),
        },
        strings={
            **{f"figure_{name}": str(FIGURE_LABELS[name]) for name in FIGURES},
            "technician": _("Technician"),
            "team": _("Team"),
            "no_team": _("No team"),
            "loading": _("Loading…"),
            "no_data": _("No visits in this period."),
            "no_value": _("nothing to count"),
            "failed": _("The scorecard could not be loaded: {detail}"),
            "week_of": _("Week of {day}"),
            "trend_chart": _(
                "{figure} by week, from {first} to {last}: {values}. "
                "The table below has every number."
            ),
            "ranking_chart": _("Technicians ranked by {figure}, best first: {values}."),
            "best_first": _("best first"),
            "sort_by": _("Sort by {figure}"),
            "review_month": _("Review of {month}"),
            "review_pending": _("being prepared…"),
            "review_download": _("Download PDF"),
            "review_requested": _(
                "The review of {month} is being prepared; it appears here when ready."
            ),
            "reviews_none": _("No reviews yet."),
        },
    )
