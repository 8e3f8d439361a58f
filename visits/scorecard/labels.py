"""The figures' names as people read them, in the order rules.FIGURES lists them:
one place for the page, the CSV header and the monthly review."""

from django.utils.translation import gettext_lazy as _

FIGURE_LABELS = {
    "visits": _("Visits"),
    "on_time_rate": _("On-time arrivals (%)"),
    "late_arrivals": _("Late arrivals"),
    "mean_lateness_minutes": _("Mean lateness (min)"),
    "worst_lateness_minutes": _("Worst lateness (min)"),
    "checklist_completion": _("Checklist completion (%)"),
    "evidence_rate": _("Photo evidence (%)"),
    "contested_items": _("Contested conduct items"),
    "contested_per_sign_off": _("Contested items per sign-off"),
    "satisfaction_mean": _("Follow-up satisfaction (1-5)"),
    "satisfied_share": _("Satisfied, rating 4-5 (%)"),
    "complaints": _("Complaints"),
    "complaints_per_hundred": _("Complaints per 100 visits"),
    "first_response_compliance": _("First response in time (%)"),
    "resolution_compliance": _("Resolved in time (%)"),
}
# Rates held as fractions 0-1 and shown as percentages.
PERCENT_FIGURES = frozenset(
    {
        "on_time_rate",
        "checklist_completion",
        "evidence_rate",
        "satisfied_share",
        "first_response_compliance",
        "resolution_compliance",
    }
)


def shown(name: str, value: float | int | None) -> str:
    """A figure as a table shows it: percentages with one decimal, means with
    two, counts whole, and an empty cell for no value."""
    if value is None:
        return ""
    if name in PERCENT_FIGURES:
        return f"{value * 100:.1f}"
    if isinstance(value, int):
        return str(value)
    return (
        f"{value:.2f}"
        if name in ("satisfaction_mean", "contested_per_sign_off")
        else f"{value:.1f}"
    )
