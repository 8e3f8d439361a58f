from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ChangeRecord,
    CompanySettings,
    Customer,
    Team,
    TechnicianProfile,
    User,
)
from accounts.policies import can_dispatch
from accounts.services import (
    change_records_write,
    dispatcher_access_sync,
    recorded_values,
)
from fieldservice.admin import LargeListAdminMixin, PhoneSearchAdminMixin


class DispatcherOnlyAdminMixin:
    """For pages showing evidence from customers' homes: dispatchers and
    administrators only. A staff account of another role (a technician given
    admin access by mistake) sees none of it, whatever its permissions."""

    def has_view_permission(self, request, obj=None) -> bool:
        return can_dispatch(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_dispatch(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request, *args) -> bool:
        return can_dispatch(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None) -> bool:
        return can_dispatch(request.user) and super().has_delete_permission(
            request, obj
        )


class ChangeRecordInline(GenericTabularInline):
    """Who changed which detail, from what to what: newest first, read-only."""

    model = ChangeRecord
    fields = ["changed_at", "changed_by", "field", "old_value", "new_value"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("changes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordedChangesAdminMixin:
    """Writes a change record for every field a save changes, on the row and
    on the rows of its inlines, and shows them on the change page."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None:
            return [inline for inline in inlines if inline is not ChangeRecordInline]
        return inlines

    def save_model(self, request, obj, form, change):
        before = recorded_values(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            change_records_write(instance=obj, before=before, by=request.user)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        if model is ChangeRecord:
            return super().save_formset(request, form, formset, change)
        ids = [row.instance.pk for row in formset.forms if row.instance.pk]
        before = {
            row.pk: recorded_values(row) for row in model.objects.filter(pk__in=ids)
        }
        super().save_formset(request, form, formset, change)
        for row in formset.forms:
            if row.instance.pk in before:
                change_records_write(
                    instance=row.instance,
                    before=before[row.instance.pk],
                    by=request.user,
                )
        return None


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class TechnicianProfileInline(admin.StackedInline):
    model = TechnicianProfile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(RecordedChangesAdminMixin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "phone", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = [
        "username",
        "first_name",
        "last_name",
        "phone",
        "technician_profile__employee_number",
    ]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Field service"), {"fields": ["role", "phone", "language"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Field service"), {"fields": ["role", "phone", "language"]}),
    ]
    inlines = [TechnicianProfileInline, ChangeRecordInline]

    def save_related(self, request, form, formsets, change):
        # After the groups field is saved, so the form cannot undo the sync.
        super().save_related(request, form, formsets, change)
        dispatcher_access_sync(user=form.instance)


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(RecordedChangesAdminMixin, admin.ModelAdmin):
    list_display = ["employee_number", "user", "phone", "team", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["employee_number", "user__first_name", "user__last_name", "phone"]
    list_select_related = ["user", "team"]


@admin.register(Customer)
class CustomerAdmin(
    DispatcherOnlyAdminMixin,
    LargeListAdminMixin,
    PhoneSearchAdminMixin,
    RecordedChangesAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["name", "phone", "address", "area_tier", "language"]
    list_filter = ["area_tier", "language"]
    # By the start of the name or of the address (indexed); a phone number is
    # matched exactly (search_by_phone).
    search_fields = ["^name", "^address"]

    def search_by_phone(self, queryset, number):
        return queryset.filter(phone=number)

    raw_id_fields = ["user"]
    inlines = [ChangeRecordInline]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(DispatcherOnlyAdminMixin, admin.ModelAdmin):
    """Every recorded change of people's details, for looking across them."""

    list_display = [
        "changed_at",
        "content_type",
        "object_id",
        "field",
        "old_value",
        "new_value",
        "changed_by",
    ]
    list_filter = ["content_type", "field"]
    list_select_related = ["content_type", "changed_by"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CompanySettings)
class CompanySettingsAdmin(admin.ModelAdmin):
    list_display = [
        "company_name",
        "customer_service_hotline",
        "arrival_tolerance_minutes",
    ]

    def has_add_permission(self, request) -> bool:
        return not CompanySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
