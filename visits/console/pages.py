"""The console's HTML pages. Each renders the page's frame and its words;
the page's module fills it from the JSON endpoints."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from accounts.policies import DISPATCHERS_ONLY, can_dispatch
from fieldservice.errors import NotAllowed
from visits.lifecycle.models import VISIT_STATE_CHOICES


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


def _board_strings() -> dict[str, str]:
    """The words board.js draws (the rest are in console/board.html)."""
    return {
        **{f"state_{value}": str(label) for value, label in VISIT_STATE_CHOICES},
        "late_now": pgettext("day board", "Late now"),
        "at_risk": pgettext("day board", "At risk"),
        "leave_returning": pgettext("day board", "Left, returning"),
        "leave_fix_by": pgettext("day board", "Left, fix by {time}"),
        "contested": pgettext("day board", "Conduct contested"),
        "failed_call": pgettext("day board", "Call failed"),
        "open_complaint": pgettext("day board", "Complaint"),
        "inactive": pgettext("day board", "inactive"),
        "arrived_finished": pgettext("day board", "Actual: {start}–{end}"),  # noqa: RUF001
        "visit_label": pgettext(
            "day board",
            "{number}, {customer}, {start}–{end}, {state}",  # noqa: RUF001
        ),
        "no_visits": pgettext("day board", "No visits"),
        "updated": pgettext("day board", "Updated {time}"),
        "offline": pgettext(
            "day board", "The board could not be updated; trying again."
        ),
        "moved": pgettext("day board", "Visit {number} moved."),
        "move": pgettext("day board", "Move…"),
        "close_panel": _("Close"),
        "requested_at": pgettext("day board", "asked {time}"),
        "currently": pgettext("day board", "now {time} with {technician}"),
        "give_time": pgettext("day board", "Drag onto the board to give it a time"),
        "book": pgettext("day board", "Book"),
        "fix_by": pgettext("day board", "fix by {time}"),
        "left_by": pgettext("day board", "left by {technician}"),
        "nothing_waiting": pgettext("day board", "Nothing waiting."),
        "dialog_title": pgettext("day board", "Move visit {number}"),
        "drop_hint": pgettext("day board", "{time} · {technician}"),
    }


@dispatcher_page
def board(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "console/board.html",
        title=_("Day board"),
        section="board",
        module="console/board.js",
        strings=_board_strings(),
        context={
            "refresh_seconds": settings.BOARD_REFRESH_SECONDS,
            "states": VISIT_STATE_CHOICES,
        },
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


@dispatcher_page
def queues(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "console/queues.html",
        title=_("Queues"),
        section="queues",
        module="console/queues.js",
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
