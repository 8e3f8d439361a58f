"""Read paths of complaints."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.policies import can_dispatch
from visits.complaints.models import Complaint
from visits.lifecycle.selectors import visits_visible_to


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Dispatchers see every complaint; others those on visits they may see."""
    complaints = Complaint.objects.select_related("visit__work_order", "conduct_item")
    if can_dispatch(user):
        return complaints
    return complaints.filter(visit__in=visits_visible_to(user))
