"""Business refusals and the one shape every refusal is answered in.

Services raise these; they carry their own HTTP status, so services never
import rest_framework. The DRF exception handler (fieldservice.api) and the
plain Django views (`answers_refusals`) both answer with `error_body`.
"""

import functools
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults


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
    """A step that the object's current state does not allow: a conflict with
    its state (409), which the client resolves by reloading it."""

    status_code = 409
    code = "invalid_transition"
    default_detail = _("This step is not allowed in the visit's current state.")


class NotAllowed(ApplicationError):
    status_code = 403
    code = "not_allowed"
    default_detail = _("You are not allowed to do this.")


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"


class PreconditionFailed(ApplicationError):
    """A conditional write whose condition (If-Match) no longer holds."""

    status_code = 412
    code = "precondition_failed"


# --- The one error shape ------------------------------------------------------------


def error_body(error: ApplicationError) -> dict:
    """`{"code": …, "detail": …, …extra}`: the body of every refusal."""
    return {"code": error.code, "detail": str(error.detail), **error.extra}


def refusal_response(error: ApplicationError) -> HttpResponse:
    """A refusal as a JSON answer, for views outside DRF."""
    return JsonResponse(
        error_body(error),
        status=error.status_code,
        json_dumps_params={"ensure_ascii": False},
    )


def answers_refusals(template: str | None = None):
    """Decorates a plain Django view so that an ApplicationError it raises is
    answered in the one error shape: as JSON, or as the HTML `template` (with
    `error` in its context) for a page a person reads."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as error:
                if template is None:
                    return refusal_response(error)
                return render(
                    request, template, {"error": error}, status=error.status_code
                )

        return wrapped

    return decorate


# --- Errors no view caught ------------------------------------------------------
# Named in fieldservice.urls as handler400/handler404/handler500: with DEBUG off, the API
# answers even these in the one shape, and other pages with a plain page.

API_PREFIX = "/api/"


class ServerError(ApplicationError):
    status_code = 500
    code = "server_error"
    default_detail = _("Something went wrong on our side; the error has been logged.")


class DatabaseUnavailable(ApplicationError):
    """The database could not be reached, or dropped the connection while the
    request was served: its transaction was rolled back, so nothing of it was
    written and the client may send it again."""

    status_code = 503
    code = "database_unavailable"
    default_detail = _(
        "The service is briefly unavailable; nothing was saved. Try again in a moment."
    )


# Seconds a client is asked to wait before sending a request again after a 503.
DATABASE_RETRY_AFTER_SECONDS = 5


def _database_unavailable(request: HttpRequest) -> HttpResponse:
    error = DatabaseUnavailable()
    if request.path.startswith(API_PREFIX):
        response = refusal_response(error)
    else:
        # No template: rendering one may read the session, from the database.
        title = escape(gettext("Service unavailable"))
        response = HttpResponse(
            f"<!doctype html><title>{title}</title><h1>{title}</h1>"
            f"<p>{escape(str(error.detail))}</p>",
            status=error.status_code,
        )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def _is_database_unreachable(exception: BaseException | None) -> bool:
    """A failure to reach or keep the database connection (refused, dropped,
    terminated by the server, already closed), not a bad query."""
    return isinstance(exception, OperationalError | InterfaceError)


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"
    default_detail = _("Not found.")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return refusal_response(ApplicationError(code="bad_request"))
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path no API route matches (`/api/v1/visits/-1/`) answers like a route
    that found nothing: JSON in the one shape, not Django's HTML page."""
    if request.path.startswith(API_PREFIX):
        return refusal_response(NotFound())
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this while it handles the uncaught exception (in any view,
    DRF's included, or in a middleware), so sys.exc_info() is that exception: a
    database out of reach is a 503 the client may retry, not a 500."""
    if _is_database_unreachable(sys.exc_info()[1]):
        return _database_unavailable(request)
    if request.path.startswith(API_PREFIX):
        return refusal_response(ServerError())
    return defaults.server_error(request)
