"""The console's HTML pages. Each renders the page's frame and its words;
the page's module fills it from the JSON endpoints."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from accounts.policies import DISPATCHERS_ONLY, can_dispatch
from fieldservice.errors import NotAllowed


def dispatcher_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A console page: GET only, with the CSRF cookie its scripts send back.
    Anyone not signed in goes to the admin's sign-in and comes back; a signed-in
    user who is not a dispatcher gets a 403 page saying so."""

    @wraps(view)
    @require_GET
    @ensure_csrf_cookie
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not can_dispatch(request.user):
            return render(
                request,
                "refusal.html",
                {"error": NotAllowed(DISPATCHERS_ONLY)},
                status=403,
            )
        return view(request, *args, **kwargs)

    return page


def console_render(
    request: HttpRequest,
    template: str,
    *,
    title: str,
    section: str,
    module: str,
    strings: dict | None = None,
    context: dict | None = None,
) -> HttpResponse:
    """A page in the console's frame (console/base.html): `section` marks the
    navigation, `module` is the static ES module that runs the page, `strings`
    the page's words for that module (rendered with json_script, read by
    console/strings.js)."""
    return render(
        request,
        template,
        {
            "title": title,
            "section": section,
            "module": module,
            "strings": strings or {},
            **(context or {}),
        },
    )


# --- The day board ----------------------------------------------------------------


@dispatcher_page
def board(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "console/board.html",
        title=_("Day board"),
        section="board",
        module="console/board.js",
    )


# --- The booking assistant --------------------------------------------------------


@dispatcher_page
def booking(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "console/booking.html",
        title=_("Book a visit"),
        section="booking",
        module="console/booking.js",
    )


# --- The queues ---------------------------------------------------------------------


def queue_strings() -> dict[str, str]:
    """The queues page's words ({name} is filled in by console/strings.js)."""
    return {
        "queues": _("Queues"),
        "tab_complaints": _("Complaints"),
        "tab_reschedule_requests": _("Requests for a new time"),
        "tab_failed_calls": _("Calls to call back"),
        "tab_contested_conduct": _("Contested conduct"),
        "overdue_count": _("{count} overdue"),
        "refreshed_at": _("Clocks read at {time}; they refresh every minute."),
        "duration_days": _("{days} d {hours} h"),
        "duration_hours": _("{hours} h {minutes} min"),
        "duration_minutes": _("{minutes} min"),
        "time_left": _("{time} left"),
        "overdue_by": _("overdue by {time}"),
        "clock_met": _("answered with {margin} to spare"),
        "clock_missed": _("answered {time} late"),
        "status_met": _("Met"),
        "status_missed": _("Missed"),
        "status_overdue": _("Overdue"),
        "status_due_soon": _("Due soon"),
        "status_running": _("Running"),
        "due_at": _("due {time}"),
        "refused": _("Refused."),
        "network_error": _("No answer from the server. Try again."),
        "visit": _("Visit"),
        "customer": _("Customer"),
        "technician": _("Technician"),
        "complaint": _("Complaint"),
        "first_response": _("First response (48 h)"),
        "resolution_clock": _("Resolution (7 working days)"),
        "action": _("Action"),
        "respond": _("Send the first response"),
        "response": _("First response to the customer"),
        "resolve": _("Resolve"),
        "resolution": _("Resolution"),
        "rating": _("rated {rating}"),
        "contested": _("Contested: {item}"),
        "responded_with": _("Responded: {text}"),
        "no_complaints": _("No open complaints."),
        "requested_at": _("Asked"),
        "waiting_for": _("waiting for {time}"),
        "move_on_board": _("Move on the day board"),
        "find_a_time": _("Find a time"),
        "no_reschedule_requests": _("No requests for a new time."),
        "call": _("Call"),
        "attempts": _("Attempts"),
        "last_error": _("Last error"),
        "call_back_outcome": _("What came of the call-back"),
        "outcome_confirmed": _("Reached: confirmed the appointment"),
        "outcome_reschedule_requested": _("Reached: asked for a new time"),
        "outcome_rated": _("Reached: rated the visit"),
        "outcome_not_reached": _("Not reached"),
        "customer_rating": _("Customer's rating (1 to 5)"),
        "note": _("Note"),
        "record_call_back": _("Record the call-back"),
        "no_failed_calls": _("No calls to call back."),
        "contested_item": _("Contested item"),
        "customer_said": _("Customer said: {comment}"),
        "signed_by": _("Signed by {name}, {time}"),
        "open_complaint": _("Open a complaint"),
        "go_to_complaint": _("Go to complaint {id}"),
        "no_contested_conduct": _("No contested conduct items."),
    }


@dispatcher_page
def queues(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "console/queues.html",
        title=_("Queues"),
        section="queues",
        module="console/queues.js",
        strings=queue_strings(),
    )


# --- A visit's page ---------------------------------------------------------------


@dispatcher_page
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    return console_render(
        request,
        "console/visit.html",
        title=_("Visit"),
        section="board",
        module="console/visit-page.js",
        context={"visit_id": pk},
    )
