"""Admin pieces every app uses: rows the system writes are read-only, and a
service's refusal becomes a message with nothing written."""

import math

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property

from fieldservice.errors import ApplicationError
from fieldservice.phones import typed_phone_number


def estimated_rows(using: str, table: str) -> int:
    """The planner's row estimate of `table` (pg_class.reltuples, as of the last
    ANALYZE or autovacuum): -1 when the table was never analysed."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table]
        )
        row = cursor.fetchone()
    return int(row[0]) if row else -1


class EstimatedCountPaginator(Paginator):
    """The changelist paginator of the tables that grow with the visits.

    Unfiltered on PostgreSQL, a table of ADMIN_ESTIMATED_COUNT_FROM rows or more
    is not counted: its size is the planner's estimate (a COUNT(*) over a million
    rows would cost more than the page). Filtered, it is counted exactly up to
    LIST_MAX_OFFSET + 1 rows (on SQLite, exactly). Either way pages reach only
    the first LIST_MAX_OFFSET rows: an OFFSET deeper than that reads and throws
    away every row before it; a filter or a search narrows the list instead.
    The changelist says which (admin/pagination.html): "about N" for an
    estimate, "more than N" where the count stopped at the bound."""

    is_estimate = False
    is_more_than_bound = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        using = getattr(queryset, "db", "default")
        if connections[using].vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            estimate = estimated_rows(using, queryset.model._meta.db_table)
            if estimate >= settings.ADMIN_ESTIMATED_COUNT_FROM:
                self.is_estimate = True
                return estimate
        counted = queryset[: settings.LIST_MAX_OFFSET + 1].count()
        self.is_more_than_bound = counted > settings.LIST_MAX_OFFSET
        return counted

    @property
    def bound(self) -> int:
        return settings.LIST_MAX_OFFSET

    @cached_property
    def num_pages(self) -> int:
        deepest = max(1, math.ceil(settings.LIST_MAX_OFFSET / self.per_page))
        return min(super().num_pages, deepest)


class LargeListAdminMixin:
    """For changelists of tables that grow with the visits: no full count next
    to the filtered one, an estimated count and bounded depth (see
    EstimatedCountPaginator)."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator


class PhoneSearchAdminMixin:
    """A search term that is a phone number, as people type it (139 0000 0001,
    +86-139-0000-0001), finds the rows whose number is that E.164 number
    exactly, through an index, instead of scanning every row for a substring.
    Other terms go to `search_fields` (which then need no phone fields)."""

    def search_by_phone(self, queryset, number: str):
        """The rows of `queryset` for the E.164 `number`."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        number = typed_phone_number(search_term)
        if number is not None:
            return self.search_by_phone(queryset, number), False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyAdminMixin:
    """For rows the system writes: visible, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChangePageInlinesMixin:
    """Read-only inlines show what exists: nothing on an add page."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None:
            return [
                inline for inline in inlines if not issubclass(inline, ReadOnlyInline)
            ]
        return inlines


class ServiceAdminMixin:
    """Shows a service's refusal instead of a 500, with nothing written.

    A refused save is rolled back (the admin's transaction), then the page is
    built again from what was posted, the refusal shown as the form's error, so
    the dispatcher keeps what they typed. A refusal outside a save becomes a
    message."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            if request.method != "POST" or hasattr(request, "service_refusal"):
                self.message_user(request, str(error.detail), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            request.service_refusal = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def clean(self):
                super().clean()
                raise forms.ValidationError(str(refusal.detail), code=refusal.code)

        return RefusedForm


class ReadOnlyInline(admin.TabularInline):
    """Rows the system writes, shown under their parent on its change page.

    Django asks an inline for its queryset without an object, so the view
    permission must not depend on one, or the rows are silently left out.
    """

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
