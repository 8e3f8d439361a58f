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
from django.utils.translation import pgettext
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from accounts.models import AreaTier, Language
from accounts.policies import DISPATCHERS_ONLY, can_dispatch
from fieldservice.errors import NotAllowed
from visits.calls.models import (
    CALL_PURPOSE_CHOICES,
    CallBackOutcome,
    CallOutcome,
    CallState,
)
from visits.complaints.models import ComplaintSource, ComplaintState
from visits.lifecycle.models import (
    PUNCTUALITY_CHOICES,
    TIME_SOURCE_CHOICES,
    VISIT_STATE_CHOICES,
    LeaveReason,
    VisitEventKind,
    VisitKind,
)


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
        "network": _("No answer from the server. Check the connection and try again."),
        "refused": _("Refused."),
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
        strings={**_board_strings(), **visit_strings()},
        context={
            "refresh_seconds": settings.BOARD_REFRESH_SECONDS,
            "states": VISIT_STATE_CHOICES,
        },
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
        "refused": _("Refused."),
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
        "visit": _("Work order"),
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


# The labels of the codes the visit's evidence carries, as `v_<group>_<code>`.
VISIT_CHOICE_LABELS = {
    "state": VISIT_STATE_CHOICES,
    "kind": VisitKind.choices,
    "punctuality": PUNCTUALITY_CHOICES,
    "source": TIME_SOURCE_CHOICES,
    "event": VisitEventKind.choices,
    "leave": LeaveReason.choices,
    "purpose": CALL_PURPOSE_CHOICES,
    "call": CallState.choices,
    "outcome": CallOutcome.choices,
    "callback": CallBackOutcome.choices,
    "complaint": ComplaintState.choices,
    "complaint_source": ComplaintSource.choices,
}


def visit_strings() -> dict[str, str]:
    """The words of console/visit.js, on the visit's page and wherever else it
    is mounted (the day board's side panel merges these into its own)."""
    strings = {
        f"v_{group}_{value}": str(label)
        for group, choices in VISIT_CHOICE_LABELS.items()
        for value, label in choices
    }
    strings.update(
        {
            "v_loading": _("Loading the visit…"),
            "v_refused": _("Refused."),
            "v_network_error": _("No answer from the server. Try again."),
            "v_customer": _("Customer"),
            "v_technician": _("Technician"),
            "v_times": _("Times"),
            "v_appointed": _("Appointed"),
            "v_window": _("{start} to {end}"),
            "v_en_route": _("On the way"),
            "v_arrived": _("Arrived"),
            "v_deviation": _("{minutes} min"),
            "v_time_source": _("time from: {source}"),
            "v_late_reason": _("Reason for lateness: {reason}"),
            "v_work_started": _("Work started"),
            "v_work_done": _("Work done"),
            "v_signed": _("Signed"),
            "v_closed": _("Closed"),
            "v_ended_reason": _("Reason"),
            "v_not_yet": _("not yet"),
            "v_actions": _("Actions"),
            "v_cancel": _("Cancel the visit"),
            "v_cancel_reason": _("Why is it cancelled?"),
            "v_close": _("Close the visit"),
            "v_close_note": _("Note (optional)"),
            "v_sign_off_link": _("Create a signing link"),
            "v_sign_off_link_ready": _(
                "The customer opens this link or scans the code to sign on their "
                "own phone. Valid until {time}, once."
            ),
            "v_qr_label": _("QR code of the signing link"),
            "v_receipt": _("Download the receipt (PDF)"),
            "v_service_card": _("Download the service card (PDF)"),
            "v_file_complaint": _("File a complaint for the customer"),
            "v_complaint_text": _("What does the customer complain of?"),
            "v_done": _("Done."),
            "v_complaint_filed": _("Complaint {id} filed; its clocks are running."),
            "v_checklist": _("Checklist"),
            "v_no_answer": _("not answered"),
            "v_yes": _("Yes"),
            "v_no": _("No"),
            "v_photo_of": _("Photo: {item}"),
            "v_required": _("required"),
            "v_leaves": _("Temporary leaves"),
            "v_left_at": _("Left"),
            "v_returned_at": _("Returned"),
            "v_returning": _("Returning"),
            "v_fix_deadline": _("Fix deadline"),
            "v_note": _("Note"),
            "v_events": _("Event log"),
            "v_event": _("Event"),
            "v_at": _("At"),
            "v_by": _("By"),
            "v_calls": _("Calls"),
            "v_due": _("Due"),
            "v_attempts": _("Attempts"),
            "v_rating": _("Rating"),
            "v_call_back": _("Call-back"),
            "v_complaints": _("Complaints"),
            "v_opened": _("Opened"),
            "v_response": _("First response"),
            "v_resolution": _("Resolution"),
            "v_sign_off": _("Sign-off"),
            "v_signer": _("Signed by {name} ({channel}), record {number}"),
            "v_conduct": _("Conduct confirmed by the customer"),
            "v_confirmed": _("Confirmed"),
            "v_contested": _("Contested"),
            "v_contested_because": _("Contested: {comment}"),
            "v_verify": _("Verify the signed record"),
            "v_not_signed": _("Not signed yet."),
            "v_none": _("None."),
            "v_open_page": _("Open the visit's page"),
        }
    )
    return strings


@dispatcher_page
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    return console_render(
        request,
        "console/visit.html",
        title=_("Visit"),
        section="board",
        module="console/visit-page.js",
        strings=visit_strings(),
        context={"visit_id": pk},
    )
