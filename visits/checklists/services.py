"""Write paths of the conduct checklist: the snapshot taken at booking, answers,
photo evidence and the completion guard. One function per use case; each
runs in a transaction and locks the visit it changes."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from fieldservice import errors
from fieldservice.errors import Conflict, InvalidInput
from fieldservice.files import undone_on_error
from fieldservice.i18n import sentences
from visits.checklists import policies, rules
from visits.checklists.models import (
    ChecklistAnswer,
    ChecklistStage,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemKind,
    Photo,
    VisitChecklistItem,
)
from visits.checklists.photos import process_photo
from visits.checklists.selectors import checklist_missing, current_template
from visits.lifecycle.models import Visit, state_now_sentence

MAX_TEXT_LENGTH = 2000


class PreconditionFailed(errors.PreconditionFailed):
    default_detail = _(
        "The answer was changed since you read it (If-Match does not match its ETag). "
        "Read it again before changing it."
    )


class ChecklistIncomplete(Conflict):
    code = "checklist_incomplete"


def checklist_snapshot_take(*, visit: Visit) -> int:
    """Copies the current template's items onto a newly booked visit, deciding
    for this customer's area tier which items are required. Returns the count."""
    template = current_template(visit.work_order.kind)
    if template is None:
        return 0
    area_tier = visit.work_order.area_tier
    items = [
        VisitChecklistItem(
            visit=visit,
            template_item=item,
            code=item.code,
            stage=item.stage,
            position=item.position,
            text_zh=item.text_zh,
            text_en=item.text_en,
            kind=item.kind,
            is_required=rules.item_is_required(
                is_required=item.is_required,
                condition=item.condition,
                area_tier=area_tier,
            ),
            choices=item.choices,
            min_value=item.min_value,
            max_value=item.max_value,
        )
        for item in template.items.order_by("position", "id")
    ]
    VisitChecklistItem.objects.bulk_create(items)
    visit.checklist_template = template
    visit.save(update_fields=["checklist_template"])
    return len(items)


def checklist_guard_completion(*, visit: Visit) -> None:
    """Refuses "work done" while an applicable required item is missing (409)."""
    missing = checklist_missing(visit=visit)
    if missing:
        raise ChecklistIncomplete(
            _("%(count)s required checklist items are missing.")
            % {"count": len(missing)},
            extra={"missing": missing},
        )


def _lock_for_answers(visit: Visit, by: User) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    policies.require_checklist_writer(by, visit)
    if not rules.is_answerable(visit.state):
        raise Conflict(
            sentences(
                _("The checklist can no longer be changed."),
                state_now_sentence(visit.state),
            ),
            code="checklist_closed",
        )
    return visit


def _check_evidence_timing(
    visit: Visit, item: VisitChecklistItem | None, captured_at: datetime | None
) -> None:
    """docs/rules.md#evidence-after-arrival, on the locked visit: on-site evidence
    waits for arrival (409) and cannot have been captured before it (400)."""
    stage = item.stage if item is not None else None
    problem = rules.evidence_timing_problem(
        stage=stage,
        arrived_at=visit.arrived_at,
        captured_at=captured_at,
        now=timezone.now(),
        clock_skew=timedelta(seconds=settings.EVIDENCE_CLOCK_SKEW_SECONDS),
    )
    if problem is None:
        return
    stage_label = ChecklistStage(stage).label if stage is not None else None
    extra = {
        "stage": stage,
        "arrived_at": visit.arrived_at.isoformat() if visit.arrived_at else None,
    }
    if problem is rules.EvidenceTimingProblem.NOT_ARRIVED:
        refusal = (
            _(
                "You have not arrived yet: answers and photos for the stage "
                "“%(stage)s” are taken on site."
            )
            % {"stage": stage_label}
            if stage_label is not None
            else _("You have not arrived yet: photos of the visit are taken on site.")
        )
        raise Conflict(
            sentences(refusal, state_now_sentence(visit.state)),
            code=problem.value,
            extra=extra,
        )
    if problem is rules.EvidenceTimingProblem.CAPTURED_IN_FUTURE:
        raise InvalidInput(
            _(
                "Captured at %(captured_at)s, which is still to come: set the "
                "phone's clock to network time and send it again."
            )
            % {"captured_at": _local_time(captured_at)},
            code=problem.value,
            extra=extra,
        )
    times = {
        "captured_at": _local_time(captured_at),
        "arrived_at": _local_time(visit.arrived_at),
    }
    raise InvalidInput(
        _(
            "Captured at %(captured_at)s, before the arrival at %(arrived_at)s: "
            "it cannot be evidence for the stage “%(stage)s”."
        )
        % {**times, "stage": stage_label}
        if stage_label is not None
        else _(
            "Captured at %(captured_at)s, before the arrival at %(arrived_at)s: "
            "it cannot be evidence of the visit."
        )
        % times,
        code=problem.value,
        extra=extra,
    )


