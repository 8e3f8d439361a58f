"""Read paths of the checklist: a visit's items with answers and photos, and
progress over many visits. Visibility starts from the lifecycle's selectors."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import User
from visits.checklists import rules
from visits.checklists.models import (
    ChecklistAnswer,
    ChecklistTemplate,
    Photo,
    VisitChecklistItem,
)
from visits.lifecycle.models import Visit
from visits.lifecycle.selectors import visits_visible_to


def checklist_items_for(visit: Visit) -> QuerySet[VisitChecklistItem]:
    """A visit's checklist with answers, photo counts and photos: three queries
    however many items."""
    return (
        VisitChecklistItem.objects.filter(visit=visit)
        .select_related("answer")
        .with_photo_count()
        .prefetch_related(
            Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at", "id"))
        )
        .order_by("position", "id")
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


def current_template(visit_kind: str) -> ChecklistTemplate | None:
    """The newest published template for the kind, else the newest for any kind."""
    published = ChecklistTemplate.objects.filter(published_at__isnull=False)
    return (
        published.filter(visit_kind=visit_kind).order_by("-version").first()
        or published.filter(visit_kind="").order_by("-version").first()
    )


def checklist_missing(*, visit: Visit) -> list[dict]:
    """The applicable required items still missing, in checklist order."""
    items = list(
        VisitChecklistItem.objects.filter(visit=visit)
        .select_related("answer")
        .with_photo_count()
        .order_by("position", "id")
    )
    return missing_from_items(items)


def _progress_of(item: VisitChecklistItem, photo_count: int) -> rules.ItemProgress:
    answer = answer_of(item)
    return rules.ItemProgress(
        item_id=item.id,
        kind=item.kind,
        is_required=item.is_required,
        is_answered=answer is not None,
        value=answer.value if answer is not None else None,
        photo_count=photo_count,
    )


def _progress(items: list[VisitChecklistItem]) -> list[rules.ItemProgress]:
    """`items` need `answer` loaded and a `photo_count` annotation."""
    return [_progress_of(item, item.photo_count) for item in items]  # type: ignore[attr-defined]


def missing_reason_of(item: VisitChecklistItem) -> str | None:
    """Why this one item still keeps the visit from "work done" (a
    rules.MissingReason value), or None. Uses the `photo_count` annotation
    when there is one; otherwise counts the photos of a photo item only (the
    rules ignore the others' photos)."""
    photo_count = getattr(item, "photo_count", None)
    if photo_count is None:
        photo_count = item.photos.count() if item.kind == "photo" else 0
    missing = rules.missing_items([_progress_of(item, photo_count)])
    return missing[0][1].value if missing else None


def missing_from_items(items: list[VisitChecklistItem]) -> list[dict]:
    """`items` need `answer` loaded and a `photo_count` annotation."""
    by_id = {item.id: item for item in items}
    return [
        {
            "item": item_id,
            "code": by_id[item_id].code,
            "text": by_id[item_id].text,
            "reason": reason.value,
        }
        for item_id, reason in rules.missing_items(_progress(items))
    ]


def progress_by_visit(rows: list[tuple]) -> dict[int, dict]:
    """Checklist progress per visit from selectors.checklist_rows_of."""
    by_visit: dict[int, list[rules.ItemProgress]] = {}
    for item_id, visit_id, kind, is_required, answer_id, value, has_photo in rows:
        by_visit.setdefault(visit_id, []).append(
            rules.ItemProgress(
                item_id=item_id,
                kind=kind,
                is_required=is_required,
                is_answered=answer_id is not None,
                value=value,
                photo_count=int(has_photo),
            )
        )
    return {
        visit_id: {
            "items": len(items),
            "required": sum(item.is_required for item in items),
            "missing": len(rules.missing_items(items)),
        }
        for visit_id, items in by_visit.items()
    }


def answer_of(item: VisitChecklistItem) -> ChecklistAnswer | None:
    try:
        return item.answer
    except ChecklistAnswer.DoesNotExist:
        return None
