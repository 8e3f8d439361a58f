"""Read paths. `visits_visible_to` and `work_orders_visible_to` are the only
places that decide who sees what; every view starts from them."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from visits.lifecycle.models import (
    TemporaryLeave,
    Visit,
    VisitEvent,
    VisitQuerySet,
    WorkOrder,
)


def visits_visible_to(user: User) -> VisitQuerySet:
    visits = Visit.objects.select_related(
        "work_order", "technician", "technician__technician_profile"
    )
    if not user.is_authenticated:
        return visits.none()
    if user.is_dispatcher:
        return visits
    if user.is_technician:
        return visits.for_technician(user)
    if user.is_customer:
        return visits.for_customer_user(user)
    return visits.none()


def visit_detail_queryset(user: User) -> QuerySet[Visit]:
    """One visit with what its detail screen shows: leaves and the event log."""
    return visits_visible_to(user).prefetch_related(
        Prefetch("leaves", queryset=TemporaryLeave.objects.order_by("left_at", "id")),
        Prefetch(
            "events",
            queryset=VisitEvent.objects.select_related("actor").order_by("at", "id"),
        ),
    )


def work_orders_visible_to(user: User) -> QuerySet[WorkOrder]:
    work_orders = WorkOrder.objects.select_related("customer")
    if not user.is_authenticated:
        return work_orders.none()
    if user.is_dispatcher:
        pass
    elif user.is_customer:
        work_orders = work_orders.for_customer_user(user)
    elif user.is_technician:
        work_orders = work_orders.filter(visits__technician=user).distinct()
    else:
        return work_orders.none()
    return work_orders.prefetch_related(
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related(
                "technician", "technician__technician_profile"
            ),
        )
    )


def my_visits_on(user: User, day) -> VisitQuerySet:
    """The technician's own visits of one local day."""
    return (
        visits_visible_to(user)
        .for_technician(user)
        .on_day(day)
        .order_by("appointed_start", "id")
    )


def visible_visit_or_404(user: User, pk: int, *related: str) -> Visit:
    """The visit `pk` if `user` may see it (with `related` joined), else 404:
    someone else's visit is not found, never forbidden."""
    return _one_or_404(visits_visible_to(user), pk, related)


def visible_visit_row_or_404(user: User, pk: int, *related: str) -> Visit:
    """As visible_visit_or_404, but the visit's own row only (with `related`
    joined): for the phone's frequent checklist reads and writes, which use
    neither the work order nor the technician's profile."""
    return _one_or_404(visits_visible_to(user).select_related(None), pk, related)


def _one_or_404(visits: QuerySet[Visit], pk: int, related: tuple[str, ...]) -> Visit:
    if related:
        visits = visits.select_related(*related)
    return get_object_or_404(visits, pk=pk)


def work_order_is_signed(work_order: WorkOrder) -> bool:
    """Whether a customer has signed for a visit of the work order: from then on
    what the signature covers is frozen (docs/rules.md#signed-record)."""
    return work_order.visits.filter(signed_off_at__isnull=False).exists()
