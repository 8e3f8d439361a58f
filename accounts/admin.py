from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import CompanySettings, Customer, Role, TechnicianProfile, User
from accounts.policies import can_dispatch
from accounts.services import dispatcher_access_grant


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


class TechnicianProfileInline(admin.StackedInline):
    model = TechnicianProfile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
    inlines = [TechnicianProfileInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.role == Role.DISPATCHER:
            dispatcher_access_grant(user=obj)


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "user", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["employee_number", "user__first_name", "user__last_name", "phone"]
    list_select_related = ["user"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "address", "area_tier", "language"]
    list_filter = ["area_tier", "language"]
    search_fields = ["name", "phone", "address"]
    raw_id_fields = ["user"]


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
