"""The dispatcher's admin. Every write goes through the services, so the admin
books, moves and reassigns visits under the same rules as the API, and a refused
change writes nothing (the admin's transaction is rolled back)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import AreaTier, Role
from fieldservice.exceptions import ApplicationError
from visits import checklist, services
from visits.models import (
    Call,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Complaint,
    ConductConfirmation,
    ConsentStatement,
    Holiday,
    Photo,
    Promotion,
    RescheduleRequest,
    SignOff,
    TemporaryLeave,
    Visit,
    VisitChecklistItem,
    VisitEvent,
    WorkOrder,
)


class ReadOnlyAdminMixin:
    """For rows the system writes: visible, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceAdminMixin:
    """Shows a refused service call as an error message instead of a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            self.message_user(request, str(error.detail), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        # Nothing to show on an add page: the parent does not exist yet.
        return obj is not None and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WorkOrderVisitInline(ReadOnlyInline):
    model = Visit
    fields = [
        "sequence",
        "technician",
        "appointed_start",
        "state",
        "punctuality",
        "arrived_at",
    ]
    readonly_fields = fields
    show_change_link = True


class WorkOrderForm(forms.ModelForm):
    address = forms.CharField(
        label=_("address"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the customer's address."),
    )
    area_tier = forms.ChoiceField(
        label=_("area tier"),
        required=False,
        choices=[("", _("The customer's")), *AreaTier.choices],
    )

    class Meta:
        model = WorkOrder
        fields = ["customer", "kind", "description", "address", "area_tier"]


@admin.register(WorkOrder)
class WorkOrderAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = WorkOrderForm
    list_display = [
        "number",
        "customer_name",
        "customer_phone",
        "kind",
        "area_tier",
        "created_at",
    ]
    list_filter = ["kind", "area_tier", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["number", "customer_phone", "customer__phone", "customer_name"]
    autocomplete_fields = ["customer"]
    inlines = [WorkOrderVisitInline]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "kind", "description", "address", "area_tier"]
        return [
            "number",
            "customer",
            "customer_name",
            "customer_phone",
            "kind",
            "description",
            "address",
            "area_tier",
            "created_by",
            "created_at",
            "book_visit",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "number",
            "customer",
            "customer_name",
            "customer_phone",
            "kind",
            "address",
            "area_tier",
            "created_by",
            "created_at",
            "book_visit",
        ]

    @admin.display(description=_("book a visit"))
    def book_visit(self, obj: WorkOrder):
        url = reverse("admin:visits_visit_add") + f"?work_order={obj.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, _("Book a visit"))

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["description"])
            return
        data = form.cleaned_data
        created = services.work_order_create(
            customer=data["customer"],
            kind=data["kind"],
            description=data["description"],
            address=data["address"],
            area_tier=data["area_tier"],
            by=request.user,
        )
        obj.pk = created.pk
        obj.number = created.number

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [
            ("yesterday", _("Yesterday")),
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
        ]

    def queryset(self, request, queryset):
        offsets = {"yesterday": -1, "today": 0, "tomorrow": 1}
        if self.value() not in offsets:
            return queryset
        return queryset.on_day(
            timezone.localdate() + timedelta(days=offsets[self.value()])
        )


class LeaveInline(ReadOnlyInline):
    model = TemporaryLeave
    fields = [
        "reason",
        "note",
        "is_returning",
        "fix_deadline",
        "left_at",
        "returned_at",
    ]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = VisitEvent
    fields = ["at", "kind", "from_state", "to_state", "actor", "data"]
    readonly_fields = fields
    ordering = ["at", "id"]


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
        answer = checklist.answer_of(item)
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
            '<a href="/api/v1/photos/{}/image/"><img src="/api/v1/photos/{}/thumbnail/" '
            'style="max-height:80px"></a>',
            photo.id,
            photo.id,
        )


class VisitForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Required when moving or reassigning a booked visit."),
    )

    class Meta:
        model = Visit
        fields = [
            "work_order",
            "technician",
            "appointed_start",
            "expected_duration_minutes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "technician" in self.fields:
            self.fields["technician"].queryset = self.fields[
                "technician"
            ].queryset.filter(role=Role.TECHNICIAN, technician_profile__is_active=True)


@admin.register(Visit)
class VisitAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = VisitForm
    list_display = [
        "__str__",
        "customer",
        "technician",
        "appointed_start",
        "state",
        "punctuality_display",
    ]
    list_filter = [
        DayFilter,
        "state",
        "technician",
        "punctuality",
        "work_order__kind",
        ("sign_off__has_contested_conduct", admin.BooleanFieldListFilter),
    ]
    search_fields = [
        "work_order__number",
        "work_order__customer_phone",
        "work_order__customer__phone",
        "work_order__customer_name",
    ]
    list_select_related = ["work_order", "technician"]
    date_hierarchy = "appointed_start"
    autocomplete_fields = ["work_order"]
    inlines = [ChecklistInline, PhotoInline, LeaveInline, EventInline]
    ordering = ["appointed_start"]
    readonly_fields = [
        "sequence",
        "state",
        "arrival_tolerance_minutes",
        "en_route_at",
        "arrived_at",
        "punctuality",
        "arrival_deviation_seconds",
        "late_reason",
        "work_started_at",
        "work_done_at",
        "signed_off_at",
        "closed_at",
        "ended_reason",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "work_order",
                "technician",
                "appointed_start",
                "expected_duration_minutes",
            ]
        return [
            "work_order",
            "technician",
            "appointed_start",
            "expected_duration_minutes",
            "reason",
            *self.readonly_fields,
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.state != "scheduled":
            return [
                "work_order",
                "technician",
                "appointed_start",
                "expected_duration_minutes",
                *self.readonly_fields,
            ]
        return ["work_order", *self.readonly_fields]

    @admin.display(description=_("customer"), ordering="work_order__customer_name")
    def customer(self, obj: Visit) -> str:
        return f"{obj.work_order.customer_name} {obj.work_order.customer_phone}"

    @admin.display(description=_("punctuality"), ordering="punctuality")
    def punctuality_display(self, obj: Visit) -> str:
        if not obj.punctuality:
            return "-"
        minutes = round((obj.arrival_deviation_seconds or 0) / 60)
        return f"{obj.get_punctuality_display()} ({minutes:+d} min)"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.visit_schedule(
                work_order=data["work_order"],
                technician=data["technician"],
                appointed_start=data["appointed_start"],
                expected_duration_minutes=data["expected_duration_minutes"],
                by=request.user,
            )
            obj.pk = created.pk
            return
        current = Visit.objects.get(pk=obj.pk)
        reason = data.get("reason", "")
        if (
            "technician" in form.changed_data
            and data["technician"] != current.technician
        ):
            services.visit_reassign(
                visit=current,
                technician=data["technician"],
                by=request.user,
                reason=reason,
            )
        if {"appointed_start", "expected_duration_minutes"} & set(form.changed_data):
            services.visit_reschedule(
                visit=current,
                appointed_start=data["appointed_start"],
                expected_duration_minutes=data["expected_duration_minutes"],
                by=request.user,
                reason=reason,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Checklist templates -------------------------------------------------------


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
            obj.version = checklist.template_next_version(visit_kind=obj.visit_kind)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        for template in queryset:
            checklist.template_publish(template=template)
        self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Start a new draft version from the selected template"))
    def new_draft_version(self, request, queryset):
        for template in queryset:
            draft = checklist.template_new_draft(template=template)
            self.message_user(
                request,
                _("Draft %(draft)s created.") % {"draft": draft},
                messages.SUCCESS,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_published


# --- Sign-off ---------------------------------------------------------------------


class ConductInline(ReadOnlyInline):
    model = ConductConfirmation
    fields = ["code", "text", "is_confirmed", "comment"]
    readonly_fields = fields


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Signed records are read-only for every role: the database refuses
    changes, and `verify_signoffs` reports any made behind its back."""

    list_display = [
        "number",
        "visit",
        "signer_name",
        "channel",
        "signed_at",
        "has_contested_conduct",
    ]
    list_filter = [
        "has_contested_conduct",
        "channel",
        ("signed_at", admin.DateFieldListFilter),
    ]
    search_fields = ["visit__work_order__number", "signer_name", "snapshot_sha256"]
    list_select_related = ["visit__work_order"]
    inlines = [ConductInline]
    readonly_fields = [
        "number",
        "visit",
        "signed_at",
        "signer_name",
        "channel",
        "consent_version",
        "snapshot_sha256",
        "signature_sha256",
        "previous_chain_hash",
        "chain_hash",
        "has_contested_conduct",
        "recorded_by",
        "signature",
        "snapshot",
    ]
    fields = readonly_fields


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "title_en", "valid_from", "valid_until"]
    date_hierarchy = "valid_from"


