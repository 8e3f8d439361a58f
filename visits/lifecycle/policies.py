"""Who may take which step of a visit: the one home of the lifecycle's
permissions. Services call these before they write; the API uses them to draw
`allowed_transitions`. Who may *see* a visit is decided in selectors."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.policies import DISPATCHERS_ONLY, can_dispatch
from fieldservice.errors import NotAllowed
from visits.lifecycle.rules import TRANSITIONS, Actor, allowed_transitions, step_name

ACTOR_MESSAGES: dict[str, Any] = {
    Actor.TECHNICIAN: _("Only the visit's technician can do this."),
    Actor.DISPATCHER: DISPATCHERS_ONLY,
    Actor.EITHER: _("Only the visit's technician or a dispatcher can do this."),
}


def is_own_technician(user, visit) -> bool:
    return bool(user and user.is_authenticated and visit.technician_id == user.pk)


def can_act_as(user, visit, actor: str) -> bool:
    """Whether `user` is the kind of person `actor` names, for this visit."""
    if actor == Actor.TECHNICIAN:
        return is_own_technician(user, visit)
    if actor == Actor.DISPATCHER:
        return can_dispatch(user)
    return is_own_technician(user, visit) or can_dispatch(user)


def can_take_step(user, visit, transition: str) -> bool:
    """Whether `user` may take `transition` on `visit`, whatever its state."""
    return can_act_as(user, visit, TRANSITIONS[transition][2])


def require_step_actor(user, visit, transition: str) -> None:
    if not can_take_step(user, visit, transition):
        raise NotAllowed(ACTOR_MESSAGES[TRANSITIONS[transition][2]])


def steps_for(user, visit) -> list[str]:
    """Steps `user` can take now, named as the API's URLs name them
    (`start-travel`, `sign-off`): what the phone or the board offers as buttons."""
    return [
        step_name(name)
        for name in allowed_transitions(visit.state)
        if can_take_step(user, visit, name)
    ]
