"""The visits app's admin: each sub-domain registers its own models; the visit's
page gathers the evidence of every package."""

from django.contrib import admin

from visits.calls import admin as calls_admin  # noqa: F401  (registers)
from visits.checklists.admin import ChecklistInline, PhotoInline
from visits.complaints import admin as complaints_admin  # noqa: F401  (registers)
from visits.lifecycle import admin as lifecycle_admin
from visits.lifecycle.models import Visit
from visits.signoffs import admin as signoffs_admin  # noqa: F401  (registers)


@admin.register(Visit)
class VisitAdmin(lifecycle_admin.VisitAdmin):
    inlines = [ChecklistInline, PhotoInline, *lifecycle_admin.VisitAdmin.inlines]
