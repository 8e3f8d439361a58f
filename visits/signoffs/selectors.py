"""Reads for the signing screens (the phone app's and the customer's page): what
the customer is asked to sign, in the language they read it in."""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.i18n import pick
from visits.checklists.models import ChecklistStage, ItemKind, Photo
from visits.lifecycle.models import Visit


def _local(value: datetime | None) -> str | None:
    """Local wall-clock time with its offset: the customer reads the time of the
    place the visit happened, whatever their phone's time zone."""
    return timezone.localtime(value).isoformat() if value else None


def _answer_text(item, value, language: str) -> str:
    if item.kind == ItemKind.CONFIRM:
        return _("Yes") if value else _("No")
    if item.kind == ItemKind.CHOICE:
        for choice in item.choices or []:
            if choice.get("value") == value:
                return pick(language, choice.get("zh", value), choice.get("en", value))
    return str(value)


def sign_off_summary(visit: Visit, *, language: str) -> dict:
    """The work the customer signs for: the work order and whose it is, the fault or request,
    what the technician recorded in the checklist's work stage (answered items
    only, with their notes), the visit's times and who did the work. Expects
    the visit with `work_order` and `technician__technician_profile` loaded."""
    work_order = visit.work_order
    done = []
    items = visit.checklist.filter(stage=ChecklistStage.WORK, answer__isnull=False)
    for item in items.select_related("answer").order_by("position", "id"):
        answer = item.answer
        if answer.value is None or answer.value == "":
            continue
        done.append(
            {
                "code": item.code,
                "text": pick(language, item.text_zh, item.text_en),
                "answer": _answer_text(item, answer.value, language),
                "note": answer.note,
            }
        )
    return {
        "work_order_number": work_order.number,
        "kind": work_order.kind,
        "kind_label": str(work_order.get_kind_display()),
        "customer_name": work_order.customer_name,
        "address": work_order.address,
        "request": work_order.description,
        "work_done": done,
        "appointed_start": _local(visit.appointed_start),
        "arrived_at": _local(visit.arrived_at),
        "work_started_at": _local(visit.work_started_at),
        "work_done_at": _local(visit.work_done_at),
        "technician_name": visit.technician.display_name,
        "employee_number": visit.technician.technician_profile.employee_number,
    }


def sign_off_photos(
    visit: Visit, *, language: str, thumbnail_url: Callable[[Photo], str]
) -> list[dict]:
    """The visit's evidence photos in the order they were taken, labelled with
    their checklist item (empty for a photo of the whole visit)."""
    photos = Photo.objects.filter(visit=visit).select_related("item")
    return [
        {
            "id": photo.id,
            "item_code": photo.item.code if photo.item else "",
            "item_text": pick(language, photo.item.text_zh, photo.item.text_en)
            if photo.item
            else "",
            "stage": photo.item.stage if photo.item else "",
            "stage_label": str(photo.item.get_stage_display()) if photo.item else "",
            "captured_at": _local(photo.captured_at or photo.uploaded_at),
            "thumbnail_url": thumbnail_url(photo),
        }
        for photo in photos.order_by("uploaded_at", "id")
    ]


def visit_photo(visit_id: int, photo_id: int) -> Photo | None:
    """A photo of this visit, None for any other photo id."""
    return Photo.objects.filter(visit_id=visit_id, pk=photo_id).first()
