"""The admin of the conduct checklist: a visit's items and photos (shown on the
visit's page) and the versioned templates."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fieldservice.admin import ReadOnlyInline
from visits.checklists import selectors, services
from visits.checklists.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Photo,
    VisitChecklistItem,
)


class ChecklistInline(ReadOnlyInline):
    model = VisitChecklistItem
    fields = [
        "position",
        "stage",
        "text",
        "kind",
        "is_required",
        "answer_value",
        "photos",
    ]
    readonly_fields = fields
    ordering = ["position", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("answer").with_photo_count()

    @admin.display(description=_("answer"))
    def answer_value(self, item: VisitChecklistItem) -> str:
        answer = selectors.answer_of(item)
        return "-" if answer is None else f"{answer.value!r} {answer.note}".strip()

    @admin.display(description=_("photos"))
    def photos(self, item: VisitChecklistItem) -> int:
        return item.photo_count


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["preview", "item", "sha256", "captured_at", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, photo: Photo):
        return format_html(
            '<a href="{}"><img src="{}" style="max-height:80px"></a>',
            reverse("photo-image", args=[photo.id]),
            reverse("photo-thumbnail", args=[photo.id]),
        )


class TemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 0
    fields = [
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
            services.template_publish(template=template)
        self.message_user(request, _("Published."), messages.SUCCESS)

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
