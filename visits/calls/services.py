"""Write paths for calls. Calls are rows before they are tasks: booking,
rescheduling, cancelling and sign-off write or move them in their own
transaction (through the lifecycle's hooks, hooks.py); the beat scan claims the
due ones and hands their ids to the task module, which enqueues one task each;
a task places each call once."""

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CompanySettings, User
from accounts.policies import require_dispatcher
from fieldservice import phones
from fieldservice.errors import Conflict, InvalidInput
from visits.calls import rules, scripts
from visits.calls.models import (
    Call,
    CallBackOutcome,
    CallOutcome,
    CallState,
    RescheduleRequest,
)
from visits.calls.providers import (
    OutgoingCall,
    PermanentCallError,
    TransientCallError,
    get_provider,
)
from visits.calls.rules import CallPurpose
from visits.complaints.models import Complaint, ComplaintSource
from visits.complaints.services import complaint_open
from visits.lifecycle.models import Visit
from visits.lifecycle.rules import VisitState

logger = logging.getLogger(__name__)

PENDING_STATES = (CallState.SCHEDULED, CallState.QUEUED)
REMINDERS = (CallPurpose.REMINDER_DAY_BEFORE, CallPurpose.REMINDER_BEFORE_ARRIVAL)
# The calls about a visit to come: none is made once it is over.
UNSENT_WHEN_OVER = (*REMINDERS, CallPurpose.BOOKING_NOTICE)


def _clock(value: str) -> time:
    return time.fromisoformat(value)


def quiet_hours() -> tuple[time, time]:
    start, _dash, end = settings.CALL_QUIET_HOURS.partition("-")
    return _clock(start), _clock(end)


def customer_zone(visit: Visit) -> ZoneInfo:
    return ZoneInfo(visit.work_order.customer.time_zone or settings.TIME_ZONE)


# --- Scheduling ----------------------------------------------------------------


def reminders_schedule(*, visit: Visit, now: datetime | None = None) -> list[Call]:
    """Writes the reminder calls of a newly booked or moved visit. Call inside
    the booking's transaction: the rows exist exactly when the booking does."""
    now = now or timezone.now()
    quiet_start, quiet_end = quiet_hours()
    times = rules.reminder_times(
        appointed=visit.appointed_start,
        now=now,
        day_before_at=_clock(settings.CALL_REMINDER_DAY_BEFORE_AT),
        minutes_before=settings.CALL_REMINDER_MINUTES_BEFORE,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        tz=customer_zone(visit),
    )
    customer = visit.work_order.customer
    return Call.objects.bulk_create(
        Call(
            visit=visit,
            purpose=purpose.value,
            due_at=due_at,
            to_phone=customer.phone,
            language=customer.language,
            created_at=now,
        )
        for purpose, due_at in times.items()
    )


def calls_cancel(*, visit: Visit, purposes=REMINDERS) -> int:
    """Cancels the visit's calls not yet placed (a call already ringing goes on)."""
    return Call.objects.filter(
        visit=visit, purpose__in=purposes, state__in=PENDING_STATES
    ).update(state=CallState.CANCELLED, ended_at=timezone.now())


def reminders_move(*, visit: Visit) -> list[Call]:
    """The visit was moved (改约): the old reminders go, new ones come."""
    calls_cancel(visit=visit)
    return reminders_schedule(visit=visit)


def follow_up_schedule(*, visit: Visit, signed_at: datetime) -> Call:
    """The follow-up call (回访) the day after sign-off."""
    quiet_start, quiet_end = quiet_hours()
    customer = visit.work_order.customer
    return Call.objects.create(
        visit=visit,
        purpose=CallPurpose.FOLLOW_UP,
        due_at=rules.follow_up_time(
            signed_at=signed_at,
            at=_clock(settings.CALL_FOLLOW_UP_AT),
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            tz=customer_zone(visit),
        ),
        to_phone=customer.phone,
        language=customer.language,
        created_at=signed_at,
    )


