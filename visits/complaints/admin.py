"""Complaints in the admin: the dispatcher answers and resolves through the
services, so the clocks and the escalation agree with what the page says."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import DispatcherOnlyAdminMixin
from fieldservice.admin import LargeListAdminMixin, ServiceAdminMixin
from visits.complaints import services
from visits.complaints.models import Complaint, ComplaintState, Holiday

SYSTEM_FIELDS = [
    "visit",
    "source",
    "call",
    "conduct_item",
    "rating",
    "state",
    "description",
    "opened_at",
    "opened_by",
    "first_response_due_at",
    "first_responded_at",
    "resolution_due_at",
    "resolved_at",
    "escalation_level",
    "escalated_at",
]


@admin.register(Complaint)
class ComplaintAdmin(
    DispatcherOnlyAdminMixin, LargeListAdminMixin, ServiceAdminMixin, admin.ModelAdmin
):
    """Only the first response (while open) and the resolution (until resolved)
    are written here, each by its service; the customer's text, the state and
    the clocks are shown as recorded."""

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
    search_fields = ["^visit__work_order__number", "description"]
    # Newest first, in the order of the complaint_list_order index (read backwards).
    ordering = ["-opened_at", "-id"]
    # The visits and work orders of a page are fetched by id after it (two small
    # queries): joined into the page's query, PostgreSQL hashes every visit to
    # reach a deep page.
    list_select_related = ()
    fields = [*SYSTEM_FIELDS[:7], "response", "resolution", *SYSTEM_FIELDS[7:]]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("visit__work_order")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(SYSTEM_FIELDS)
        if obj is None or obj.state != ComplaintState.OPEN:
            readonly.append("response")
        if obj is None or obj.state == ComplaintState.RESOLVED:
            readonly.append("resolution")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for name, help_text in (
            ("response", _("Saving a response records the first response.")),
            ("resolution", _("Saving a resolution resolves the complaint.")),
        ):
            if name in form.base_fields:
                form.base_fields[name].help_text = help_text
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if "response" in form.changed_data:
            services.complaint_respond(
                complaint=obj, by=request.user, response=data["response"]
            )
        if "resolution" in form.changed_data:
            services.complaint_resolve(
                complaint=obj, by=request.user, resolution=data["resolution"]
            )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
