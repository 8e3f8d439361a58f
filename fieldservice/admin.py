"""Admin pieces every app uses: rows the system writes are read-only, and a
service's refusal becomes a message with nothing written."""

from django import forms
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
