"""Who may do what, for the roles themselves. Each sub-domain has its own
policies module for rules about its objects; they start from these."""

from django.utils.translation import gettext_lazy as _

from fieldservice.errors import NotAllowed

DISPATCHERS_ONLY = _("Only a dispatcher can do this.")


def can_dispatch(user) -> bool:
    """Dispatchers (and administrators) book, move and close visits."""
    return bool(user and user.is_authenticated and user.is_dispatcher)


def require_dispatcher(user) -> None:
    if not can_dispatch(user):
        raise NotAllowed(DISPATCHERS_ONLY)