@admin.register(ConsentStatement)
class ConsentStatementAdmin(admin.ModelAdmin):
    """A statement customers have signed is never edited: publish a new version."""

    list_display = ["version", "published_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return (
            obj is None
            or not SignOff.objects.filter(consent_version=obj.version).exists()
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


# --- Calls and complaints ---------------------------------------------------------


@admin.register(Call)
class CallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Calls are made by the system; the dispatcher reads outcomes and follows
    up failed ones by hand."""

    list_display = [
        "visit",
        "purpose",
        "state",
        "due_at",
        "attempts",
        "outcome",
        "rating",
        "last_error",
    ]
    list_filter = ["state", "purpose", "outcome"]
    search_fields = ["visit__work_order__number", "to_phone"]
    list_select_related = ["visit__work_order"]
    date_hierarchy = "due_at"


@admin.register(RescheduleRequest)
class RescheduleRequestAdmin(admin.ModelAdmin):
    list_display = ["visit", "requested_at", "handled_at", "handled_by"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["visit__work_order", "handled_by"]
    readonly_fields = ["visit", "call", "requested_at", "handled_at", "handled_by"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = [
        "visit",
        "source",
        "state",
        "rating",
        "opened_at",
        "first_response_due_at",
        "resolution_due_at",
        "escalation_level",
    ]
    list_filter = ["state", "source", "escalation_level"]
    search_fields = ["visit__work_order__number", "description"]
    list_select_related = ["visit__work_order"]
    readonly_fields = [
        "visit",
        "source",
        "call",
        "conduct_item",
        "rating",
        "opened_at",
        "opened_by",
        "first_response_due_at",
        "resolution_due_at",
        "first_responded_at",
        "resolved_at",
        "escalation_level",
        "escalated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
