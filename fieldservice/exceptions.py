"""Business refusals. Services raise them; the API turns them into 4xx answers.

Services never import rest_framework: these carry their own HTTP status.
"""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"
    default_detail = _("The request cannot be carried out.")

    def __init__(
        self, detail=None, *, code: str | None = None, extra: dict | None = None
    ):
        self.detail = detail if detail is not None else self.default_detail
        if code is not None:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.detail))


class InvalidInput(ApplicationError):
    """Input that is well-formed but breaks a rule (a fix deadline in the past)."""

    code = "invalid"


class InvalidTransition(ApplicationError):
    """A lifecycle step that the visit's current state does not allow."""

    code = "invalid_transition"
    default_detail = _("This step is not allowed in the visit's current state.")


class NotAllowed(ApplicationError):
    status_code = 403
    code = "not_allowed"
    default_detail = _("You are not allowed to do this.")


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
