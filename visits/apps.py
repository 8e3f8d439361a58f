from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        """Installs what reacts to the visit lifecycle, in this order: the
        checklist first (its snapshot, its refusal of an incomplete "work
        done"), then the calls. See visits.lifecycle.hooks."""
        from visits.calls.reactions import HOOKS as CALL_HOOKS
        from visits.checklists.reactions import HOOKS as CHECKLIST_HOOKS
        from visits.lifecycle import hooks

        hooks.install([*CHECKLIST_HOOKS, *CALL_HOOKS])