def booking_notice_schedule(*, visit: Visit, now: datetime) -> Call:
    """Tells the customer of their visit's booking, move or reassignment
    (docs/rules.md#booking-notice): one call due now, or when their quiet hours
    end. A notice still unsent for the same visit is superseded (cancelled),
    also within one transaction (a move and a reassignment together): the call
    says the visit as it stands when it rings, so one notice is enough. Call
    inside the change's transaction: the row exists exactly when the change does."""
    calls_cancel(visit=visit, purposes=(CallPurpose.BOOKING_NOTICE,))
    quiet_start, quiet_end = quiet_hours()
    customer = visit.work_order.customer
    return Call.objects.create(
        visit=visit,
        purpose=CallPurpose.BOOKING_NOTICE,
        due_at=rules.notice_time(
            now, quiet_start=quiet_start, quiet_end=quiet_end, tz=customer_zone(visit)
        ),
        to_phone=customer.phone,
        language=customer.language,
        created_at=now,
    )


# --- The scan ------------------------------------------------------------------------


def calls_recover_stale(*, now: datetime | None = None) -> tuple[int, int]:
    """Puts back calls whose task never ran (claimed, but the broker lost the
    message or was down) and calls whose worker died while placing them with no
    word from the provider since. Returns (requeued, retried)."""
    now = now or timezone.now()
    requeued = Call.objects.filter(
        state=CallState.QUEUED,
        claimed_at__lt=now - timedelta(minutes=settings.CALL_QUEUED_STALE_MINUTES),
    ).update(state=CallState.SCHEDULED, claimed_at=None)
    retried = 0
    stale = Call.objects.filter(
        state=CallState.PLACING,
        provider_call_id__isnull=True,
        claimed_at__lt=now - timedelta(minutes=settings.CALL_PLACING_STALE_MINUTES),
    )
    for call_id in stale.values_list("id", flat=True):
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=call_id)
            if call.state == CallState.PLACING and call.provider_call_id is None:
                _retry_or_fail(
                    call, "the worker stopped while placing the call", now=now
                )
                retried += 1
    return requeued, retried


