"""Calls to customers (reminders, follow-up), what they answered, reschedule
requests and complaints with their clocks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .signoff import ConductConfirmation
from .visit import Visit


class CallPurpose(models.TextChoices):
    REMINDER_DAY_BEFORE = "reminder_day_before", _("Reminder the day before")
    REMINDER_BEFORE_ARRIVAL = "reminder_before_arrival", _("Reminder before arrival")
    FOLLOW_UP = "follow_up", _("Follow-up call (回访)")


class CallState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("call state", "Scheduled")
    QUEUED = "queued", _("Queued")
    PLACING = "placing", _("Being placed")
    PLACED = "placed", _("Placed")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class CallOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed the appointment")
    RESCHEDULE_REQUESTED = "reschedule_requested", _("Asked for a new time")
    RATED = "rated", _("Rated the visit")
    NO_ANSWER = "no_answer", _("No answer")
    NO_VALID_INPUT = "no_valid_input", _("No valid keypad answer")
    BUSY = "busy", _("Line busy")


class Call(models.Model):
    """One call to make: a row first (written with the booking or sign-off that
    causes it), then a task. The beat scan claims due rows; the task places the
    call at most once; webhooks record what the customer pressed."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="calls", verbose_name=_("visit")
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=CallPurpose.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CallState.choices,
        default=CallState.SCHEDULED,
    )
    due_at = models.DateTimeField(_("due at"))
    to_phone = models.CharField(_("phone"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    provider_call_id = models.CharField(
        _("provider's call id"), max_length=64, null=True, blank=True, unique=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=CallOutcome.choices, blank=True
    )
    digits = models.CharField(_("keys pressed"), max_length=50, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    something_wrong = models.BooleanField(
        _("something was wrong"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["due_at", "id"]
        indexes = [
            # The scan reads only due, scheduled rows: its cost follows them, not the table.
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="scheduled"),
                name="call_scheduled_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=1, rating__lte=5),
                name="call_rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.visit_id} @ {self.due_at:%Y-%m-%d %H:%M}"


class CallWebhook(models.Model):
    """Every provider callback received, once: a replayed callback (same
    provider event) is recognised and has no second effect."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("call")
    )
    event_key = models.CharField(_("event key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("call webhook")
        verbose_name_plural = _("call webhooks")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return self.event_key


class RescheduleRequest(models.Model):
    """The customer pressed 2 on a reminder: the dispatcher finds a new time (改约)."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        related_name="reschedule_requests",
        verbose_name=_("visit"),
    )
    call = models.OneToOneField(
        Call,
        on_delete=models.PROTECT,
        related_name="reschedule_request",
        null=True,
        blank=True,
        verbose_name=_("call"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("reschedule request")
        verbose_name_plural = _("reschedule requests")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit} {self.requested_at:%Y-%m-%d %H:%M}"


class ComplaintSource(models.TextChoices):
    FOLLOW_UP_RATING = "follow_up_rating", _("Low rating on the follow-up call")
    FOLLOW_UP_KEYPAD = (
        "follow_up_keypad",
        _("Said something was wrong on the follow-up call"),
    )
    DISPATCHER = "dispatcher", _("Filed by a dispatcher")
    CUSTOMER = "customer", _("Filed by the customer")


class ComplaintState(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("First response given")
    RESOLVED = "resolved", _("Resolved")


class Complaint(models.Model):
    """A complaint on a visit (投诉), with its clocks (rules 11.5-11.6): first
    response within COMPLAINT_FIRST_RESPONSE_HOURS, final resolution within
    COMPLAINT_RESOLUTION_WORKING_DAYS working days."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("visit"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ComplaintSource.choices
    )
    call = models.ForeignKey(
        Call,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("call"),
    )
    conduct_item = models.ForeignKey(
        ConductConfirmation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("contested conduct item"),
    )
    description = models.TextField(_("description"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ComplaintState.choices,
        default=ComplaintState.OPEN,
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    first_response_due_at = models.DateTimeField(_("first response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(
        _("first responded at"), null=True, blank=True
    )
    response = models.TextField(_("first response"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), default=0
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-opened_at", "id"]
        indexes = [models.Index(fields=["state", "first_response_due_at"])]

    def __str__(self) -> str:
        return f"{self.visit} {self.get_source_display()}"


class Holiday(models.Model):
    """The working-day calendar: public holidays, and weekend days made working
    days (调休). Data, edited in the admin each year."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked for a weekend day that is worked (调休)."),
    )

    class Meta:
        verbose_name = _("holiday or working weekend day")
        verbose_name_plural = _("calendar: holidays and working weekend days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
