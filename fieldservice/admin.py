"""Admin pieces every app uses: rows the system writes are read-only, and a
service's refusal becomes a message with nothing written."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from fieldservice.errors import ApplicationError


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
