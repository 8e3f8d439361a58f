from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AreaTier, Customer
from fieldservice.choices import labelled
from visits.lifecycle.rules import Punctuality, TimeSource, Transition, VisitState


class VisitKind(models.TextChoices):
    INSTALLATION = "installation", _("Installation")
    REPAIR = "repair", _("Fault repair")


class WorkOrderQuerySet(models.QuerySet):
    def for_customer_user(self, user):
        return self.filter(customer__user=user)

    def for_phone(self, number: str):
        """The work orders of the E.164 `number`: taken for it (the snapshot) or
        for a customer who has it now. Both through an index: the customers are
        looked up first (a separate query), so that PostgreSQL combines two
        index scans instead of testing a subquery against every row."""
        customers = list(
            Customer.objects.filter(phone=number).values_list("pk", flat=True)
        )
        return self.filter(
            models.Q(customer_phone=number) | models.Q(customer__in=customers)
        )


class WorkOrder(models.Model):
    """A job for a customer (装机单 / 施工单). It may take several visits."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices)
    description = models.TextField(_("description"), blank=True)
    # Snapshot of where and for whom the work is, taken when the order is made:
    # later edits to the customer do not rewrite what was signed for.
    customer_name = models.CharField(_("customer name"), max_length=100, editable=False)
    customer_phone = models.CharField(
        _("customer phone"), max_length=20, editable=False
    )
    address = models.CharField(_("address"), max_length=255)
    area_tier = models.CharField(_("area tier"), max_length=8, choices=AreaTier.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The work-order lists' order (read backwards), whole and by kind;
            # the exact search by the customer's phone (E.164).
            models.Index(fields=["created_at", "id"], name="work_order_list_order"),
            models.Index(
                fields=["kind", "created_at", "id"], name="work_order_kind_list_order"
            ),
            models.Index(fields=["customer_phone"], name="work_order_customer_phone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=VisitKind.values),
                name="work_order_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(area_tier__in=AreaTier.values),
                name="work_order_area_tier_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class WorkOrderSequence(models.Model):
    """Per-day counter behind human-readable work-order numbers (WO20261123-0001)."""

    day = models.DateField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("work-order number sequence")

    def __str__(self) -> str:
        return f"{self.day}: {self.last_number}"


VISIT_STATE_LABELS: dict[str, Any] = {
    VisitState.SCHEDULED: _("Scheduled"),
    VisitState.EN_ROUTE: _("On the way"),
    VisitState.ARRIVED: _("Arrived"),
    VisitState.IN_PROGRESS: _("In progress"),
    VisitState.TEMPORARILY_LEFT: _("Temporarily left"),
    VisitState.WORK_DONE: _("Work done"),
    VisitState.SIGNED_OFF: _("Signed off"),
    VisitState.CLOSED: _("Closed"),
    VisitState.CANCELLED: _("Cancelled"),
    VisitState.NO_SHOW: _("Customer not at home"),
}

# A state as the end of a sentence, for refusals that say where the visit
# stands ("Cannot arrive at this visit: " + one of these). Never drop a state's
# label into a sentence: English and Chinese each need a whole phrase.
STATE_SENTENCES: dict[str, Any] = {
    VisitState.SCHEDULED: _("it is scheduled and nobody has set off yet."),
    VisitState.EN_ROUTE: _("the technician is on the way."),
    VisitState.ARRIVED: _("the technician has arrived."),
    VisitState.IN_PROGRESS: _("the work is in progress."),
    VisitState.TEMPORARILY_LEFT: _("the technician has left temporarily."),
    VisitState.WORK_DONE: _("the work is done and awaits the customer's sign-off."),
    VisitState.SIGNED_OFF: _("the customer has signed off."),
    VisitState.CLOSED: _("it is closed."),
    VisitState.CANCELLED: _("it is cancelled."),
    VisitState.NO_SHOW: _("the customer was not at home."),
}


def state_now_sentence(state: str) -> str:
    """Where the visit stands, as a sentence of its own."""
    return _("At the moment %(state)s") % {"state": STATE_SENTENCES[state]}


VISIT_STATE_CHOICES = labelled(VisitState, VISIT_STATE_LABELS)

TRANSITION_LABELS: dict[str, Any] = {
    Transition.START_TRAVEL: _("On my way"),
    Transition.ARRIVE: _("Arrive"),
    Transition.START_WORK: _("Start work"),
    Transition.LEAVE: _("Leave temporarily"),
    Transition.RETURN: _("Return"),
    Transition.FINISH_WORK: _("Work done"),
    Transition.SIGN_OFF: _("Customer sign-off"),
    Transition.CLOSE: _("Close"),
    Transition.CANCEL: _("Cancel"),
    Transition.NO_SHOW: _("Customer not at home"),
}

PUNCTUALITY_CHOICES = labelled(
    Punctuality,
    {
        Punctuality.EARLY: _("Early"),
        Punctuality.ON_TIME: _("On time"),
        Punctuality.LATE: _("Late"),
    },
)

TIME_SOURCE_CHOICES = labelled(
    TimeSource,
    {
        TimeSource.SERVER: _("Server's clock"),
        TimeSource.DEVICE: _("Reported by the phone"),
    },
)


class VisitQuerySet(models.QuerySet):
    def for_technician(self, user):
        return self.filter(technician=user)

    def for_customer_user(self, user):
        return self.filter(work_order__customer__user=user)

    def on_day(self, day: date):
        """Visits whose appointed start falls on `day` in the current time zone."""
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, time.min), tz)
        end = timezone.make_aware(
            datetime.combine(day + timedelta(days=1), time.min), tz
        )
        return self.filter(appointed_start__gte=start, appointed_start__lt=end)


class Visit(models.Model):
    """One trip of a technician to the customer, at an agreed time."""

    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("work order"),
    )
    sequence = models.PositiveSmallIntegerField(
        _("visit number"),
        editable=False,
        help_text=_("1 for the first visit of the work order."),
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("technician"),
        limit_choices_to={"role": "technician"},
    )
    appointed_start = models.DateTimeField(_("appointed start"), db_index=True)
    expected_duration_minutes = models.PositiveSmallIntegerField(
        _("expected duration (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        default=60,
    )
    # Copied from the company settings at booking: a later change of policy
    # does not re-judge visits already agreed.
    arrival_tolerance_minutes = models.PositiveSmallIntegerField(
        _("arrival tolerance (minutes)"), editable=False
    )
    checklist_template = models.ForeignKey(
        "visits.ChecklistTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="visits",
        verbose_name=_("checklist version"),
        help_text=_("The template version whose items were copied at booking."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=VISIT_STATE_CHOICES,
        default=VisitState.SCHEDULED,
        editable=False,
    )

    en_route_at = models.DateTimeField(
        _("on the way at"), null=True, blank=True, editable=False
    )
    arrived_at = models.DateTimeField(
        _("arrived at"), null=True, blank=True, editable=False
    )
    punctuality = models.CharField(
        _("punctuality"),
        max_length=8,
        choices=PUNCTUALITY_CHOICES,
        blank=True,
        editable=False,
    )
    arrival_deviation_seconds = models.IntegerField(
        _("arrival deviation (seconds)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Negative when early."),
    )
    # Punctuality is judged on `arrived_at`; this says whose clock it is
    # (docs/rules.md#offline-steps). Every step's event says it for that step.
    arrival_time_source = models.CharField(
        _("arrival time from"),
        max_length=8,
        choices=TIME_SOURCE_CHOICES,
        blank=True,
        default="",
        editable=False,
        help_text=_(
            "The server's clock when the arrival reached it, or the phone's "
            "when the technician tapped arrive offline."
        ),
    )
    # Named for its first use; it holds the reason for an early arrival too.
    late_reason = models.CharField(
        _("reason for arriving outside the tolerance"),
        max_length=500,
        blank=True,
        editable=False,
    )
    work_started_at = models.DateTimeField(
        _("work started at"), null=True, blank=True, editable=False
    )
    work_done_at = models.DateTimeField(
        _("work done at"), null=True, blank=True, editable=False
    )
    signed_off_at = models.DateTimeField(
        _("signed off at"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, editable=False
    )
    ended_reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_(
            "Why the visit was cancelled, found nobody at home, or closed early."
        ),
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["appointed_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "sequence"],
                name="visit_sequence_unique_per_work_order",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[state.value for state in VisitState]),
                name="visit_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_duration_minutes__gte=5),
                name="visit_duration_at_least_five_minutes",
            ),
            models.CheckConstraint(
                condition=models.Q(punctuality="") | models.Q(arrived_at__isnull=False),
                name="visit_punctuality_needs_arrival",
            ),
            models.CheckConstraint(
                condition=~models.Q(punctuality=Punctuality.LATE)
                | ~models.Q(late_reason=""),
                name="visit_late_arrival_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(arrived_at__isnull=True, arrival_time_source="")
                | models.Q(
                    arrived_at__isnull=False,
                    arrival_time_source__in=[source.value for source in TimeSource],
                ),
                name="visit_arrival_time_has_source",
            ),
        ]
        indexes = [
            models.Index(fields=["technician", "appointed_start"]),
            # The visit lists' order (API cursor, admin), whole and by state.
            models.Index(fields=["appointed_start", "id"], name="visit_list_order"),
            models.Index(
                fields=["state", "appointed_start", "id"], name="visit_state_list_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order.number}/{self.sequence}"

    @property
    def arrival_tolerance(self) -> timedelta:
        return timedelta(minutes=self.arrival_tolerance_minutes)

    @property
    def expected_end(self):
        return self.appointed_start + timedelta(minutes=self.expected_duration_minutes)


class LeaveReason(models.TextChoices):
    FIND_CAUSE = "find_cause", _("Find the cause of the fault")
    EQUIPMENT_ROOM_TEST = (
        "equipment_room_test",
        _("Testing at the equipment room"),
    )
    FETCH_MATERIALS = "fetch_materials", _("Fetch materials or tools")
    OTHER = "other", _("Other")


class TemporaryLeave(models.Model):
    """The technician stepped away from the site (暂时离开, docs/rules.md#temporary-leave)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="leaves", verbose_name=_("visit")
    )
    reason = models.CharField(_("reason"), max_length=24, choices=LeaveReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    is_returning = models.BooleanField(_("returning"))
    fix_deadline = models.DateTimeField(
        _("committed fix deadline"), null=True, blank=True
    )
    left_at = models.DateTimeField(_("left at"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("temporary leave")
        verbose_name_plural = _("temporary leaves")
        ordering = ["left_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_returning=True)
                | models.Q(fix_deadline__isnull=False),
                name="leave_without_return_has_fix_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True)
                | models.Q(returned_at__gte=models.F("left_at")),
                name="leave_returned_after_leaving",
            ),
            # At most one open leave per visit.
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(returned_at__isnull=True),
                name="leave_one_open_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.left_at:%H:%M}"


class VisitEventKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    REASSIGNED = "reassigned", _("Reassigned")
    START_TRAVEL = (
        Transition.START_TRAVEL.value,
        TRANSITION_LABELS[Transition.START_TRAVEL],
    )
    ARRIVE = Transition.ARRIVE.value, TRANSITION_LABELS[Transition.ARRIVE]
    START_WORK = Transition.START_WORK.value, TRANSITION_LABELS[Transition.START_WORK]
    LEAVE = Transition.LEAVE.value, TRANSITION_LABELS[Transition.LEAVE]
    RETURN = Transition.RETURN.value, TRANSITION_LABELS[Transition.RETURN]
    FINISH_WORK = (
        Transition.FINISH_WORK.value,
        TRANSITION_LABELS[Transition.FINISH_WORK],
    )
    SIGN_OFF = Transition.SIGN_OFF.value, TRANSITION_LABELS[Transition.SIGN_OFF]
    CLOSE = Transition.CLOSE.value, TRANSITION_LABELS[Transition.CLOSE]
    CANCEL = Transition.CANCEL.value, TRANSITION_LABELS[Transition.CANCEL]
    NO_SHOW = Transition.NO_SHOW.value, TRANSITION_LABELS[Transition.NO_SHOW]


class VisitEvent(models.Model):
    """One line of a visit's history. Append-only: the database refuses updates
    (and, on PostgreSQL, deletes) of these rows."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="events", verbose_name=_("visit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VisitEventKind.choices)
    from_state = models.CharField(
        _("from state"), max_length=20, choices=VISIT_STATE_CHOICES, blank=True
    )
    to_state = models.CharField(
        _("to state"), max_length=20, choices=VISIT_STATE_CHOICES
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system did it."),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.kind} {self.at:%Y-%m-%d %H:%M:%S}"
