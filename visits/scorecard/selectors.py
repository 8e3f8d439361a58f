"""The scorecard's figures, counted in the database (docs/rules.md#service-scorecard).

Every figure comes from six grouped aggregate queries (visits with their
sign-offs, checklist items with their answers, photos, contested conduct items, follow-up calls, complaints), each grouped by the technician, the team
or the week of the visit's appointed start. No visit is loaded into Python: the
number of queries is the same for one technician or a thousand, and the rules
module turns the counts into rates.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    F,
    Max,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Team, User
from fieldservice.errors import InvalidInput
from visits.calls.models import Call
from visits.calls.rules import CallPurpose
from visits.checklists.models import (
    ItemKind,
    Photo,
    VisitChecklistItem,
)
from visits.complaints.models import Complaint
from visits.lifecycle.models import Visit
from visits.lifecycle.rules import Punctuality, VisitState
from visits.scorecard import rules
from visits.scorecard.rules import Counts
from visits.signoffs.models import ConductConfirmation

# Visits whose checklist is judged: the work was declared done.
WORK_DONE_OR_LATER = (VisitState.WORK_DONE, VisitState.SIGNED_OFF, VisitState.CLOSED)

GROUP_TECHNICIAN = "technician"
GROUP_TEAM = "team"
GROUP_WEEK = "week"
GROUP_ALL = "all"

PERIOD_MESSAGES = {
    rules.PeriodProblem.EMPTY: _("The period must end after it starts."),
    rules.PeriodProblem.TOO_LONG: _("The period can be at most %(days)s days long."),
}


@dataclass(frozen=True)
class Period:
    """[start, end) in local dates; visits count by their appointed start."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> datetime:
        return _local_midnight(self.end)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, time.min), timezone.get_current_timezone()
    )


def period_checked(start: date, end: date) -> Period:
    """The period, or InvalidInput with the problem's code."""
    problem = rules.period_problem(start, end)
    if problem is not None:
        raise InvalidInput(
            PERIOD_MESSAGES[problem] % {"days": rules.MAX_PERIOD_DAYS}, code=problem
        )
    return Period(start, end)


@dataclass(frozen=True)
class Scope:
    """Which visits count: the period, and optionally one team or technician."""

    period: Period
    team_id: int | None = None
    technician_id: int | None = None


def _group_key(prefix: str, by: str) -> Any:
    if by == GROUP_TECHNICIAN:
        return F(f"{prefix}technician_id")
    if by == GROUP_TEAM:
        return F(f"{prefix}technician__technician_profile__team_id")
    if by == GROUP_ALL:
        return Value(0)  # a constant: one group, no GROUP BY
    return TruncWeek(f"{prefix}appointed_start", tzinfo=timezone.get_current_timezone())


def _in_scope(queryset: Any, prefix: str, scope: Scope) -> QuerySet:
    """Rows of visits appointed in the period and not cancelled."""
    queryset = queryset.filter(
        **{
            f"{prefix}appointed_start__gte": scope.period.start_at,
            f"{prefix}appointed_start__lt": scope.period.end_at,
        }
    ).exclude(**{f"{prefix}state": VisitState.CANCELLED})
    if scope.team_id is not None:
        queryset = queryset.filter(
            **{f"{prefix}technician__technician_profile__team_id": scope.team_id}
        )
    if scope.technician_id is not None:
        queryset = queryset.filter(**{f"{prefix}technician_id": scope.technician_id})
    return queryset


def _grouped(
    queryset: Any, prefix: str, scope: Scope, by: str, **aggregates: Any
) -> QuerySet:
    return (
        _in_scope(queryset, prefix, scope)
        .annotate(group=_group_key(prefix, by))
        .values("group")
        .annotate(**aggregates)
        .order_by()
    )


def visit_counts_query(scope: Scope, by: str) -> QuerySet:
    """The main query: visits, punctuality, lateness and sign-offs per group."""
    late = Q(punctuality=Punctuality.LATE)
    return _grouped(
        Visit.objects,
        "",
        scope,
        by,
        visits=Count("id"),
        arrivals_judged=Count("id", filter=~Q(punctuality="")),
        arrivals_on_time=Count("id", filter=Q(punctuality=Punctuality.ON_TIME)),
        late_arrivals=Count("id", filter=late),
        late_seconds_mean=Avg("arrival_deviation_seconds", filter=late),
        late_seconds_worst=Max("arrival_deviation_seconds", filter=late),
        # A visit has a sign-off exactly when signed_off_at is set (signoffs).
        sign_offs=Count("id", filter=Q(signed_off_at__isnull=False)),
    )


