from django.contrib import admin

from visits.complaints.models import Complaint, Holiday


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
