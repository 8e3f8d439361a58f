"""Who may file a complaint about a visit, and as what. Dispatchers answer
and resolve them (accounts.policies.require_dispatcher)."""

from django.utils.translation import gettext_lazy as _

from accounts.policies import can_dispatch
from fieldservice.errors import NotAllowed
from visits.complaints.models import ComplaintSource


def complaint_source_for(user, visit) -> str:
    """The source a complaint filed by `user` about `visit` has; refuses anyone
    but a dispatcher or the visit's own customer."""
    if can_dispatch(user):
        return ComplaintSource.DISPATCHER
    if user.is_customer and visit.work_order.customer.user_id == user.pk:
        return ComplaintSource.CUSTOMER
    raise NotAllowed(_("Only the customer or a dispatcher can file a complaint."))
