"""Write paths for work orders and visits: one function per use case.

Every function runs in one transaction, locks the row it changes, checks the
step against the lifecycle table (rules.TRANSITIONS) and the actor against the
policies, writes only the fields it changes, appends a VisitEvent and runs the
hooks the reacting packages installed (hooks.py). Times are the server's:
callers pass `at` only from trusted code (the demo loader, tests), never from a
request. A time the technician's phone reports for one of his steps comes as
`reported` instead, and is judged under the visit's lock before it is recorded
(docs/rules.md#offline-steps).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    AreaTier,
    CompanySettings,
    Customer,
    Role,
    TechnicianProfile,
    User,
)
from accounts.policies import require_dispatcher
from fieldservice.device_time import ReportedTime
from fieldservice.errors import Conflict, InvalidInput, InvalidTransition
from fieldservice.i18n import listing, sentences
from visits.lifecycle import hooks, policies, rules, selectors
from visits.lifecycle.hooks import VisitChange
from visits.lifecycle.models import (
    STATE_SENTENCES,
    TRANSITION_LABELS,
    LeaveReason,
    TemporaryLeave,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitKind,
    WorkOrder,
    WorkOrderSequence,
)
from visits.lifecycle.rules import TRANSITIONS, TimeSource, Transition, VisitState

# Visits that still hold the technician's time or the work order's next step.
# A work order gets its next visit only when none of these is under way (a
# visit left without return, or already signed off, may be followed by another).
OPEN_STATES = (
    VisitState.SCHEDULED,
    VisitState.EN_ROUTE,
    VisitState.ARRIVED,
    VisitState.IN_PROGRESS,
    VisitState.WORK_DONE,
)
# Visits that hold the technician's time.
BUSY_STATES = (
    VisitState.SCHEDULED,
    VisitState.EN_ROUTE,
    VisitState.ARRIVED,
    VisitState.IN_PROGRESS,
    VisitState.TEMPORARILY_LEFT,
)

LEAVE_MESSAGES = {
    rules.LeaveProblem.RETURNING_NOT_SAID: _(
        "Say whether you will return: the customer must be told."
    ),
    rules.LeaveProblem.FIX_DEADLINE_REQUIRED: _(
        "Not returning requires a committed fix deadline."
    ),
    rules.LeaveProblem.FIX_DEADLINE_NOT_IN_FUTURE: _(
        "The committed fix deadline must be in the future."
    ),
    rules.LeaveProblem.FIX_DEADLINE_WHEN_RETURNING: _(
        "A fix deadline is only committed when not returning."
    ),
}


def _now(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput(_("Times must include a time zone."), code="naive_datetime")
    return at


def _event(
    *,
    visit: Visit,
    kind: str,
    from_state: str,
    by: User | None,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> VisitEvent:
    return VisitEvent.objects.create(
        visit=visit,
        kind=kind,
        from_state=from_state,
        to_state=visit.state,
        at=at,
        actor=by,
        data=data or {},
    )


def _local_iso(value: datetime | None) -> str | None:
    """Event times in one form: local time with its offset."""
    return timezone.localtime(value).isoformat() if value else None


# --- Work orders -------------------------------------------------------------


def _next_work_order_number(day) -> str:
    sequence, _created = WorkOrderSequence.objects.select_for_update().get_or_create(
        day=day
    )
    WorkOrderSequence.objects.filter(day=day).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db(fields=["last_number"])
    return f"WO{day:%Y%m%d}-{sequence.last_number:04d}"


@transaction.atomic
def work_order_create(
    *,
    customer: Customer,
    kind: str,
    by: User,
    description: str = "",
    address: str = "",
    area_tier: str = "",
) -> WorkOrder:
    """Opens a work order, copying the customer's name, phone, address and area
    tier onto it (the address may be overridden for work at another place)."""
    require_dispatcher(by)
    if kind not in VisitKind.values:
        raise InvalidInput(
            _("Unknown work-order kind: %(kind)s.") % {"kind": kind},
            code="invalid_kind",
        )
    if area_tier and area_tier not in AreaTier.values:
        raise InvalidInput(
            _("Unknown area tier: %(tier)s.") % {"tier": area_tier},
            code="invalid_area_tier",
        )
    now = timezone.now()
    work_order = WorkOrder(
        customer=customer,
        kind=kind,
        description=description,
        customer_name=customer.name,
        customer_phone=customer.phone,
        address=address or customer.address,
        area_tier=area_tier or customer.area_tier,
        created_by=by,
        created_at=now,
    )
    work_order.number = _next_work_order_number(timezone.localdate(now))
    work_order.full_clean()
    work_order.save()
    return work_order


@transaction.atomic
def work_order_update_description(
    *, work_order: WorkOrder, description: str, by: User
) -> WorkOrder:
    """Changes what the work order says about the job, until a customer signs:
    the signature covers the description (docs/rules.md#signed-record)."""
    require_dispatcher(by)
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if work_order.description == description:
        return work_order
    if selectors.work_order_is_signed(work_order):
        raise Conflict(
            _(
                "A customer has signed for this work order: its description "
                "can no longer be changed."
            ),
            code="work_order_signed",
        )
    work_order.description = description
    work_order.full_clean()
    work_order.save(update_fields=["description"])
    return work_order


# --- Booking -----------------------------------------------------------------


def _check_technician(technician: User) -> None:
    if technician.role != Role.TECHNICIAN:
        raise InvalidInput(
            _("%(user)s is not a technician.") % {"user": technician},
            code="not_a_technician",
        )
    profile = TechnicianProfile.objects.filter(user=technician).first()
    if profile is None or not profile.is_active or not technician.is_active:
        raise InvalidInput(
            _("%(user)s is not an active technician.") % {"user": technician},
            code="technician_inactive",
        )


def _check_technician_free(
    *, technician: User, start: datetime, minutes: int, exclude: Visit | None = None
) -> None:
    """Refuses a booking that overlaps another open visit of the same
    technician (technician_busy), or leaves less than TRAVEL_BUFFER_MINUTES
    between one visit's expected end and the next one's start, in either
    direction (travel_buffer; docs/rules.md#travel-buffer). Both are 409: a
    clash with the schedule as it stands. Locks the technician's row so two
    bookings cannot both pass the check."""
    User.objects.select_for_update().filter(pk=technician.pk).first()
    buffer = timedelta(minutes=settings.TRAVEL_BUFFER_MINUTES)
    end = start + timedelta(minutes=minutes)
    # A visit lasts at most a day: one starting earlier cannot reach the window.
    candidates = Visit.objects.filter(
        technician=technician,
        state__in=BUSY_STATES,
        appointed_start__lt=end + buffer,
        appointed_start__gt=start - timedelta(days=1) - buffer,
    ).select_related("work_order")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = rules.first_clash(
        start=start,
        end=end,
        others=[
            (visit, visit.appointed_start, visit.expected_end) for visit in candidates
        ],
        buffer=buffer,
    )
    if found is None:
        return
    clash, kind = found
    values = {
        "technician": technician,
        "visit": clash,
        "start": timezone.localtime(clash.appointed_start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(clash.expected_end).strftime("%H:%M"),
        "minutes": settings.TRAVEL_BUFFER_MINUTES,
    }
    extra = {
        "clash": {
            "kind": kind.value,
            "visit": clash.pk,
            "number": str(clash),
            "appointed_start": _local_iso(clash.appointed_start),
            "expected_end": _local_iso(clash.expected_end),
        }
    }
    if kind is rules.ClashKind.OVERLAP:
        raise Conflict(
            _("%(technician)s already has visit %(visit)s from %(start)s to %(end)s.")
            % values,
            code="technician_busy",
            extra=extra,
        )
    raise Conflict(
        _(
            "%(technician)s has visit %(visit)s from %(start)s to %(end)s: "
            "%(minutes)s minutes must be left between visits for travel."
        )
        % values,
        code="travel_buffer",
        extra=extra,
    )


def _check_appointment(appointed_start: datetime, minutes: int, now: datetime) -> None:
    if timezone.is_naive(appointed_start):
        raise InvalidInput(
            _("The appointed start must include a time zone."), code="naive_datetime"
        )
    if appointed_start <= now:
        raise InvalidInput(
            _("The appointed start must be in the future."), code="appointment_in_past"
        )
    if not 5 <= minutes <= 24 * 60:
        raise InvalidInput(
            _("The expected duration must be between 5 minutes and 24 hours."),
            code="invalid_duration",
        )


@transaction.atomic
def visit_schedule(
    *,
    work_order: WorkOrder,
    technician: User,
    appointed_start: datetime,
    by: User,
    expected_duration_minutes: int = 60,
    now: datetime | None = None,
) -> Visit:
    """Books a visit of `technician` to the work order's customer at an agreed time."""
    require_dispatcher(by)
    now = _now(now)
    _check_appointment(appointed_start, expected_duration_minutes, now)
    _check_technician(technician)
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    open_visit = work_order.visits.filter(
        Q(state__in=OPEN_STATES)
        | Q(
            state=VisitState.TEMPORARILY_LEFT,
            leaves__returned_at__isnull=True,
            leaves__is_returning=True,
        )
    ).first()
    if open_visit is not None:
        raise InvalidInput(
            _(
                "Work order %(order)s already has an open visit (%(visit)s); reschedule it instead."
            )
            % {"order": work_order, "visit": open_visit},
            code="work_order_has_open_visit",
        )
    _check_technician_free(
        technician=technician, start=appointed_start, minutes=expected_duration_minutes
    )
    visit = Visit.objects.create(
        work_order=work_order,
        sequence=work_order.visits.count() + 1,
        technician=technician,
        appointed_start=appointed_start,
        expected_duration_minutes=expected_duration_minutes,
        arrival_tolerance_minutes=CompanySettings.load().arrival_tolerance_minutes,
        created_at=now,
    )
    _event(
        visit=visit,
        kind=VisitEventKind.SCHEDULED,
        from_state="",
        by=by,
        at=now,
        data={
            "appointed_start": _local_iso(appointed_start),
            "technician": technician.pk,
            "expected_duration_minutes": expected_duration_minutes,
        },
    )
    hooks.run_after(VisitChange(visit=visit, kind=hooks.SCHEDULED, at=now, by=by))
    return visit


def _lock(visit: Visit) -> Visit:
    # Lock the visit row only, not the joined work order and customer.
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("work_order__customer")
        .get(pk=visit.pk)
    )


def _require_scheduled(visit: Visit, refusal: Any) -> None:
    """Only a visit nobody has set off for can be moved or reassigned."""
    if visit.state != VisitState.SCHEDULED:
        raise InvalidTransition(sentences(refusal, STATE_SENTENCES[visit.state]))


def _write_reschedule(
    visit: Visit,
    *,
    appointed_start: datetime,
    minutes: int,
    by: User,
    reason: str,
    now: datetime,
) -> None:
    """Saves the locked, checked visit at its new time, with its event and the
    reschedule hooks (the reminder calls move with it)."""
    previous = visit.appointed_start
    visit.appointed_start = appointed_start
    visit.expected_duration_minutes = minutes
    visit.save(update_fields=["appointed_start", "expected_duration_minutes"])
    _event(
        visit=visit,
        kind=VisitEventKind.RESCHEDULED,
        from_state=visit.state,
        by=by,
        at=now,
        data={
            "from": _local_iso(previous),
            "to": _local_iso(appointed_start),
            "reason": reason,
            "expected_duration_minutes": minutes,
        },
    )
    hooks.run_after(VisitChange(visit=visit, kind=hooks.RESCHEDULED, at=now, by=by))


def _write_reassign(
    visit: Visit, *, technician: User, by: User, reason: str, now: datetime
) -> None:
    """Gives the locked, checked visit to `technician`, with its event and the
    reassign hooks."""
    previous = visit.technician_id
    visit.technician = technician
    visit.save(update_fields=["technician"])
    _event(
        visit=visit,
        kind=VisitEventKind.REASSIGNED,
        from_state=visit.state,
        by=by,
        at=now,
        data={"from": previous, "to": technician.pk, "reason": reason},
    )
    hooks.run_after(VisitChange(visit=visit, kind=hooks.REASSIGNED, at=now, by=by))


@transaction.atomic
def visit_reschedule(
    *,
    visit: Visit,
    appointed_start: datetime,
    by: User,
    reason: str,
    expected_duration_minutes: int | None = None,
) -> Visit:
    """Moves a visit that has not started to a new agreed time (改约)."""
    require_dispatcher(by)
    visit = _lock(visit)
    _require_scheduled(visit, _("Only a scheduled visit can be rescheduled:"))
    if not reason.strip():
        raise InvalidInput(_("Say why the visit is moved."), code="reason_required")
    minutes = (
        visit.expected_duration_minutes
        if expected_duration_minutes is None
        else expected_duration_minutes
    )
    now = timezone.now()
    _check_appointment(appointed_start, minutes, now)
    _check_technician_free(
        technician=visit.technician,
        start=appointed_start,
        minutes=minutes,
        exclude=visit,
    )
    _write_reschedule(
        visit,
        appointed_start=appointed_start,
        minutes=minutes,
        by=by,
        reason=reason.strip(),
        now=now,
    )
    return visit


@transaction.atomic
def visit_reassign(*, visit: Visit, technician: User, by: User, reason: str) -> Visit:
    """Gives a scheduled visit to another technician (docs/rules.md#reassign)."""
    require_dispatcher(by)
    visit = _lock(visit)
    _require_scheduled(visit, _("Only a scheduled visit can be reassigned:"))
    if technician.pk == visit.technician_id:
        raise InvalidInput(
            _("The visit is already assigned to %(user)s.") % {"user": technician},
            code="same_technician",
        )
    if not reason.strip():
        raise InvalidInput(
            _("Say why the visit is reassigned."), code="reason_required"
        )
    _check_technician(technician)
    _check_technician_free(
        technician=technician,
        start=visit.appointed_start,
        minutes=visit.expected_duration_minutes,
        exclude=visit,
    )
    _write_reassign(
        visit, technician=technician, by=by, reason=reason.strip(), now=timezone.now()
    )
    return visit


@transaction.atomic
def visit_move(
    *,
    visit: Visit,
    by: User,
    reason: str,
    appointed_start: datetime | None = None,
    technician: User | None = None,
) -> Visit:
    """Moves a scheduled visit to another time and/or another technician in one
    transaction, as the day board's drag does: the same checks as
    `visit_reschedule` and `visit_reassign` (future time, active technician,
    free at the new time with the new technician), all made before anything
    is written, so a refusal changes nothing. Each change writes its own event
    (rescheduled, then reassigned) and runs its own hooks."""
    require_dispatcher(by)
    visit = _lock(visit)
    _require_scheduled(visit, _("Only a scheduled visit can be moved:"))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the visit is moved."), code="reason_required")
    new_start = (
        appointed_start if appointed_start is not None else visit.appointed_start
    )
    new_technician = technician if technician is not None else visit.technician
    is_new_time = new_start != visit.appointed_start
    is_new_technician = new_technician.pk != visit.technician_id
    if not (is_new_time or is_new_technician):
        raise InvalidInput(
            _(
                "The visit is already at that time with that technician: "
                "nothing to move."
            ),
            code="nothing_to_move",
        )
    minutes = visit.expected_duration_minutes
    now = timezone.now()
    if is_new_time:
        _check_appointment(new_start, minutes, now)
    if is_new_technician:
        _check_technician(new_technician)
    _check_technician_free(
        technician=new_technician, start=new_start, minutes=minutes, exclude=visit
    )
    if is_new_time:
        _write_reschedule(
            visit,
            appointed_start=new_start,
            minutes=minutes,
            by=by,
            reason=reason,
            now=now,
        )
    if is_new_technician:
        _write_reassign(visit, technician=new_technician, by=by, reason=reason, now=now)
    return visit


# --- The lifecycle -----------------------------------------------------------

# A refused step is told in two sentences of their own, one for the step and
# one for the state: labels ("On my way", "Work done") do not make a verb.
STEP_REFUSALS: dict[str, Any] = {
    Transition.START_TRAVEL: _("Cannot set off for this visit:"),
    Transition.ARRIVE: _("Cannot arrive at this visit:"),
    Transition.START_WORK: _("Cannot start work on this visit:"),
    Transition.LEAVE: _("Cannot leave this visit temporarily:"),
    Transition.RETURN: _("Cannot return to this visit:"),
    Transition.FINISH_WORK: _("Cannot finish work on this visit:"),
    Transition.SIGN_OFF: _("Cannot sign off this visit:"),
    Transition.CLOSE: _("Cannot close this visit:"),
    Transition.CANCEL: _("Cannot cancel this visit:"),
    Transition.NO_SHOW: _("Cannot mark the customer not at home:"),
}


def _lock_for_step(visit: Visit, transition: str, by: User | None) -> Visit:
    """Locks the visit and checks that `by` may take `transition` now."""
    sources, _target, _actor = TRANSITIONS[transition]
    visit = _lock(visit)
    if by is not None:
        policies.require_step_actor(by, visit, transition)
    if visit.state not in sources:
        allowed = rules.allowed_transitions(visit.state)
        refusal = sentences(STEP_REFUSALS[transition], STATE_SENTENCES[visit.state])
        then = (
            _("Allowed now: %(allowed)s.")
            % {"allowed": listing(TRANSITION_LABELS[name] for name in allowed)}
            if allowed
            else _("No step is allowed now.")
        )
        raise InvalidTransition(
            sentences(refusal, then),
            extra={
                "state": visit.state,
                "allowed_transitions": [rules.step_name(name) for name in allowed],
            },
        )
    return visit


def visit_step_begin(
    visit: Visit, transition: str, by: User | None, *, at: datetime
) -> tuple[Visit, str]:
    """Locks the visit, checks that `by` may take `transition` now and runs the
    step's `before` hooks; with no `by` the caller has already established who
    acts (the customer's signing link). Returns the locked visit and the state
    it was in. Call inside the step's transaction, then `visit_step_finish`."""
    visit = _lock_for_step(visit, transition, by)
    hooks.run_before(VisitChange(visit=visit, kind=transition, at=at, by=by))
    return visit, visit.state


REPORTED_TIME_MESSAGES: dict[str, Any] = {
    rules.ReportedTimeProblem.IN_FUTURE: _(
        "The phone dates this step %(occurred)s, which is still to come: its "
        "clock is wrong. Set the phone to network time and send it again."
    ),
    rules.ReportedTimeProblem.TOO_LONG_AGO: _(
        "The phone dates this step %(occurred)s, more than %(hours)s hours ago: "
        "too long for a step kept on the phone. Send it without its time to "
        "record it now, and tell the dispatcher when it happened."
    ),
    rules.ReportedTimeProblem.BEFORE_PREVIOUS_STEP: _(
        "The phone dates this step %(occurred)s, before the visit's last record "
        "(%(previous)s, %(previous_at)s): steps are kept in the order they "
        "happened. Reload the visit, which may have changed while you were "
        "offline."
    ),
}


def _step_time(
    visit: Visit, *, at: datetime | None, reported: ReportedTime | None
) -> tuple[datetime, dict[str, Any]]:
    """The time to record a step at, on the locked visit, and what its event
    says about where that time came from. A time the phone reports is judged
    against the server's clock when the request arrived and the visit's last
    record (docs/rules.md#offline-steps); a refusal raises InvalidInput."""
    if reported is None:
        return _now(at), {}
    if at is not None:
        raise ValueError("a step takes `at` or `reported`, not both")
    last = visit.events.order_by("-at", "-id").values("kind", "at").first()
    judged = rules.judge_reported_step_time(
        occurred=reported.corrected,
        now=reported.clock.received_at,
        previous=last["at"] if last else None,
        clock_skew=timedelta(seconds=settings.EVIDENCE_CLOCK_SKEW_SECONDS),
        max_age=timedelta(hours=settings.OFFLINE_STEP_MAX_AGE_HOURS),
    )
    if judged.problem is not None:
        extra: dict[str, Any] = {"occurred_at": _local_iso(reported.corrected)}
        values = {
            "occurred": _readable_time(reported.corrected),
            "hours": settings.OFFLINE_STEP_MAX_AGE_HOURS,
        }
        if judged.problem is rules.ReportedTimeProblem.BEFORE_PREVIOUS_STEP:
            assert last is not None
            extra["previous_step"] = last["kind"]
            extra["previous_step_at"] = _local_iso(last["at"])
            values["previous"] = VisitEventKind(last["kind"]).label
            values["previous_at"] = _readable_time(last["at"])
        raise InvalidInput(
            REPORTED_TIME_MESSAGES[judged.problem] % values,
            code=judged.problem.value,
            extra=extra,
        )
    return judged.at, reported.record()


def _readable_time(value: datetime) -> str:
    """A time as a technician reads it: 2026-11-23 10:05:07."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _begin_reported_step(
    visit: Visit,
    transition: str,
    by: User,
    *,
    at: datetime | None,
    reported: ReportedTime | None,
) -> tuple[Visit, str, datetime, dict[str, Any]]:
    """`visit_step_begin` for the technician's own steps, whose time the phone
    may report: locks and checks the visit, judges the time, runs the `before`
    hooks. Returns the locked visit, its state, the time to record and the
    event data that says where the time came from."""
    visit = _lock_for_step(visit, transition, by)
    moment, source = _step_time(visit, at=at, reported=reported)
    hooks.run_before(VisitChange(visit=visit, kind=transition, at=moment, by=by))
    return visit, visit.state, moment, source


def visit_step_finish(
    visit: Visit,
    transition: str,
    *,
    by: User | None,
    at: datetime,
    from_state: str,
    fields: list[str],
    data: dict[str, Any] | None = None,
) -> Visit:
    """Moves the locked visit to the step's target state, saves `fields` with
    it, appends the step's event and runs the step's `after` hooks."""
    visit.state = TRANSITIONS[transition][1]
    visit.save(update_fields=["state", *fields])
    _event(visit=visit, kind=transition, from_state=from_state, by=by, at=at, data=data)
    hooks.run_after(VisitChange(visit=visit, kind=transition, at=at, by=by))
    return visit


def _stamped_step(
    visit: Visit,
    transition: str,
    *,
    by: User,
    at: datetime | None,
    reported: ReportedTime | None,
    field: str,
) -> Visit:
    """A step that only moves the state and stamps its time into `field`."""
    visit, from_state, at, source = _begin_reported_step(
        visit, transition, by, at=at, reported=reported
    )
    setattr(visit, field, at)
    return visit_step_finish(
        visit,
        transition,
        by=by,
        at=at,
        from_state=from_state,
        fields=[field],
        data=source,
    )


@transaction.atomic
def visit_start_travel(
    *,
    visit: Visit,
    by: User,
    at: datetime | None = None,
    reported: ReportedTime | None = None,
) -> Visit:
    """The technician taps "on my way"."""
    return _stamped_step(
        visit,
        Transition.START_TRAVEL,
        by=by,
        at=at,
        reported=reported,
        field="en_route_at",
    )


@transaction.atomic
def visit_arrive(
    *,
    visit: Visit,
    by: User,
    late_reason: str = "",
    at: datetime | None = None,
    reported: ReportedTime | None = None,
) -> Visit:
    """Records arrival at the server's time, or at the time the phone reports
    (docs/rules.md#offline-steps), and judges punctuality on it
    (docs/rules.md#arrival-tolerance). An arrival outside the tolerance (late or
    early) without a reason is refused and records nothing, so the phone can
    ask for the reason and send the arrival again; the reason is kept in
    `late_reason` either way."""
    visit, from_state, at, source = _begin_reported_step(
        visit, Transition.ARRIVE, by, at=at, reported=reported
    )
    judged = rules.arrival_punctuality(
        appointed=visit.appointed_start, arrived=at, tolerance=visit.arrival_tolerance
    )
    late_reason = late_reason.strip()
    if judged.is_reason_required and not late_reason:
        is_late = judged.status is rules.Punctuality.LATE
        raise InvalidInput(
            (
                _("You are %(minutes)s minutes late: give the reason.")
                if is_late
                else _("You are %(minutes)s minutes early: give the reason.")
            )
            % {"minutes": abs(judged.deviation_minutes)},
            code="late_reason_required" if is_late else "early_reason_required",
            extra={
                "punctuality": judged.status.value,
                "deviation_minutes": judged.deviation_minutes,
            },
        )
    visit.arrived_at = at
    visit.punctuality = judged.status.value
    visit.arrival_deviation_seconds = judged.deviation_seconds
    visit.late_reason = late_reason if judged.is_reason_required else ""
    visit.arrival_time_source = (
        TimeSource.DEVICE if reported is not None else TimeSource.SERVER
    )
    return visit_step_finish(
        visit,
        Transition.ARRIVE,
        by=by,
        at=at,
        from_state=from_state,
        fields=[
            "arrived_at",
            "punctuality",
            "arrival_deviation_seconds",
            "late_reason",
            "arrival_time_source",
        ],
        data={
            "punctuality": judged.status.value,
            "deviation_seconds": judged.deviation_seconds,
            "late_reason": visit.late_reason,
            **source,
        },
    )


@transaction.atomic
def visit_start_work(
    *,
    visit: Visit,
    by: User,
    at: datetime | None = None,
    reported: ReportedTime | None = None,
) -> Visit:
    return _stamped_step(
        visit,
        Transition.START_WORK,
        by=by,
        at=at,
        reported=reported,
        field="work_started_at",
    )


@transaction.atomic
def visit_leave(
    *,
    visit: Visit,
    by: User,
    reason: str,
    is_returning: bool | None,
    fix_deadline: datetime | None = None,
    note: str = "",
    at: datetime | None = None,
    reported: ReportedTime | None = None,
) -> TemporaryLeave:
    """The technician leaves the site for a while (docs/rules.md#temporary-leave). He must say
    whether he returns; if not, he commits to a fix deadline in the future (of
    the moment he left, which the phone may report)."""
    visit, from_state, at, source = _begin_reported_step(
        visit, Transition.LEAVE, by, at=at, reported=reported
    )
    if reason not in LeaveReason.values:
        raise InvalidInput(
            _("Unknown reason for leaving: %(reason)s.") % {"reason": reason},
            code="invalid_leave_reason",
        )
    if fix_deadline is not None and timezone.is_naive(fix_deadline):
        raise InvalidInput(
            _("The fix deadline must include a time zone."), code="naive_datetime"
        )
    problems = rules.temporary_leave_problems(
        is_returning=is_returning, fix_deadline=fix_deadline, now=at
    )
    if problems:
        raise InvalidInput(LEAVE_MESSAGES[problems[0]], code=problems[0].value)
    leave = TemporaryLeave.objects.create(
        visit=visit,
        reason=reason,
        note=note.strip(),
        is_returning=bool(is_returning),
        fix_deadline=fix_deadline,
        left_at=at,
    )
    visit_step_finish(
        visit,
        Transition.LEAVE,
        by=by,
        at=at,
        from_state=from_state,
        fields=[],
        data={
            "leave": leave.pk,
            "reason": reason,
            "is_returning": leave.is_returning,
            "fix_deadline": _local_iso(fix_deadline),
            "note": leave.note,
            **source,
        },
    )
    return leave


@transaction.atomic
def visit_return(
    *,
    visit: Visit,
    by: User,
    at: datetime | None = None,
    reported: ReportedTime | None = None,
) -> Visit:
    """Closes the open leave. A time the phone reports is never before the
    leave's (the leave is the visit's last record): away time is not negative."""
    visit, from_state, at, source = _begin_reported_step(
        visit, Transition.RETURN, by, at=at, reported=reported
    )
    leave = visit.leaves.select_for_update().get(returned_at__isnull=True)
    leave.returned_at = at
    leave.save(update_fields=["returned_at"])
    return visit_step_finish(
        visit,
        Transition.RETURN,
        by=by,
        at=at,
        from_state=from_state,
        fields=[],
        data={
            "leave": leave.pk,
            "away_seconds": int((at - leave.left_at).total_seconds()),
            **source,
        },
    )


@transaction.atomic
def visit_finish_work(
    *,
    visit: Visit,
    by: User,
    at: datetime | None = None,
    reported: ReportedTime | None = None,
) -> Visit:
    """Refused by the checklist's hook (409, listing them) while an applicable
    required item is unanswered, unconfirmed or without its photo."""
    return _stamped_step(
        visit,
        Transition.FINISH_WORK,
        by=by,
        at=at,
        reported=reported,
        field="work_done_at",
    )


def _end(
    visit: Visit, transition: str, *, by: User, at: datetime, note: str, from_state: str
) -> Visit:
    """Ends a visit (closed, cancelled, nobody at home) with its reason."""
    visit.closed_at = at
    visit.ended_reason = note
    return visit_step_finish(
        visit,
        transition,
        by=by,
        at=at,
        from_state=from_state,
        fields=["closed_at", "ended_reason"],
        data={"reason": note},
    )


@transaction.atomic
def visit_close(
    *, visit: Visit, by: User, note: str = "", at: datetime | None = None
) -> Visit:
    """Closes a signed-off visit, or one the technician left without returning
    (the rest of the work order goes to a return visit)."""
    at = _now(at)
    visit, from_state = visit_step_begin(visit, Transition.CLOSE, by, at=at)
    note = note.strip()
    if from_state == VisitState.TEMPORARILY_LEFT:
        open_leave = visit.leaves.get(returned_at__isnull=True)
        if open_leave.is_returning:
            raise InvalidTransition(
                _(
                    "The technician said he will return; the visit cannot be closed yet."
                ),
                code="technician_returning",
            )
        if not note:
            raise InvalidInput(
                _("Say how the unfinished work continues."), code="reason_required"
            )
    return _end(visit, Transition.CLOSE, by=by, at=at, note=note, from_state=from_state)


@transaction.atomic
def visit_cancel(
    *, visit: Visit, by: User, reason: str, at: datetime | None = None
) -> Visit:
    at = _now(at)
    visit, from_state = visit_step_begin(visit, Transition.CANCEL, by, at=at)
    if not reason.strip():
        raise InvalidInput(_("Say why the visit is cancelled."), code="reason_required")
    return _end(
        visit,
        Transition.CANCEL,
        by=by,
        at=at,
        note=reason.strip(),
        from_state=from_state,
    )


@transaction.atomic
def visit_mark_no_show(
    *, visit: Visit, by: User, note: str = "", at: datetime | None = None
) -> Visit:
    """Nobody was at home when the technician came."""
    at = _now(at)
    visit, from_state = visit_step_begin(visit, Transition.NO_SHOW, by, at=at)
    return _end(
        visit,
        Transition.NO_SHOW,
        by=by,
        at=at,
        note=note.strip(),
        from_state=from_state,
    )