def calls_claim_due(
    *,
    on_claimed: Callable[[list[int]], None],
    now: datetime | None = None,
    limit: int | None = None,
) -> list[int]:
    """Claims due calls for placing, at most `limit`, and hands their ids to
    `on_claimed` inside the claim's transaction (the task module enqueues them
    once it commits). Concurrent scans skip each other's rows
    (select_for_update skip_locked), so no call is claimed twice."""
    now = now or timezone.now()
    limit = limit or settings.CALL_SCAN_BATCH
    with transaction.atomic():
        ids = list(
            Call.objects.select_for_update(skip_locked=True)
            .filter(state=CallState.SCHEDULED, due_at__lte=now)
            .order_by("due_at")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Call.objects.filter(id__in=ids).update(
                state=CallState.QUEUED, claimed_at=now
            )
            on_claimed(ids)
    return ids


def calls_scan(
    *, on_claimed: Callable[[list[int]], None], now: datetime | None = None
) -> int:
    """One beat tick: recover stale calls, then claim every due call in batches,
    handing each batch to `on_claimed` (see calls_claim_due)."""
    now = now or timezone.now()
    calls_recover_stale(now=now)
    claimed = 0
    while True:
        batch = calls_claim_due(on_claimed=on_claimed, now=now)
        claimed += len(batch)
        if len(batch) < settings.CALL_SCAN_BATCH:
            return claimed


# --- Placing --------------------------------------------------------------------------


def _retry_or_fail(call: Call, error: str, *, now: datetime) -> None:
    """Tries the call again after a backoff (outside quiet hours), or marks it
    failed for the dispatcher once CALL_MAX_ATTEMPTS are used."""
    call.last_error = error[:500]
    if call.attempts >= settings.CALL_MAX_ATTEMPTS:
        call.state = CallState.FAILED
        call.ended_at = now
    else:
        quiet_start, quiet_end = quiet_hours()
        call.state = CallState.SCHEDULED
        call.due_at = rules.next_allowed_time(
            now + rules.retry_delay(call.attempts),
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            tz=customer_zone(call.visit),
        )
        call.claimed_at = None
    call.save(update_fields=["state", "due_at", "claimed_at", "ended_at", "last_error"])


def _reminder_still_useful(visit: Visit, now: datetime) -> bool:
    """A reminder is for a visit still to come: not once the technician is
    there, the work has started, or the appointed time has passed."""
    return visit.state in (VisitState.SCHEDULED, VisitState.EN_ROUTE) and (
        now < visit.appointed_start
    )


def notice_text(call: Call) -> str:
    """What a booking notice says: the visit as it stands when the call rings."""
    visit = call.visit
    settings_row = CompanySettings.load()
    return scripts.booking_notice(
        company=settings_row.company_name,
        hotline=settings_row.customer_service_hotline,
        appointed=visit.appointed_start,
        kind=visit.work_order.kind,
        technician=visit.technician.display_name,
        language=call.language,
        tz=customer_zone(visit),
    )


def opening_text(call: Call) -> str:
    visit = call.visit
    company = CompanySettings.load().company_name
    if call.purpose == CallPurpose.FOLLOW_UP:
        return scripts.rating_question(company=company, language=call.language).text
    if call.purpose == CallPurpose.BOOKING_NOTICE:
        return notice_text(call)
    return scripts.reminder(
        company=company,
        appointed=visit.appointed_start,
        kind=visit.work_order.kind,
        language=call.language,
        tz=customer_zone(visit),
    ).text


def _skip(call: Call, reason: str, *, now: datetime) -> Call:
    call.state = CallState.SKIPPED
    call.ended_at = now
    call.last_error = reason
    call.save(update_fields=["state", "ended_at", "last_error"])
    return call


def _superseded(call: Call, *, now: datetime) -> bool:
    others_due = list(
        Call.objects.filter(visit_id=call.visit_id, purpose__in=REMINDERS)
        .exclude(pk=call.pk)
        .exclude(state__in=(CallState.CANCELLED, CallState.SKIPPED))
        .values_list("due_at", flat=True)
    )
    return rules.is_superseded(call.due_at, others_due=others_due, now=now)


def _lock_for_placing(call_id: int) -> Call:
    """Locks the call's visit, then the call: the one lock order of every
    writer of calls (docs/rules.md#reminder-calls). Cancelling or moving a
    visit locks the visit and then updates its calls; locking the call first
    here (or both in one joined SELECT … FOR UPDATE) deadlocked against them
    on PostgreSQL. The work order and customer are read, not locked."""
    visit_id = Call.objects.values_list("visit_id", flat=True).get(pk=call_id)
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("work_order__customer")
        .get(pk=visit_id)
    )
    call = Call.objects.select_for_update().get(pk=call_id)
    call.visit = visit
    return call


