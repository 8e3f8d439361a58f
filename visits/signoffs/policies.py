"""Who may start a customer's signing: the visit's technician or a dispatcher.
The signing itself is the lifecycle's sign-off step (its actor rules apply);
a signing link stands for the customer, who has no account. Once signed, what
the signature covers is frozen: `is_signed` and `require_work_order_editable`
are for every writer (services, API, admin) to ask."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from fieldservice.errors import Conflict, NotAllowed
from visits.lifecycle.models import Visit, WorkOrder
from visits.lifecycle.policies import ACTOR_MESSAGES, can_act_as
from visits.lifecycle.rules import Actor
from visits.signoffs.models import SignOff


def can_make_link(user, visit) -> bool:
    return can_act_as(user, visit, Actor.EITHER)


def require_link_maker(user, visit) -> None:
    if not can_make_link(user, visit):
        raise NotAllowed(ACTOR_MESSAGES[Actor.EITHER])


# What a signature covers of a work order (the record's "work_order" block):
# none of it may change once one of the order's visits is signed.
SIGNED_WORK_ORDER_FIELDS = frozenset(
    {"kind", "description", "customer_name", "customer_phone", "address", "area_tier"}
)


def is_signed(target: Visit | WorkOrder) -> bool:
    """Whether a customer's signature covers `target`: a visit with a sign-off
    record, or a work order one of whose visits has one."""
    if isinstance(target, WorkOrder):
        return SignOff.objects.filter(visit__work_order=target).exists()
    return SignOff.objects.filter(visit=target).exists()


def require_work_order_editable(work_order: WorkOrder, fields: Iterable[str]) -> None:
    """Refuses (409) a change to fields a signature covers once signed; other
    fields (and unsigned orders) may change."""
    covered = sorted(SIGNED_WORK_ORDER_FIELDS.intersection(fields))
    if covered and is_signed(work_order):
        raise Conflict(
            _(
                "The customer has signed this work order; %(fields)s can no "
                "longer be changed."
            )
            % {"fields": ", ".join(covered)},
            code="work_order_signed",
            extra={"fields": covered},
        )