def aggregate_queries(scope: Scope, by: str) -> list[tuple[str, QuerySet]]:
    """The aggregate queries behind the figures, by name, the main one first."""
    done = {"visit__state__in": WORK_DONE_OR_LATER, "is_required": True}
    is_photo = Q(kind=ItemKind.PHOTO)
    return [
        ("visits", visit_counts_query(scope, by)),
        (
            "checklist items",
            _grouped(
                VisitChecklistItem.objects.filter(**done),
                "visit__",
                scope,
                by,
                required_items=Count("id"),
                photo_items=Count("id", filter=is_photo),
                # The answer is one-to-one: a LEFT JOIN on its unique item index.
                answered_items=Count("answer__item_id", filter=~is_photo),
            ),
        ),
        # Photos are counted from their own table, joined (no per-item EXISTS,
        # which PostgreSQL runs serially): the join runs in parallel on indexes.
        (
            "photo evidence",
            _grouped(
                Photo.objects.filter(
                    item__kind=ItemKind.PHOTO,
                    **{f"item__{name}": value for name, value in done.items()},
                ),
                "item__visit__",
                scope,
                by,
                photo_items_with_photo=Count("item", distinct=True),
            ),
        ),
        (
            "contested conduct",
            _grouped(
                # The sign-off's flag narrows the join to the few contested ones.
                ConductConfirmation.objects.filter(
                    is_confirmed=False, sign_off__has_contested_conduct=True
                ),
                "sign_off__visit__",
                scope,
                by,
                contested_items=Count("id"),
            ),
        ),
        (
            "follow-up calls",
            _grouped(
                Call.objects.filter(
                    purpose=CallPurpose.FOLLOW_UP, rating__isnull=False
                ),
                "visit__",
                scope,
                by,
                ratings=Count("id"),
                rating_mean=Avg("rating"),
                ratings_satisfied=Count(
                    "id", filter=Q(rating__gte=rules.SATISFIED_RATING_AT_LEAST)
                ),
            ),
        ),
        ("complaints", _complaint_counts(scope, by)),
    ]


def _counts_by_group(scope: Scope, by: str) -> dict[Any, Counts]:
    """The aggregate queries' rows, merged per group key."""
    merged: dict[Any, Counts] = {}
    with transaction.atomic():
        _without_jit()
        for _name, query in aggregate_queries(scope, by):
            for row in query:
                key = _normal_key(row.pop("group"))
                merged[key] = replace(merged.get(key, Counts()), **row)
    return merged


def _without_jit() -> None:
    """PostgreSQL's JIT takes about 0.5 s to compile the checklist query, whose
    estimated cost (one index probe per item) is high, though it runs in less:
    off for this transaction only (bench/scorecard_bench.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _complaint_counts(scope: Scope, by: str) -> QuerySet:
    """A clock is judged once it stopped, or once it ran out while still running:
    an open complaint past its due time counts as missed."""
    now = timezone.now()
    responded = Q(first_responded_at__isnull=False)
    resolved = Q(resolved_at__isnull=False)
    return _grouped(
        Complaint.objects,
        "visit__",
        scope,
        by,
        complaints=Count("id"),
        responses_judged=Count(
            "id", filter=responded | Q(first_response_due_at__lt=now)
        ),
        responses_in_time=Count(
            "id",
            filter=responded & Q(first_responded_at__lte=F("first_response_due_at")),
        ),
        resolutions_judged=Count("id", filter=resolved | Q(resolution_due_at__lt=now)),
        resolutions_in_time=Count(
            "id", filter=resolved & Q(resolved_at__lte=F("resolution_due_at"))
        ),
    )


def _normal_key(key: Any) -> Any:
    """Weeks as the local date of their Monday; ids as they are."""
    if isinstance(key, datetime):
        return timezone.localtime(key).date() if timezone.is_aware(key) else key.date()
    return key


def _technicians(scope: Scope) -> QuerySet:
    technicians = User.objects.filter(role=Role.TECHNICIAN).select_related(
        "technician_profile__team"
    )
    if scope.team_id is not None:
        technicians = technicians.filter(technician_profile__team_id=scope.team_id)
    if scope.technician_id is not None:
        technicians = technicians.filter(pk=scope.technician_id)
    return technicians.order_by("technician_profile__employee_number", "id")


def scorecard_by_technician(scope: Scope) -> list[dict[str, Any]]:
    """One row per technician (in the team, if one is given), with every figure;
    technicians without visits in the period have rates of None."""
    counts = _counts_by_group(scope, GROUP_TECHNICIAN)
    result = []
    for technician in _technicians(scope):
        profile = getattr(technician, "technician_profile", None)
        team = profile.team if profile else None
        result.append(
            {
                "technician": technician.pk,
                "name": technician.display_name,
                "employee_number": profile.employee_number if profile else "",
                "team": team.pk if team else None,
                "team_name": team.name if team else "",
                **rules.figures(counts.get(technician.pk, Counts())),
            }
        )
    return result


def scorecard_by_team(scope: Scope) -> list[dict[str, Any]]:
    """One row per team, and one for technicians in no team when they had visits."""
    counts = _counts_by_group(scope, GROUP_TEAM)
    teams = Team.objects.order_by("name")
    if scope.team_id is not None:
        teams = teams.filter(pk=scope.team_id)
    result = [
        {
            "team": team.pk,
            "name": team.name,
            **rules.figures(counts.get(team.pk, Counts())),
        }
        for team in teams
    ]
    if None in counts and scope.team_id is None:
        result.append(
            {"team": None, "name": str(_("No team")), **rules.figures(counts[None])}
        )
    return result


def scorecard_by_week(scope: Scope) -> list[dict[str, Any]]:
    """One row per ISO week (Monday) overlapping the period, weeks without visits
    included, so a trend line has no gaps in time."""
    counts = _counts_by_group(scope, GROUP_WEEK)
    return [
        {"week": monday, **rules.figures(counts.get(monday, Counts()))}
        for monday in rules.week_starts(scope.period.start, scope.period.end)
    ]


def scorecard_overall(scope: Scope) -> dict[str, Any]:
    """The figures of all visits in scope together (the company's line)."""
    return rules.figures(_counts_by_group(scope, GROUP_ALL).get(0, Counts()))