def call_place(*, call_id: int, now: datetime | None = None) -> Call:
    """Places one claimed call, at most once: a second delivery of the task, or
    one for a call no longer queued, does nothing. Rules checked when the call
    would ring, not only when it was scheduled (docs/rules.md#reminder-calls):
    the customer's quiet hours (the call waits for their end, or is skipped if
    a reminder would then be pointless), a reminder for a visit under way or
    over is skipped, and so is one superseded by a later due reminder.
    `now` is for trusted code (tests)."""
    with transaction.atomic():
        call = _lock_for_placing(call_id)
        now = now or timezone.now()
        if call.state != CallState.QUEUED:
            return call
        purpose = CallPurpose(call.purpose)
        if purpose in REMINDERS:
            if not _reminder_still_useful(call.visit, now):
                return _skip(
                    call, "not placed: the visit was already under way or over", now=now
                )
            if _superseded(call, now=now):
                return _skip(
                    call,
                    "not placed: a later reminder of the same visit is due",
                    now=now,
                )
        if purpose is CallPurpose.BOOKING_NOTICE and not (
            call.visit.state == VisitState.SCHEDULED
            and now < call.visit.appointed_start
        ):
            return _skip(
                call, "not placed: the visit is no longer booked to come", now=now
            )
        quiet_start, quiet_end = quiet_hours()
        ring_at = rules.placing_time(
            purpose,
            now,
            appointed=call.visit.appointed_start if purpose in REMINDERS else None,
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            tz=customer_zone(call.visit),
        )
        if ring_at is None:
            return _skip(
                call,
                "not placed: once it may ring (after the quiet hours) it is too late",
                now=now,
            )
        if ring_at != now:  # quiet hours on the customer's clock: wait for morning
            call.state = CallState.SCHEDULED
            call.due_at = ring_at
            call.claimed_at = None
            call.save(update_fields=["state", "due_at", "claimed_at"])
            return call
        call.state = CallState.PLACING
        call.attempts += 1
        # A new attempt starts clean: the previous attempt's answers, outcome
        # and error do not carry over (its webhooks stay in CallWebhook).
        call.provider_call_id = None  # a new attempt gets the provider's new id
        call.outcome = ""
        call.digits = ""
        call.rating = None
        call.something_wrong = None
        call.last_error = ""
        call.placed_at = None
        call.ended_at = None
        call.save(
            update_fields=[
                "state",
                "attempts",
                "provider_call_id",
                "outcome",
                "digits",
                "rating",
                "something_wrong",
                "last_error",
                "placed_at",
                "ended_at",
            ]
        )
    try:  # dialled in E.164 whatever the form stored (rows older than the rule)
        to_phone = phones.to_e164(call.to_phone)
    except ValidationError:
        Call.objects.filter(pk=call_id).update(
            state=CallState.FAILED,
            last_error=f"not placed: {call.to_phone!r} is not a valid phone number",
            ended_at=timezone.now(),
        )
        return Call.objects.get(pk=call_id)
    provider = get_provider()
    outgoing = OutgoingCall(call.id, to_phone, call.language, opening_text(call))
    try:
        provider_call_id = provider.place(outgoing)
    except TransientCallError as error:
        # A timeout may hide a call the provider did place: if its status
        # callback got here first, the call is no longer being placed, and
        # trying it again would ring the customer twice.
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=call_id)
            if call.state == CallState.PLACING:
                _retry_or_fail(call, str(error), now=timezone.now())
        return call
    except PermanentCallError as error:
        Call.objects.filter(pk=call_id, state=CallState.PLACING).update(
            state=CallState.FAILED, last_error=str(error)[:500], ended_at=timezone.now()
        )
        return Call.objects.get(pk=call_id)
    Call.objects.filter(pk=call_id, state=CallState.PLACING).update(
        state=CallState.PLACED,
        provider=provider.name,
        provider_call_id=provider_call_id,
        placed_at=timezone.now(),
    )
    return Call.objects.get(pk=call_id)


# --- What the customer answered ---------------------------------------------------------

# Twilio's CallStatus values and what they mean for the call row.
ENDED_UNANSWERED = {"busy": CallOutcome.BUSY, "no-answer": CallOutcome.NO_ANSWER}
ENDED_FAILED = {"failed", "canceled"}
MAX_MENU_TRIES = 2  # a question is asked twice; then the call ends politely


