"""The dispatcher's admin for work orders and visits. Every write goes through
the services, so the admin books, moves and reassigns visits under the same
rules as the API, and a refused change writes nothing (the admin's
transaction is rolled back)."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import DispatcherOnlyAdminMixin
from accounts.models import AreaTier, Role
from fieldservice import inputs
from fieldservice.admin import (
    ChangePageInlinesMixin,
    LargeListAdminMixin,
    PhoneSearchAdminMixin,
    ReadOnlyInline,
    ServiceAdminMixin,
)
from visits.lifecycle import selectors, services
from visits.lifecycle.models import (
    TemporaryLeave,
    Visit,
    VisitEvent,
    VisitEventKind,
    WorkOrder,
)
from visits.lifecycle.rules import TimeSource, VisitState


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
class WorkOrderAdmin(
    DispatcherOnlyAdminMixin,
    LargeListAdminMixin,
    PhoneSearchAdminMixin,
    ServiceAdminMixin,
    ChangePageInlinesMixin,
    admin.ModelAdmin,
):
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
    # By the start of the number or the name (indexed); a phone number is
    # matched exactly (search_by_phone). No date_hierarchy: its year and month
    # links read every row of the table.
    search_fields = ["^number", "^customer_name"]
    autocomplete_fields = ["customer"]
    inlines = [WorkOrderVisitInline]

    def search_by_phone(self, queryset, number):
        return queryset.for_phone(number)

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
        signed = ["description"] if selectors.work_order_is_signed(obj) else []
        return [
            *signed,
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
            # A field shown read-only is not in the form: a forged value never
            # reaches here, and the service refuses a change after sign-off.
            if "description" in form.changed_data:
                services.work_order_update_description(
                    work_order=obj,
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
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


class LeaveInline(DispatcherOnlyAdminMixin, ReadOnlyInline):
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


class EventInline(DispatcherOnlyAdminMixin, ReadOnlyInline):
    model = VisitEvent
    fields = ["at", "kind", "from_state", "to_state", "actor", "data"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


def device_time_words(data: dict, *, occurred_at: datetime | None) -> str:
    """Where a step's time came from, in plain words, from its event's data
    (docs/rules.md#offline-steps): "Reported by the phone, received 10:40,
    phone clock 2 min fast"."""
    received_at = datetime.fromisoformat(data["received_at"])
    local = timezone.localtime(received_at)
    same_day = occurred_at is not None and (
        timezone.localtime(occurred_at).date() == local.date()
    )
    received = f"{local:%H:%M}" if same_day else f"{local:%Y-%m-%d %H:%M}"
    offset = data.get("clock_offset_seconds")
    if offset is None:
        return _(
            "Reported by the phone, received %(received)s; the phone did not "
            "send its clock"
        ) % {"received": received}
    minutes = round(abs(offset) / 60)
    if minutes == 0:
        sentence = _(
            "Reported by the phone, received %(received)s, phone clock right "
            "to the minute"
        )
    elif offset < 0:  # the server is behind the phone: the phone runs fast
        sentence = _(
            "Reported by the phone, received %(received)s, phone clock "
            "%(minutes)s min fast"
        )
    else:
        sentence = _(
            "Reported by the phone, received %(received)s, phone clock "
            "%(minutes)s min slow"
        )
    return sentence % {"received": received, "minutes": minutes}


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
        if "appointed_start" in self.fields:
            self.fields["appointed_start"].validators.append(
                inputs.check_supported_date
            )
        if "technician" in self.fields:
            self.fields["technician"].queryset = self.fields[
                "technician"
            ].queryset.filter(role=Role.TECHNICIAN, technician_profile__is_active=True)


class VisitAdmin(
    DispatcherOnlyAdminMixin,
    LargeListAdminMixin,
    PhoneSearchAdminMixin,
    ServiceAdminMixin,
    ChangePageInlinesMixin,
    admin.ModelAdmin,
):
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
        ("appointed_start", admin.DateFieldListFilter),
        "state",
        "technician",
        "punctuality",
        "work_order__kind",
        ("sign_off__has_contested_conduct", admin.BooleanFieldListFilter),
    ]
    # As the work orders' (WorkOrderAdmin); the day filter and the appointed
    # start's date filter instead of a date_hierarchy that reads every row.
    search_fields = ["^work_order__number", "^work_order__customer_name"]
    list_select_related = ["work_order", "technician"]
    autocomplete_fields = ["work_order"]
    # visits.admin adds the inlines of the packages downstream of the lifecycle.
    inlines = [LeaveInline, EventInline]
    # Total (the id breaks ties), in the order of the visit_list_order index.
    ordering = ["appointed_start", "id"]

    def search_by_phone(self, queryset, number):
        return queryset.filter(work_order__in=WorkOrder.objects.for_phone(number))

    readonly_fields = [
        "sequence",
        "state",
        "arrival_tolerance_minutes",
        "en_route_at",
        "arrived_at",
        "arrival_time_from",
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
        if obj.state != VisitState.SCHEDULED:
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
        judged = f"{obj.get_punctuality_display()} ({minutes:+d} min)"
        if obj.arrival_time_source == TimeSource.DEVICE:
            return _("%(punctuality)s, reported by the phone") % {"punctuality": judged}
        return judged

    @admin.display(description=_("arrival time from"))
    def arrival_time_from(self, obj: Visit) -> str:
        if obj.arrival_time_source == TimeSource.SERVER:
            return _("The server's clock, when the arrival reached it")
        if obj.arrival_time_source != TimeSource.DEVICE:
            return "-"
        event = (
            obj.events.filter(kind=VisitEventKind.ARRIVE).order_by("-at", "-id").first()
        )
        if event is None or "received_at" not in event.data:
            return str(obj.get_arrival_time_source_display())
        return device_time_words(event.data, occurred_at=obj.arrived_at)

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
