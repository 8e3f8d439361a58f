"""The console's HTML pages. Each renders the page's frame and its words;
the page's module fills it from the JSON endpoints."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from accounts.models import AreaTier, Language
from accounts.policies import DISPATCHERS_ONLY, can_dispatch
from fieldservice.errors import NotAllowed
from visits.lifecycle.models import VisitKind


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


def _booking_strings() -> dict[str, str]:
    """The booking page's words for booking.js ({name} is filled in there)."""
    return {
        "searching": _("Searching…"),
        "no_customers": _("No customer found. Create one below."),
        "choose": _("Choose"),
        "chosen_customer": _("Customer: {name}, {phone}, {address}"),
        "customer_created": _("Customer {name} created."),
        "no_work_orders": _("No open work order: open one below."),
        "has_open_visit": _("Has a visit to come: move it on the day board instead."),
        "work_order_created": _("Work order {number} opened."),
        "work_order_first": _("Choose or open a work order first."),
        "customer_first": _("Choose or create a customer first."),
        "free": _("Free"),
        "overlap": _("Busy: visit {number}, {start} to {end}"),
        "travel_buffer": _(
            "Too close: visit {number}, {start} to {end} ({minutes} minutes of "
            "travel needed)"
        ),
        "load": _("Booked: {visits} ({minutes} min)"),
        "on_time": _("{rate}% ({on_time}/{judged})"),
        "no_record": _("No record yet"),
        "visited_before": _("Visited this work order before"),
        "book": _("Book"),
        "book_with": _("Book {name}"),
        "booking": _("Booking…"),
        "no_technicians": _("No active technician."),
        "booked": _(
            "Visit {number} booked with {name} on {day} at {time}. The customer "
            "will be told by phone."
        ),
        "network": _("No answer from the server. Check the connection and try again."),
    }


@dispatcher_page
def booking(request: HttpRequest) -> HttpResponse:
    """Find or create a customer, pick or open a work order, see the
    technicians for a wished time, book one (docs/rules.md#booking-assistant).
    `?work_order=<id>` preselects a work order (the day board's tray)."""
    work_order = request.GET.get("work_order", "")
    return console_render(
        request,
        "console/booking.html",
        title=_("Book a visit"),
        section="booking",
        module="console/booking.js",
        strings=_booking_strings(),
        context={
            "time_zone": settings.TIME_ZONE,
            "travel_buffer_minutes": settings.TRAVEL_BUFFER_MINUTES,
            "default_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "preselected_work_order": work_order if work_order.isdigit() else "",
            "area_tiers": AreaTier.choices,
            "languages": Language.choices,
            "kinds": VisitKind.choices,
        },
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