def call_record_status(*, call: Call, status: str, provider_call_id: str = "") -> Call:
    """The provider reports the call's progress. Unanswered calls are tried
    again later (within CALL_MAX_ATTEMPTS), outside quiet hours."""
    with transaction.atomic():
        call = (
            Call.objects.select_for_update(of=("self",))
            .select_related("visit__work_order__customer")
            .get(pk=call.pk)
        )
        now = timezone.now()
        if provider_call_id and call.provider_call_id not in (None, provider_call_id):
            return call  # news of an earlier attempt: this one is already under way
        if provider_call_id and not call.provider_call_id:
            call.provider_call_id = provider_call_id
        if call.state in (
            CallState.COMPLETED,
            CallState.FAILED,
            CallState.CANCELLED,
            CallState.SKIPPED,
        ):
            pass
        elif status in ("initiated", "ringing", "in-progress", "queued"):
            if call.state == CallState.PLACING:
                call.state = CallState.PLACED
                call.placed_at = call.placed_at or now
        elif status == "completed":
            call.state = CallState.COMPLETED
            call.ended_at = now
            # A notice asks nothing: heard to the end, it has no keypad outcome.
            if not call.outcome and call.purpose != CallPurpose.BOOKING_NOTICE:
                call.outcome = CallOutcome.NO_VALID_INPUT
        elif status in ENDED_UNANSWERED:
            call.outcome = ENDED_UNANSWERED[status]
            _retry_or_fail(call, f"the customer did not answer ({status})", now=now)
        elif status in ENDED_FAILED:
            call.state = CallState.FAILED
            call.ended_at = now
            call.last_error = f"the provider reported {status}"
        call.save()
        return call


def call_record_keys(
    *, call: Call, step: str, digits: str, attempt: int
) -> tuple[str, str]:
    """Records a keypad answer and says what comes next: ("ask", step) for the
    next or repeated question, ("end", outcome) to say goodbye."""
    with transaction.atomic():
        # The call only, not the joined visit: see _lock_for_placing.
        call = (
            Call.objects.select_for_update(of=("self",))
            .select_related("visit")
            .get(pk=call.pk)
        )
        now = timezone.now()
        call.digits = (call.digits + digits)[-50:]
        if step == "confirm" and digits in scripts.CONFIRM_KEYS:
            if digits == "1":
                call.outcome = CallOutcome.CONFIRMED
            else:
                call.outcome = CallOutcome.RESCHEDULE_REQUESTED
                RescheduleRequest.objects.get_or_create(
                    call=call, defaults={"visit": call.visit, "requested_at": now}
                )
            call.save(update_fields=["digits", "outcome"])
            return "end", call.outcome
        if step == "rating" and digits in scripts.RATING_KEYS:
            call.rating = int(digits)
            call.outcome = CallOutcome.RATED
            call.save(update_fields=["digits", "rating", "outcome"])
            return "ask", "problem"
        if step == "problem" and digits in scripts.PROBLEM_KEYS:
            call.something_wrong = digits == "1"
            call.save(update_fields=["digits", "something_wrong"])
            complaint = _complaint_from_follow_up(call, now=now)
            return "end", "complaint" if complaint else "thanks"
        call.save(update_fields=["digits"])
        if attempt < MAX_MENU_TRIES:
            return "ask", step
        if step == "problem":  # rated, but would not say: the rating still counts
            complaint = _complaint_from_follow_up(call, now=now)
            return "end", "complaint" if complaint else "thanks"
        call.outcome = call.outcome or CallOutcome.NO_VALID_INPUT
        call.save(update_fields=["outcome"])
        return "end", "no_valid_input"


def _complaint_from_follow_up(call: Call, *, now: datetime) -> Complaint | None:
    is_low = (
        call.rating is not None and call.rating <= settings.COMPLAINT_RATING_AT_MOST
    )
    if not (is_low or call.something_wrong):
        return None
    if Complaint.objects.filter(call=call).exists():
        return None
    source = (
        ComplaintSource.FOLLOW_UP_KEYPAD
        if call.something_wrong
        else (ComplaintSource.FOLLOW_UP_RATING)
    )
    return complaint_open(
        visit=call.visit,
        source=source,
        call=call,
        rating=call.rating,
        description="",
        at=now,
    )


# --- The lifecycle's hooks ----------------------------------------------------------


def reschedule_requests_handle(*, visit: Visit, by: User | None, at: datetime) -> int:
    """The visit was moved: the customer's requests for a new time are handled."""
    return visit.reschedule_requests.filter(handled_at__isnull=True).update(
        handled_at=at, handled_by=by
    )


