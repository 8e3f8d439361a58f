from django.contrib import admin

from accounts.admin import DispatcherOnlyAdminMixin
from fieldservice.admin import ReadOnlyAdminMixin
from visits.calls.models import Call, RescheduleRequest


@admin.register(Call)
class CallAdmin(DispatcherOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
    list_filter = ["state", "purpose", "outcome", "call_back_outcome"]
    search_fields = ["visit__work_order__number", "to_phone"]
    list_select_related = ["visit__work_order"]
    date_hierarchy = "due_at"


@admin.register(RescheduleRequest)
class RescheduleRequestAdmin(DispatcherOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["visit", "requested_at", "handled_at", "handled_by"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["visit__work_order", "handled_by"]
    readonly_fields = ["visit", "call", "requested_at", "handled_at", "handled_by"]

    def has_add_permission(self, request) -> bool:
        return False
