"""Read paths. `visits_visible_to` and `work_orders_visible_to` are the only
places that decide who sees what; every view starts from them."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import User
from visits.models import (
    Complaint,
    Photo,
    TemporaryLeave,
    Visit,
    VisitChecklistItem,
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


def checklist_items_for(visit: Visit) -> QuerySet[VisitChecklistItem]:
    """A visit's checklist with answers, photo counts and photos: three queries
    however many items."""
    return (
        VisitChecklistItem.objects.filter(visit=visit)
        .select_related("answer", "answer__answered_by")
        .with_photo_count()
        .prefetch_related(
            Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at", "id"))
        )
        .order_by("position", "id")
    )


def my_visits_on(user: User, day) -> VisitQuerySet:
    """The technician's own visits of one local day."""
    return (
        visits_visible_to(user)
        .for_technician(user)
        .on_day(day)
        .order_by("appointed_start", "id")
    )


def checklist_rows_of(visit_ids: list[int]) -> list[tuple]:
    """What checklist progress needs of many visits' items, as plain tuples
    (id, visit_id, kind, is_required, answer id, answer value, has a photo):
    one query, and no model instances for a screen that only shows counts."""
    has_photo = Exists(Photo.objects.filter(item_id=OuterRef("pk")))
    return list(
        VisitChecklistItem.objects.filter(visit_id__in=visit_ids)
        .annotate(has_photo=has_photo)
        .order_by("visit_id", "position", "id")
        .values_list(
            "id",
            "visit_id",
            "kind",
            "is_required",
            "answer__id",
            "answer__value",
            "has_photo",
        )
    )


def photos_visible_to(user: User) -> QuerySet[Photo]:
    return Photo.objects.filter(visit__in=visits_visible_to(user))


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Dispatchers see every complaint; others those on visits they may see."""
    complaints = Complaint.objects.select_related("visit__work_order", "conduct_item")
    if user.is_authenticated and user.is_dispatcher:
        return complaints
    return complaints.filter(visit__in=visits_visible_to(user))
