"""The admin of the conduct checklist: a visit's items and photos (shown on the
visit's page) and the versioned templates."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import DispatcherOnlyAdminMixin
from fieldservice.admin import ReadOnlyInline
from fieldservice.errors import ApplicationError
from fieldservice.i18n import pick_active
from visits.checklists import selectors, services
from visits.checklists.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemKind,
    Photo,
    VisitChecklistItem,
)


class EvidenceMedia:
    css = {"all": ["visits/admin.css"]}


class ChecklistInline(DispatcherOnlyAdminMixin, ReadOnlyInline):
    """The visit's checklist in stage order, each answer as a person reads it.
    `is_contested` is annotated by the visit's admin, which knows the sign-off."""

    model = VisitChecklistItem
    fields = [
        "stage",
        "position",
        "text",
        "kind",
        "required_mark",
        "answer_value",
        "answered",
        "photos",
    ]
    readonly_fields = fields
    ordering = ["position", "id"]
    Media = EvidenceMedia

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("answer", "answer__answered_by")
            .with_photo_count()
        )

    @admin.display(description=_("required"))
    def required_mark(self, item: VisitChecklistItem):
        if not item.is_required:
            return _("optional")
        return format_html('<strong class="fs-required">{}</strong>', _("required"))

    @admin.display(description=_("answer"))
    def answer_value(self, item: VisitChecklistItem):
        answer = selectors.answer_of(item)
        if item.kind == ItemKind.PHOTO:
            count = item.photo_count  # type: ignore[attr-defined]  # annotated
            text = str(_("Photos: %(count)s") % {"count": count}) if count else "-"
        else:
            text = "-" if answer is None else readable_answer(item, answer.value)
        if answer is not None and answer.note:
            text = f"{text} ({answer.note})"
        if getattr(item, "is_contested", False):
            return format_html(
                '<span class="fs-contested">{} <strong>{}</strong></span>',
                text,
                _("Contested by the customer at sign-off"),
            )
        return text

    @admin.display(description=_("answered"))
    def answered(self, item: VisitChecklistItem) -> str:
        answer = selectors.answer_of(item)
        if answer is None:
            return "-"
        moment = timezone.localtime(answer.captured_at or answer.received_at)
        return f"{answer.answered_by} {moment:%Y-%m-%d %H:%M}"

    @admin.display(description=_("photos"))
    def photos(self, item: VisitChecklistItem) -> int:
        return item.photo_count  # type: ignore[attr-defined]  # annotated


def readable_answer(item: VisitChecklistItem, value) -> str:
    """An answer as a dispatcher reads it, in the page's language."""
    if value is None:
        return "-"
    if item.kind == ItemKind.CONFIRM:
        return str(_("Yes") if value else _("No"))
    if item.kind == ItemKind.CHOICE:
        for choice in item.choices:
            if isinstance(choice, dict) and choice.get("value") == value:
                return pick_active(
                    str(choice.get("zh") or value), str(choice.get("en") or value)
                )
    return str(value)


class PhotoInline(DispatcherOnlyAdminMixin, ReadOnlyInline):
    """Thumbnails that open the full photo. Both are served by the photo API,
    which checks that the signed-in user may see the visit."""

    model = Photo
    fields = ["preview", "item", "captured_at", "uploaded_at", "uploaded_by", "sha256"]
    readonly_fields = fields
    ordering = ["uploaded_at", "id"]
    Media = EvidenceMedia

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "uploaded_by")

    @admin.display(description=_("photo"))
    def preview(self, photo: Photo):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">'
            '<img class="fs-thumbnail" src="{}" alt="{}"></a>',
            reverse("photo-image", args=[photo.id]),
            reverse("photo-thumbnail", args=[photo.id]),
            _("Photo %(id)s") % {"id": photo.id},
        )


# A template item as the administrator edits it, in the order of the row.
TEMPLATE_ITEM_FIELDS = [
    "position",
    "stage",
    "code",
    "text_zh",
    "text_en",
    "kind",
    "is_required",
    "condition",
    "choices",
    "min_value",
    "max_value",
    "source",
]


class TemplateItemForm(forms.ModelForm):
    """Says at once what a technician could not answer; publishing checks again."""

    class Meta:
        model = ChecklistTemplateItem
        fields = TEMPLATE_ITEM_FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = ChecklistTemplateItem(
            kind=data.get("kind"),
            choices=data.get("choices"),
            min_value=data.get("min_value"),
            max_value=data.get("max_value"),
        )
        messages = services.template_item_problem_messages(candidate)
        if messages:
            raise forms.ValidationError(
                [message[:1].upper() + message[1:] for message in messages]
            )
        return data


class TemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    form = TemplateItemForm
    extra = 0
    fields = TEMPLATE_ITEM_FIELDS

    def _is_editable(self, obj) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None) -> bool:
        return self._is_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._is_editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    """Drafts are edited freely; publishing freezes a version. Visits booked
    from then on copy it; visits already booked keep the copy they have."""

    list_display = ["name", "visit_kind", "version", "published_at", "item_count"]
    list_filter = ["visit_kind", ("published_at", admin.EmptyFieldListFilter)]
    inlines = [TemplateItemInline]
    actions = ["publish", "new_draft_version"]
    readonly_fields = ["version", "published_at", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=_("items"), ordering="item_total")
    def item_count(self, obj) -> int:
        return obj.item_total

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ["name", "visit_kind", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = services.template_next_version(visit_kind=obj.visit_kind)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        for template in queryset:
            try:
                services.template_publish(template=template)
            except ApplicationError as error:
                self.message_user(
                    request,
                    _("%(template)s was not published: %(reason)s")
                    % {"template": template, "reason": error.detail},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(template)s published.") % {"template": template},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Start a new draft version from the selected template"))
    def new_draft_version(self, request, queryset):
        for template in queryset:
            draft = services.template_new_draft(template=template)
            self.message_user(
                request,
                _("Draft %(draft)s created.") % {"draft": draft},
                messages.SUCCESS,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_published