# --- The dispatcher's call-back -------------------------------------------------------

_REMINDER_CALL_BACKS = (
    CallBackOutcome.CONFIRMED,
    CallBackOutcome.RESCHEDULE_REQUESTED,
    CallBackOutcome.NOT_REACHED,
)
CALL_BACK_OUTCOMES_BY_PURPOSE = {
    CallPurpose.REMINDER_DAY_BEFORE: _REMINDER_CALL_BACKS,
    CallPurpose.REMINDER_BEFORE_ARRIVAL: _REMINDER_CALL_BACKS,
    CallPurpose.FOLLOW_UP: (CallBackOutcome.RATED, CallBackOutcome.NOT_REACHED),
}


def _check_call_back(call: Call, outcome: str, rating: int | None) -> None:
    if outcome not in CallBackOutcome.values:
        raise InvalidInput(
            _("Unknown call-back outcome %(outcome)s.") % {"outcome": outcome},
            code="outcome_invalid",
        )
    allowed = CALL_BACK_OUTCOMES_BY_PURPOSE[CallPurpose(call.purpose)]
    if outcome not in allowed:
        raise InvalidInput(
            _("A call-back after a %(purpose)s cannot end with: %(outcome)s.")
            % {
                "purpose": call.get_purpose_display(),
                "outcome": CallBackOutcome(outcome).label,
            },
            code="outcome_not_for_purpose",
            extra={"allowed_outcomes": list(allowed)},
        )
    if outcome == CallBackOutcome.RATED:
        if rating is None or not 1 <= rating <= 5:
            raise InvalidInput(
                _("Give the customer's rating, from 1 to 5."), code="rating_required"
            )
    elif rating is not None:
        raise InvalidInput(
            _("A rating is recorded only when the customer rated the visit."),
            code="rating_not_expected",
        )


def call_record_call_back(
    *,
    call: Call,
    by: User,
    outcome: str,
    rating: int | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Call:
    """A dispatcher called the customer back by hand after a call that failed
    (or ended with no valid answer): records who, when and what came of it,
    which takes the call out of the failed-calls queue. Asked for a new time:
    a reschedule request, as if pressed on the keypad. Rated on a follow-up:
    the rating counts, and a low one opens a complaint by the same rule as a
    keypad rating (_complaint_from_follow_up). Refused (409, nothing written)
    for a call that needs no call-back, or one already recorded."""
    require_dispatcher(by)
    with transaction.atomic():
        call = _lock_for_placing(call.pk)
        at = at or timezone.now()
        if call.called_back_at is not None:
            raise Conflict(
                _("A call-back for this call was already recorded."),
                code="already_called_back",
            )
        if not call.needs_call_back:
            raise Conflict(
                _("This call did not fail: there is no call-back to record."),
                code="call_not_failed",
            )
        _check_call_back(call, outcome, rating)
        if outcome == CallBackOutcome.RESCHEDULE_REQUESTED and call.visit.state not in (
            VisitState.SCHEDULED,
            VisitState.EN_ROUTE,
        ):
            raise Conflict(
                _("The visit is no longer waiting to happen: it cannot be moved."),
                code="visit_not_movable",
            )
        call.called_back_at = at
        call.called_back_by = by
        call.call_back_outcome = outcome
        call.call_back_note = note.strip()[:500]
        fields = ["called_back_at", "called_back_by", "call_back_outcome"]
        fields.append("call_back_note")
        if outcome == CallBackOutcome.RATED:
            call.rating = rating
            fields.append("rating")
        call.save(update_fields=fields)
        if outcome == CallBackOutcome.RESCHEDULE_REQUESTED:
            RescheduleRequest.objects.get_or_create(
                call=call, defaults={"visit": call.visit, "requested_at": at}
            )
        elif outcome == CallBackOutcome.RATED:
            _complaint_from_follow_up(call, now=at)
        return call
