from django.contrib import admin

from accounts.admin import DispatcherOnlyAdminMixin
from visits.scorecard.models import ServiceReview


@admin.register(ServiceReview)
class ServiceReviewAdmin(DispatcherOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: reviews are made by the task or from the scorecard page."""

    list_display = ["month", "state", "generated_at", "requested_by"]
    list_filter = ["state"]
    readonly_fields = [
        "month",
        "state",
        "file",
        "requested_at",
        "requested_by",
        "generated_at",
    ]
    list_select_related = ["requested_by"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
