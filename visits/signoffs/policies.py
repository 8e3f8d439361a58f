"""Who may start a customer's signing: the visit's technician or a dispatcher.
The signing itself is the lifecycle's sign-off step (its actor rules apply);
a signing link stands for the customer, who has no account. (What a signature
covers of a work order is frozen by `visits.lifecycle.services`
`work_order_update_description`, the one path that changes it.)"""

from fieldservice.errors import NotAllowed
from visits.lifecycle.policies import ACTOR_MESSAGES, can_act_as
from visits.lifecycle.rules import Actor


def can_make_link(user, visit) -> bool:
    return can_act_as(user, visit, Actor.EITHER)


def require_link_maker(user, visit) -> None:
    if not can_make_link(user, visit):
        raise NotAllowed(ACTOR_MESSAGES[Actor.EITHER])
