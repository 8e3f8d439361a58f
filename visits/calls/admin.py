from django.contrib import admin

from accounts.admin import DispatcherOnlyAdminMixin
from fieldservice.admin import (
    LargeListAdminMixin,
    PhoneSearchAdminMixin,
    ReadOnlyAdminMixin,
)
from visits.calls.models import Call, RescheduleRequest


@admin.register(Call)
class CallAdmin(
    DispatcherOnlyAdminMixin,
    LargeListAdminMixin,
    PhoneSearchAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
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
        "call_back_outcome",
    ]
    list_filter = [
        "state",
        "purpose",
        "outcome",
        "call_back_outcome",
        ("due_at", admin.DateFieldListFilter),
    ]
    # By the start of the work order's number; a phone number is matched exactly
    # (search_by_phone). No date_hierarchy: its links read every row.
    search_fields = ["^visit__work_order__number"]
    list_select_related = ["visit__work_order"]

    def search_by_phone(self, queryset, number):
        return queryset.filter(to_phone=number)


@admin.register(RescheduleRequest)
class RescheduleRequestAdmin(DispatcherOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["visit", "requested_at", "handled_at", "handled_by"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["visit__work_order", "handled_by"]
    readonly_fields = ["visit", "call", "requested_at", "handled_at", "handled_by"]

    def has_add_permission(self, request) -> bool:
        return False
