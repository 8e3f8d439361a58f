"""The visits app's admin: each sub-domain registers its own models; the visit's
page gathers the evidence of every package."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from visits.calls import admin as calls_admin  # noqa: F401  (registers)
from visits.checklists.admin import ChecklistInline, PhotoInline
from visits.complaints import admin as complaints_admin  # noqa: F401  (registers)
from visits.lifecycle import admin as lifecycle_admin
from visits.lifecycle.models import Visit
from visits.scorecard import admin as scorecard_admin  # noqa: F401  (registers)
from visits.signoffs import admin as signoffs_admin  # noqa: F401  (registers)
from visits.signoffs.models import ConductConfirmation


class VisitChecklistInline(ChecklistInline):
    """The checklist, with the items the customer contested at sign-off marked."""

    def get_queryset(self, request):
        contested = ConductConfirmation.objects.filter(
            sign_off__visit=OuterRef("visit"),
            code=OuterRef("code"),
            is_confirmed=False,
        )
        return super().get_queryset(request).annotate(is_contested=Exists(contested))


@admin.register(Visit)
class VisitAdmin(lifecycle_admin.VisitAdmin):
    inlines = [
        VisitChecklistInline,
        PhotoInline,
        *lifecycle_admin.VisitAdmin.inlines,
    ]