def _local_time(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _clean_value(item: VisitChecklistItem, value):
    """The value as stored, or InvalidInput saying what the item expects."""
    if item.kind == ItemKind.PHOTO:
        raise InvalidInput(
            _("This item is answered by uploading a photo."), code="photo_item"
        )
    if item.kind == ItemKind.CONFIRM:
        if not isinstance(value, bool):
            raise InvalidInput(
                _("Answer this item with true or false."), code="invalid_value"
            )
        return value
    if item.kind == ItemKind.TEXT:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(
                _("Answer this item with some text."), code="invalid_value"
            )
        if len(value) > MAX_TEXT_LENGTH:
            raise InvalidInput(
                _("The text is longer than %(max)s characters.")
                % {"max": MAX_TEXT_LENGTH},
                code="invalid_value",
            )
        return value.strip()
    if item.kind == ItemKind.NUMBER:
        return _clean_number(item, value)
    allowed = [choice["value"] for choice in item.choices]
    if value not in allowed:
        raise InvalidInput(
            _("%(value)s is not one of the choices: %(choices)s.")
            % {"value": value, "choices": ", ".join(allowed)},
            code="invalid_choice",
        )
    return value


def _clean_number(item: VisitChecklistItem, value):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(_("Answer this item with a number."), code="invalid_value")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise InvalidInput(_("Answer this item with a number."), code="invalid_value")
    if item.min_value is not None and number < item.min_value:
        raise InvalidInput(
            _("The value must be at least %(min)s.")
            % {"min": item.min_value.normalize()},
            code="value_out_of_range",
        )
    if item.max_value is not None and number > item.max_value:
        raise InvalidInput(
            _("The value must be at most %(max)s.")
            % {"max": item.max_value.normalize()},
            code="value_out_of_range",
        )
    return float(number) if number != number.to_integral() else int(number)


@transaction.atomic
def checklist_answer_set(
    *,
    visit: Visit,
    item: VisitChecklistItem,
    by: User,
    value,
    note: str = "",
    captured_at: datetime | None = None,
    expected_version: int | None = None,
) -> ChecklistAnswer:
    """Sets the answer to one item (an upsert: sending the same answer again
    changes nothing). With `expected_version` (from If-Match) a stale write is
    refused with 412; 0 means "there must be no answer yet"."""
    visit = _lock_for_answers(visit, by)
    if item.visit_id != visit.pk:
        raise InvalidInput(_("This item is not on this visit's checklist."))
    value = _clean_value(item, value)
    if captured_at is not None and timezone.is_naive(captured_at):
        raise InvalidInput(
            _("The capture time must include a time zone."), code="naive_datetime"
        )
    _check_evidence_timing(visit, item, captured_at)
    answer = ChecklistAnswer.objects.select_for_update().filter(item=item).first()
    current_version = answer.version if answer else 0
    if expected_version is not None and expected_version != current_version:
        raise PreconditionFailed(extra={"current_version": current_version})
    now = timezone.now()
    note = note.strip()
    if answer is None:
        return ChecklistAnswer.objects.create(
            item=item,
            value=value,
            note=note,
            answered_by=by,
            captured_at=captured_at,
            received_at=now,
        )
    if answer.value == value and answer.note == note:
        return answer
    answer.value, answer.note, answer.answered_by = value, note, by
    answer.captured_at, answer.received_at = captured_at, now
    answer.version += 1
    answer.save(
        update_fields=[
            "value",
            "note",
            "answered_by",
            "captured_at",
            "received_at",
            "version",
        ]
    )
    return answer


@transaction.atomic
def photo_add(
    *,
    visit: Visit,
    by: User,
    upload,
    item: VisitChecklistItem | None = None,
    captured_at: datetime | None = None,
    max_bytes: int,
    max_pixels: int,
    max_side_pixels: int,
) -> Photo:
    """Stores photo evidence for the visit or one of its items, re-encoded so no
    metadata survives. The same picture sent twice for the same item is stored
    once (the second call returns the first photo).

    Who may add it is checked before the upload is read: decoding is the costly
    part and must not be open to someone who may not add photos."""
    if captured_at is not None and timezone.is_naive(captured_at):
        raise InvalidInput(
            _("The capture time must include a time zone."), code="naive_datetime"
        )
    # Checked again under the lock; this one keeps the decoder from strangers.
    policies.require_checklist_writer(by, visit)
    # Decoding is the slow part; do it before taking the visit's lock.
    processed = process_photo(
        upload,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        max_side_pixels=max_side_pixels,
    )
    visit = _lock_for_answers(visit, by)
    if item is not None and item.visit_id != visit.pk:
        raise InvalidInput(_("This item is not on this visit's checklist."))
    _check_evidence_timing(visit, item, captured_at)
    existing = Photo.objects.filter(
        visit=visit, item=item, sha256=processed.sha256
    ).first()
    if existing is not None:
        return existing
    photo = Photo(
        visit=visit,
        item=item,
        sha256=processed.sha256,
        byte_size=len(processed.display),
        source_format=processed.source_format,
        captured_at=captured_at,
        uploaded_at=timezone.now(),
        uploaded_by=by,
        width=processed.width,
        height=processed.height,
    )
    with undone_on_error() as files:
        files.save(photo.image, "display.jpg", processed.display)
        files.save(photo.thumbnail, "thumbnail.jpg", processed.thumbnail)
        photo.save()
    return photo


# --- Templates -----------------------------------------------------------------


def template_next_version(*, visit_kind: str) -> int:
    latest = (
        ChecklistTemplate.objects.filter(visit_kind=visit_kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (latest or 0) + 1


@transaction.atomic
def template_publish(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """Freezes a draft; visits booked from now on copy it."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_published:
        return template
    items = list(template.items.order_by("position", "id"))
    if not items:
        raise InvalidInput(_("A checklist without items cannot be published."))
    template_items_check(items=items)
    template.published_at = timezone.now()
    template.save(update_fields=["published_at"])
    return template


ITEM_PROBLEM_MESSAGES = {
    rules.ItemProblem.CHOICES_NOT_A_LIST: _(
        'the choices must be a list like [{"value": "a", "zh": "…", "en": "…"}]'
    ),
    rules.ItemProblem.NO_CHOICES: _("a choice item needs at least one choice"),
    rules.ItemProblem.CHOICE_NOT_AN_OBJECT: _(
        'each choice must be an object like {"value": "a", "zh": "…", "en": "…"}'
    ),
    rules.ItemProblem.CHOICE_VALUE_BLANK: _(
        'each choice needs a "value" that is non-blank text'
    ),
    rules.ItemProblem.CHOICE_LABEL_BLANK: _(
        'each choice needs a Chinese ("zh") and an English ("en") label'
    ),
    rules.ItemProblem.CHOICE_KEYS_UNKNOWN: _(
        'a choice has keys other than "value", "zh" and "en"'
    ),
    rules.ItemProblem.CHOICE_DUPLICATE: _("two choices have the same value"),
    rules.ItemProblem.CHOICES_ON_OTHER_KIND: _("only choice items have choices"),
    rules.ItemProblem.RANGE_ON_OTHER_KIND: _(
        "only number items have a minimum or maximum"
    ),
    rules.ItemProblem.RANGE_INVERTED: _("the minimum is greater than the maximum"),
}


def template_item_problem_messages(item: ChecklistTemplateItem) -> list[str]:
    """What is wrong with one template item, as sentences for the administrator."""
    problems = rules.template_item_problems(
        kind=item.kind,
        choices=item.choices,
        min_value=item.min_value,
        max_value=item.max_value,
    )
    return [str(ITEM_PROBLEM_MESSAGES[problem]) for problem in problems]


def template_items_check(*, items: list[ChecklistTemplateItem]) -> None:
    """Refuses items a technician could not answer, naming each and its problems."""
    separator = str(_("; "))
    faults = [
        str(
            _("%(code)s: %(problems)s.")
            % {"code": item.code, "problems": separator.join(messages)}
        )
        for item in items
        if (messages := template_item_problem_messages(item))
    ]
    if faults:
        raise InvalidInput(
            _("This checklist cannot be published: %(faults)s")
            % {"faults": " ".join(faults)},
            code="template_invalid",
        )


@transaction.atomic
def template_new_draft(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """Copies a template, items included, into the next draft version."""
    draft = ChecklistTemplate.objects.create(
        name=template.name,
        visit_kind=template.visit_kind,
        version=template_next_version(visit_kind=template.visit_kind),
    )
    items = list(template.items.all())
    for item in items:
        item.pk = None
        item.template = draft
    ChecklistTemplateItem.objects.bulk_create(items)
    return draft
