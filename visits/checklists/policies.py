"""Who may fill in a visit's checklist: its own technician, nobody else."""

from django.utils.translation import gettext_lazy as _

from fieldservice.errors import NotAllowed
from visits.lifecycle.policies import is_own_technician


def can_fill_checklist(user, visit) -> bool:
    return is_own_technician(user, visit)


def require_checklist_writer(user, visit) -> None:
    if not can_fill_checklist(user, visit):
        raise NotAllowed(_("Only the visit's technician can fill in its checklist."))
